package store

import (
	"context"
	"database/sql"
	"sync"
)

// modernc.org/sqlite parses every statement anew on each Exec; on the hot
// intake path the parse of the wide INSERTs and the counter upsert cost more
// than running them. Statements prepared once on the single SQLite writer
// connection are reused inside each transaction. PostgreSQL needs none of
// this: pgx caches prepared statements per connection itself.
//
// The cache is keyed by *DB because DB (db.go) has no field for it.
var stmtCache sync.Map // stmtKey → *sql.Stmt

type stmtKey struct {
	db *DB
	q  string
}

// stmtWanted holds queries missed inside a transaction: the one writer
// connection is busy then, so they are prepared before the next batch
// (prepareWanted) and used from then on.
var stmtWanted sync.Map // stmtKey → struct{}

func (t *Tx) prepared(ctx context.Context, query string) (*sql.Stmt, bool) {
	k := stmtKey{t.db, query}
	if s, ok := stmtCache.Load(k); ok {
		return t.tx.StmtContext(ctx, s.(*sql.Stmt)), true
	}
	stmtWanted.Store(k, struct{}{})
	return nil, false
}

// prepareWanted prepares the statements transactions asked for, outside
// any transaction.
func (db *DB) prepareWanted(ctx context.Context) {
	if db.dialect != SQLite {
		return
	}
	stmtWanted.Range(func(k, _ any) bool {
		sk := k.(stmtKey)
		if sk.db != db {
			return true
		}
		stmtWanted.Delete(k)
		if s, err := db.w.PrepareContext(ctx, sk.q); err == nil {
			if _, loaded := stmtCache.LoadOrStore(sk, s); loaded {
				s.Close()
			}
		}
		return true
	})
}

// execP is Exec through a cached prepared statement on SQLite.
func (t *Tx) execP(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.db.dialect != SQLite {
		return t.Exec(ctx, query, args...)
	}
	s, ok := t.prepared(ctx, query)
	if !ok {
		return t.Exec(ctx, query, args...)
	}
	r, err := s.ExecContext(ctx, args...)
	return r, classify(err)
}

// insertIDP is InsertID through a cached prepared statement on SQLite,
// where it reads the rowid of the Exec (sqlite3_last_insert_rowid on the
// writer connection) instead of RETURNING: a query with its rows object
// costs more than an Exec, and the tables' ids are their rowids.
func (t *Tx) insertIDP(ctx context.Context, query string, args ...any) (int64, error) {
	if t.db.dialect != SQLite {
		return t.InsertID(ctx, query, args...)
	}
	r, err := t.execP(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
}

func (t *Tx) queryRowP(ctx context.Context, query string, args ...any) *sql.Row {
	if t.db.dialect != SQLite {
		return t.QueryRow(ctx, query, args...)
	}
	s, ok := t.prepared(ctx, query)
	if !ok {
		return t.QueryRow(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}
