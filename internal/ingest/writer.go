package ingest

import (
	"context"
	"fmt"
	"time"

	"towngrid/internal/store"
)

var ingestActor = store.Actor{Name: "ingest", Via: "system"}

// writer is the group-commit loop: it takes what is queued (up to MaxBatch
// messages) and writes it in one transaction; messages arriving during a
// commit form the next batch, which is how batches grow with load.
func (r *Runtime) writer(ctx context.Context) {
	defer close(r.stopped)
	batch := make([]*item, 0, r.opt.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case it := <-r.queue:
			batch = append(batch, it)
		case <-ctx.Done():
			r.drain()
			return
		}
	fill:
		for len(batch) < r.opt.MaxBatch {
			select {
			case it := <-r.queue:
				batch = append(batch, it)
			default:
				break fill
			}
		}
		r.write(batch)
	}
}

// drain finishes what is queued at shutdown so that no waiting publisher is
// left without an answer.
func (r *Runtime) drain() {
	for {
		select {
		case it := <-r.queue:
			r.write([]*item{it})
		default:
			return
		}
	}
}

func (r *Runtime) write(batch []*item) {
	// A batch must not be cut short by the server's shutdown: it uses its own
	// context, bounded in time.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if r.reload.Swap(false) {
		if err := r.proc.load(ctx); err != nil {
			r.log.Error("ingest: reload rules", "err", err)
		}
	}
	start := time.Now()
	err := r.db.Write(ctx, ingestActor, func(tx *store.Tx) error { return r.proc.process(ctx, tx, batch) })
	if err != nil && len(batch) > 1 {
		// One bad message must not fail its neighbours: retry one by one.
		r.proc.reset(ctx)
		for _, it := range batch {
			r.write([]*item{it})
		}
		return
	}
	if err != nil {
		r.proc.reset(ctx)
		r.log.Error("ingest: write failed", "err", err)
		r.Metrics.rejected.WithLabelValues("store_error").Inc()
		err = fmt.Errorf("ingest: %w", err)
	} else {
		r.proc.commit()
		r.Metrics.batchSize.Observe(float64(len(batch)))
		r.Metrics.batchSecs.Observe(time.Since(start).Seconds())
		for _, it := range batch {
			if !it.bad {
				r.Metrics.messages.Inc()
				r.Metrics.readings.Add(float64(len(it.readings)))
			}
		}
	}
	sendAcks(batch, err)
	for _, it := range batch {
		if it.done != nil {
			it.done(err)
		}
	}
}
