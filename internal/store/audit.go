package store

import (
	"context"
	"fmt"

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
func (t *Tx) Audit(ctx context.Context, c Change) error {
	var seq int64
	var prev string
	if err := t.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+t.db.dialect.ForUpdate()).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	r := audit.Record{
		At: t.Now, ActorID: t.Actor.ID, Actor: t.Actor.Name, Via: t.Actor.Via,
		Action: c.Action, Object: c.Object, ObjectID: fmt.Sprint(c.ObjectID),
		Before: audit.Digest(c.Before), After: audit.Digest(c.After), Detail: c.Detail,
	}
	r.Chain(seq, prev)
	if _, err := t.Exec(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor, via, action, object, object_id, before_digest, after_digest, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Seq, r.At, r.ActorID, r.Actor, r.Via, r.Action, r.Object, r.ObjectID, r.Before, r.After, r.Detail, r.Prev, r.Hash); err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	if _, err := t.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, r.Seq, r.Hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
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
