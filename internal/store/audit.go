package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"towngrid/internal/audit"
)

// Change describes one write for the audit log.
type Change struct {
	Action   string // e.g. user.create, area.update
	Object   string // table-like name: user, area, workorder
	ObjectID any
	Before   any    // the object before the write, or nil when created
	After    any    // after the write, or nil when deleted
	Detail   string // short human summary; never personal data in clear
}

// Audit appends c to the hash chain inside the transaction. The head row is
// locked first, so concurrent writers (also on several replicas on one
// PostgreSQL) append one after another and the chain has no forks.
//
// Inside a group-commit batch (Batcher) the head is read and locked once,
// the rows are chained in memory and written together when the batch ends,
// with one head update: still one row per write, in write order, in the same
// transaction (docs/perf-workorders.md).
func (t *Tx) Audit(ctx context.Context, c Change) error {
	r := audit.Record{
		At: t.Now, ActorID: t.Actor.ID, Actor: t.Actor.Name, Via: t.Actor.Via,
		Action: c.Action, Object: c.Object, ObjectID: auditObjectID(c.ObjectID),
		Before: audit.Digest(c.Before), After: audit.Digest(c.After), Detail: c.Detail,
	}
	if bs := t.batch(); bs != nil {
		ab := &bs.audit
		if !ab.loaded {
			if err := t.auditHead(ctx, &ab.seq, &ab.hash); err != nil {
				return err
			}
			ab.loaded = true
		}
		r.Chain(ab.seq, ab.hash)
		ab.seq, ab.hash = r.Seq, r.Hash
		ab.rows = append(ab.rows, r)
		return nil
	}
	var seq int64
	var prev string
	if err := t.auditHead(ctx, &seq, &prev); err != nil {
		return err
	}
	r.Chain(seq, prev)
	if err := t.insertAudit(ctx, []audit.Record{r}); err != nil {
		return err
	}
	return t.setAuditHead(ctx, r.Seq, r.Hash)
}

func auditObjectID(id any) string {
	switch v := id.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return v
	}
	return fmt.Sprint(id)
}

func (t *Tx) auditHead(ctx context.Context, seq *int64, hash *string) error {
	if err := t.queryRowP(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+t.db.dialect.ForUpdate()).Scan(seq, hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

func (t *Tx) setAuditHead(ctx context.Context, seq int64, hash string) error {
	if _, err := t.execP(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, seq, hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

const auditInsert = `INSERT INTO audit_log (seq, at, actor_id, actor, via, action, object, object_id, before_digest, after_digest, detail, prev_hash, hash) VALUES `
const auditRow = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

var auditInserts = multiRowInserts(auditInsert, auditRow)

// insertAudit writes rows (already chained) in order.
func (t *Tx) insertAudit(ctx context.Context, rows []audit.Record) error {
	err := t.insertChunked(ctx, auditInserts, len(rows), func(args []any, i int) []any {
		r := &rows[i]
		return append(args, r.Seq, r.At, r.ActorID, r.Actor, r.Via, r.Action, r.Object, r.ObjectID, r.Before, r.After, r.Detail, r.Prev, r.Hash)
	})
	if err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	return nil
}

// rowChunks are the row counts of the multi-row INSERTs a batch's deferred
// rows are written with: few distinct texts, so each is prepared once, and
// n rows take O(log n) statements.
var rowChunks = []int{64, 16, 4, 1}

// multiRowInserts builds head + rows for every chunk size.
func multiRowInserts(head, row string) map[int]string {
	m := map[int]string{}
	for _, n := range rowChunks {
		m[n] = head + row + strings.Repeat(", "+row, n-1)
	}
	return m
}

// insertChunked inserts n rows in order; add appends row i's values to args.
func (t *Tx) insertChunked(ctx context.Context, texts map[int]string, n int, add func(args []any, i int) []any) error {
	var args []any
	for i := 0; i < n; {
		c := 1
		for _, k := range rowChunks {
			if n-i >= k {
				c = k
				break
			}
		}
		args = args[:0]
		for j := i; j < i+c; j++ {
			args = add(args, j)
		}
		if _, err := t.execP(ctx, texts[c], args...); err != nil {
			return err
		}
		i += c
	}
	return nil
}

// auditBatch is the chain's state inside one Batcher transaction.
type auditBatch struct {
	loaded bool // head read (and locked) in this transaction
	seq    int64
	hash   string
	rows   []audit.Record // chained, not yet written
}

// auditMark is the state to return to when a request's savepoint is rolled back.
type auditMark struct {
	loaded bool
	seq    int64
	hash   string
	n      int
}

func (ab *auditBatch) mark() auditMark { return auditMark{ab.loaded, ab.seq, ab.hash, len(ab.rows)} }

// restore drops what a rolled-back request appended. The head is re-read
// after a rollback that undid its read: on PostgreSQL the row lock taken
// after a savepoint goes with it.
func (ab *auditBatch) restore(m auditMark) {
	ab.loaded, ab.seq, ab.hash, ab.rows = m.loaded, m.seq, m.hash, ab.rows[:m.n]
}

// flush writes the batch's rows and moves the head once.
func (t *Tx) flushAudit(ctx context.Context, ab *auditBatch) error {
	if len(ab.rows) == 0 {
		return nil
	}
	if err := t.insertAudit(ctx, ab.rows); err != nil {
		return err
	}
	return t.setAuditHead(ctx, ab.seq, ab.hash)
}

// AuditFilter selects audit rows for display.
type AuditFilter struct {
	Object   string
	ObjectID string
	After    int64 // cursor: seq strictly below this when > 0 (newest first)
	Limit    int
}

// ListAudit returns audit rows, newest first.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]audit.Record, error) {
	q := `SELECT seq, at, actor_id, actor, via, action, object, object_id, before_digest, after_digest, detail, prev_hash, hash FROM audit_log WHERE 1=1`
	var args []any
	if f.Object != "" {
		q += ` AND object = ?`
		args = append(args, f.Object)
	}
	if f.ObjectID != "" {
		q += ` AND object_id = ?`
		args = append(args, f.ObjectID)
	}
	if f.After > 0 {
		q += ` AND seq < ?`
		args = append(args, f.After)
	}
	q += ` ORDER BY seq DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Record
	for rows.Next() {
		var r audit.Record
		if err := rows.Scan(&r.Seq, &r.At, &r.ActorID, &r.Actor, &r.Via, &r.Action, &r.Object, &r.ObjectID, &r.Before, &r.After, &r.Detail, &r.Prev, &r.Hash); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// VerifyResult is the outcome of recomputing the audit chain.
type VerifyResult struct {
	Rows    int64          `json:"rows"`
	HeadSeq int64          `json:"head_seq"`
	OK      bool           `json:"ok"`
	Problem *audit.Problem `json:"problem,omitempty"`
}

// VerifyAudit recomputes the whole chain and names the first broken row. It
// also checks that the head row agrees with the last row, so a truncated tail
// is caught.
func (db *DB) VerifyAudit(ctx context.Context) (VerifyResult, error) {
	var res VerifyResult
	var v audit.Verifier
	const page = 5000
	last := int64(0)
	for {
		rows, err := db.Query(ctx, `SELECT seq, at, actor_id, actor, via, action, object, object_id, before_digest, after_digest, detail, prev_hash, hash
			FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`, last, page)
		if err != nil {
			return res, err
		}
		n := 0
		for rows.Next() {
			var r audit.Record
			if err := rows.Scan(&r.Seq, &r.At, &r.ActorID, &r.Actor, &r.Via, &r.Action, &r.Object, &r.ObjectID, &r.Before, &r.After, &r.Detail, &r.Prev, &r.Hash); err != nil {
				rows.Close()
				return res, err
			}
			n++
			last = r.Seq
			if p := v.Next(&r); p != nil {
				rows.Close()
				_, _, res.Rows = v.Head()
				res.Problem = p
				return res, nil
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, err
		}
		if n < page {
			break
		}
	}
	seq, hash, n := v.Head()
	res.Rows = n
	var hseq int64
	var hhash string
	if err := db.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&hseq, &hhash); err != nil {
		return res, err
	}
	res.HeadSeq = hseq
	if hseq != seq || hhash != hash {
		res.Problem = &audit.Problem{Seq: seq + 1, Reason: fmt.Sprintf("chain ends at row %d but the head says %d: rows were removed from the end", seq, hseq)}
		return res, nil
	}
	res.OK = true
	return res, nil
}
