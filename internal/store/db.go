// Package store is towngrid's storage: one implementation of every repository,
// written once in the SQL that SQLite and PostgreSQL share. The few places
// where the two differ (placeholders, row locks, DDL types) live in dialect.go.
//
// We chose one portable implementation over one package per dialect (as Memos
// does) because towngrid's queries are plain CRUD and aggregates: duplicating
// every query per dialect would double the code that must stay in step.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// DB is an open towngrid database.
type DB struct {
	dialect Dialect
	w       *sql.DB // writes; one connection on SQLite (one writer at a time)
	r       *sql.DB // reads; several connections (WAL lets readers run beside the writer)
	dsn     string
	rebound sync.Map // query text -> dialect-specific text
	now     func() time.Time
	ckpt    *checkpointer // SQLite: copies the WAL into the database off the writer
}

// ErrNotFound is returned when a row does not exist or lies outside the caller's scope.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique constraint would be violated.
var ErrConflict = errors.New("conflict")

// Open connects to dsn: sqlite:///abs/path.db, sqlite://relative.db or postgres://….
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{dsn: dsn, now: time.Now}
	var file string // SQLite: the database's URI without parameters
	switch {
	case strings.HasPrefix(dsn, "sqlite://"):
		path := strings.TrimPrefix(dsn, "sqlite://")
		if path == "" {
			return nil, fmt.Errorf("store: empty sqlite path in %q", dsn)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		db.dialect = SQLite
		// synchronous=NORMAL in WAL mode keeps every committed transaction across a
		// process kill (only an OS crash can lose the last ones), at far higher
		// write rates than FULL. soft_heap_limit (process-wide) makes SQLite
		// shrink its page caches past 160 MiB in all: they live outside the Go
		// heap, so GOMEMLIMIT cannot bound them, and at 10 M rows they were most
		// of the RSS (docs/perf-volume.md: peak 235–296 MB without, 168–268 with).
		file = "file:" + (&url.URL{Path: path}).EscapedPath()
		base := file + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)&_pragma=soft_heap_limit(167772160)"
		var err error
		// The writer never checkpoints (checkpoint.go does, on its own
		// connection), so a commit is only its WAL append.
		if db.w, err = sql.Open("sqlite", base+"&_txlock=immediate&_pragma=wal_autocheckpoint(0)"); err != nil {
			return nil, err
		}
		db.w.SetMaxOpenConns(1)
		db.w.SetConnMaxIdleTime(0)
		if db.r, err = sql.Open("sqlite", base+"&_pragma=query_only(1)"); err != nil {
			return nil, err
		}
		// database/sql keeps 2 of them idle: a reader closed for being idle
		// gives its page cache back. Keeping all 8 (SetMaxIdleConns(8)) raised
		// the peak RSS serving 10 M work orders from ≈ 190–270 MB to ≈ 370 MB
		// (docs/perf-volume.md), past the 300 MB target.
		db.r.SetMaxOpenConns(8)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.dialect = Postgres
		p, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		p.SetMaxOpenConns(32)
		p.SetMaxIdleConns(16)
		db.w, db.r = p, p
	default:
		return nil, fmt.Errorf("store: unsupported database %q: use sqlite:///path.db or postgres://…", dsn)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.w.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if db.dialect == SQLite {
		ck, err := startCheckpointer(file)
		if err != nil {
			db.Close()
			return nil, err
		}
		db.ckpt = ck
	}
	return db, nil
}

// Close releases the connections.
func (db *DB) Close() error {
	var err error
	if db.ckpt != nil {
		err = db.ckpt.close()
	}
	err = errors.Join(err, db.w.Close())
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Dialect tells which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers (readiness).
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

// SetClock replaces the clock (tests).
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Now is the store's clock in unix milliseconds.
func (db *DB) Now() int64 { return db.now().UnixMilli() }

func (db *DB) q(query string) string {
	if db.dialect == SQLite {
		return query
	}
	if v, ok := db.rebound.Load(query); ok {
		return v.(string)
	}
	out := rebind(query)
	db.rebound.Store(query, out)
	return out
}

// Query runs a read on the read pool.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.r.QueryContext(ctx, db.q(query), args...)
}

// QueryRow runs a single-row read on the read pool.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, db.q(query), args...)
}

// Actor is who performs a write; it goes into the audit log.
type Actor struct {
	ID   int64  // user id; 0 for the system
	Name string // username or "system"
	Via  string // web, api, cli, system, mqtt, open311
}

// System is the actor for writes nobody asked for (timers, migrations, seeds).
var System = Actor{Name: "system", Via: "system"}

// Tx is a write transaction. Every write made through it must be audited with Tx.Audit.
type Tx struct {
	tx    *sql.Tx
	db    *DB
	Actor Actor
	Now   int64 // one clock reading for the whole transaction, unix ms
}

// Write runs fn in a write transaction and commits it if fn returns nil.
func (db *DB) Write(ctx context.Context, actor Actor, fn func(*Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	t := &Tx{tx: tx, db: db, Actor: actor, Now: db.Now()}
	if err := fn(t); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	// Statements the transaction wanted prepared are prepared now, outside
	// it (stmtcache.go); before, only a group commit did this, so a server
	// without intake re-parsed every statement of the timer sweep.
	db.prepareWanted(ctx)
	return nil
}

// Exec runs a statement inside the transaction.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r, err := t.tx.ExecContext(ctx, t.db.q(query), args...)
	return r, classify(err)
}

// QueryRow reads one row inside the transaction.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.db.q(query), args...)
}

// Query reads rows inside the transaction.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.db.q(query), args...)
}

// InsertID runs an INSERT … RETURNING id and returns the id.
func (t *Tx) InsertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(ctx, t.db.q(query+" RETURNING id"), args...).Scan(&id)
	return id, classify(err)
}

// Dialect tells which database the transaction runs on.
func (t *Tx) Dialect() Dialect { return t.db.dialect }

func classify(err error) error {
	if err == nil {
		return nil
	}
	s := err.Error()
	if strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") {
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// Backup writes a consistent copy of a SQLite database to path while it stays in use.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return errors.New("store: Backup is for SQLite; use pg_dump for PostgreSQL")
	}
	_, err := db.w.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}
