package store

import (
	"context"
	"database/sql"
	"time"
)

// checkpointer copies SQLite's write-ahead log back into the database file
// from its own connection, every CheckpointEvery. With SQLite's default the
// connection that commits runs the checkpoint once the log passes 1,000
// pages, inside that commit: the single writer (and every request of its
// group commit) waited for it, about 8 % of the writer's time in the intake
// profile. Here it runs beside the writer on another core. PASSIVE never
// blocks the writer or readers; the writer restarts the log from its start
// once a checkpoint has copied all of it (as Litestream also arranges).
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
}

// CheckpointEvery is how often the log is copied back. Between two runs the
// log grows by what was committed meanwhile (a few MB at full intake speed).
var CheckpointEvery = 200 * time.Millisecond

// startCheckpointer opens its connection to file, the database's URI.
func startCheckpointer(file string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", file+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c, nil
}

func (c *checkpointer) loop() {
	defer close(c.done)
	t := time.NewTicker(CheckpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// An error (the database busy for longer than the timeout) is
			// retried on the next tick; the log only grows meanwhile.
			_, _ = c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

// close stops the loop; the last connection to close checkpoints the rest.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}
