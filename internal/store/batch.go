package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Batcher is group commit: concurrent writers hand their work to one
// goroutine that runs several of them in one transaction and commits once.
// SQLite has one writer and a commit costs an fsync-ordered WAL append, so
// committing N requests together multiplies throughput; PostgreSQL gains too
// (one WAL flush for N requests).
//
// Each request runs inside its own SAVEPOINT: a request whose fn fails is
// rolled back to its savepoint and gets its error, the others commit. A
// request is acknowledged (WriteBatched returns nil) only after the commit
// that contains it, so an acknowledged write survives a kill -9. The audit
// chain stays linear: requests append to it one after another inside the
// transaction.
type Batcher struct {
	db      *DB
	max     int
	linger  time.Duration
	reqs    chan *batchReq
	stop    chan struct{}
	done    chan struct{}
	closing sync.Once
}

type batchReq struct {
	ctx   context.Context
	actor Actor
	fn    func(*Tx) error
	err   chan error
}

// ErrBatcherClosed is returned after Close.
var ErrBatcherClosed = errors.New("store: batcher closed")

// NewBatcher starts a group-commit writer. max bounds the requests per
// transaction; linger is how long the writer waits for more once it has one
// (0: take what is queued and go; requests arriving during a commit form
// the next batch, which is what makes batches grow under load).
func NewBatcher(db *DB, max int, linger time.Duration) *Batcher {
	if max < 1 {
		max = 1
	}
	b := &Batcher{db: db, max: max, linger: linger, reqs: make(chan *batchReq, 4*max), stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

// Close stops the writer after the queued requests are done.
func (b *Batcher) Close() {
	b.closing.Do(func() { close(b.stop) })
	<-b.done
}

// Write runs fn in a shared write transaction as actor and returns fn's
// error, or the commit's, once the transaction has committed.
func (b *Batcher) Write(ctx context.Context, actor Actor, fn func(*Tx) error) error {
	r := &batchReq{ctx: ctx, actor: actor, fn: fn, err: make(chan error, 1)}
	select {
	case b.reqs <- r:
	case <-b.stop:
		return ErrBatcherClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-r.err:
		return err
	case <-b.done:
		// The loop drains every queued request before closing done.
		select {
		case err := <-r.err:
			return err
		default:
			return ErrBatcherClosed
		}
	}
}

func (b *Batcher) loop() {
	defer close(b.done)
	batch := make([]*batchReq, 0, b.max)
	for {
		batch = batch[:0]
		select {
		case r := <-b.reqs:
			batch = append(batch, r)
		case <-b.stop:
			for {
				select {
				case r := <-b.reqs:
					r.err <- ErrBatcherClosed
				default:
					return
				}
			}
		}
		var timer <-chan time.Time
		if b.linger > 0 {
			timer = time.After(b.linger)
		}
	collect:
		for len(batch) < b.max {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				if timer == nil {
					break collect
				}
				select {
				case r := <-b.reqs:
					batch = append(batch, r)
				case <-timer:
					break collect
				}
			}
		}
		b.run(batch)
	}
}

func (b *Batcher) run(batch []*batchReq) {
	ctx := context.Background() // one caller's cancellation must not fail the others
	b.db.prepareWanted(ctx)
	results := make([]error, len(batch))
	live := 0
	err := b.db.Write(ctx, System, func(tx *Tx) error {
		for i, r := range batch {
			if err := r.ctx.Err(); err != nil {
				results[i] = err
				continue
			}
			if _, err := tx.tx.ExecContext(ctx, "SAVEPOINT tg_batch"); err != nil {
				return fmt.Errorf("store: savepoint: %w", err)
			}
			tx.Actor = r.actor
			if err := r.fn(tx); err != nil {
				results[i] = err
				if _, rerr := tx.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT tg_batch"); rerr != nil {
					return fmt.Errorf("store: rollback to savepoint: %w", rerr)
				}
			} else {
				live++
			}
			if _, err := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT tg_batch"); err != nil {
				return fmt.Errorf("store: release savepoint: %w", err)
			}
		}
		return nil
	})
	for i, r := range batch {
		switch {
		case results[i] != nil:
			r.err <- results[i]
		default:
			r.err <- err // nil once committed
		}
	}
}
