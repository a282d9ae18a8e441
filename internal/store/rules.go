package store

import (
	"context"
	"database/sql"
	"errors"

	"towngrid/internal/account"
)

// Rule is one version of a rule kept as data (a flow, a category table, a
// calendar, a scheme). The version in force on a date is the latest whose
// EffectiveFrom is on or before it.
type Rule struct {
	ID            int64  `json:"id"`
	Kind          string `json:"kind"`
	Key           string `json:"key"`
	Version       int    `json:"version"`
	EffectiveFrom string `json:"effective_from"` // YYYY-MM-DD
	Body          string `json:"body,omitempty"` // JSON
	Note          string `json:"note"`
	CreatedAt     int64  `json:"created_at"`
	CreatedBy     int64  `json:"created_by"`
}

const ruleCols = `id, kind, key, version, effective_from, body, note, created_at, created_by`

func scanRule(row interface{ Scan(...any) error }) (*Rule, error) {
	r := &Rule{}
	err := row.Scan(&r.ID, &r.Kind, &r.Key, &r.Version, &r.EffectiveFrom, &r.Body, &r.Note, &r.CreatedAt, &r.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return r, err
}

// RuleFilter selects rule versions for a list.
type RuleFilter struct {
	Kind     string
	Key      string
	WithBody bool
	After    int64
	Limit    int
}

// ListRules returns rule versions in id order after the cursor.
func (db *DB) ListRules(ctx context.Context, f RuleFilter) ([]*Rule, error) {
	cols := ruleCols
	if !f.WithBody {
		cols = `id, kind, key, version, effective_from, '', note, created_at, created_by`
	}
	q := `SELECT ` + cols + ` FROM rules WHERE id > ?`
	args := []any{f.After}
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	if f.Key != "" {
		q += ` AND key = ?`
		args = append(args, f.Key)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Rule{}
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RuleVersion returns one version of a rule; version 0 is the highest.
func (db *DB) RuleVersion(ctx context.Context, kind, key string, version int) (*Rule, error) {
	if version > 0 {
		return scanRule(db.QueryRow(ctx, `SELECT `+ruleCols+` FROM rules WHERE kind = ? AND key = ? AND version = ?`, kind, key, version))
	}
	return scanRule(db.QueryRow(ctx, `SELECT `+ruleCols+` FROM rules WHERE kind = ? AND key = ? ORDER BY version DESC LIMIT 1`, kind, key))
}

// RuleInForce returns the version of a rule in force on date (YYYY-MM-DD):
// the latest effective on or before it, or, when none is yet, the earliest,
// so that a rule seeded with a future date still governs until then.
func (db *DB) RuleInForce(ctx context.Context, kind, key, date string) (*Rule, error) {
	r, err := scanRule(db.QueryRow(ctx, `SELECT `+ruleCols+` FROM rules WHERE kind = ? AND key = ? AND effective_from <= ?
		ORDER BY effective_from DESC, version DESC LIMIT 1`, kind, key, date))
	if errors.Is(err, ErrNotFound) {
		return scanRule(db.QueryRow(ctx, `SELECT `+ruleCols+` FROM rules WHERE kind = ? AND key = ? ORDER BY effective_from, version LIMIT 1`, kind, key))
	}
	return r, err
}

// RuleKeys lists the distinct keys of a kind.
func (db *DB) RuleKeys(ctx context.Context, kind string) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT key FROM rules WHERE kind = ? ORDER BY key`, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// AddRuleVersion stores r as the next version of (kind, key); the caller has
// validated the body with the rule's pure package. Version 0 means "next";
// a given version must be the next one, so two editors cannot both write v3.
func (t *Tx) AddRuleVersion(ctx context.Context, r *Rule) error {
	var max int
	if err := t.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM rules WHERE kind = ? AND key = ?`, r.Kind, r.Key).Scan(&max); err != nil {
		return err
	}
	if r.Version == 0 {
		r.Version = max + 1
	} else if r.Version <= max {
		return &account.FieldError{Field: "version", Code: "rule.version_taken", Detail: "version " + Itoa(int64(r.Version)) + " exists; the next is " + Itoa(int64(max+1))}
	}
	if len(r.EffectiveFrom) != 10 {
		return &account.FieldError{Field: "effective_from", Code: "rule.effective_from", Detail: "a date YYYY-MM-DD"}
	}
	r.CreatedAt, r.CreatedBy = t.Now, t.Actor.ID
	id, err := t.InsertID(ctx, `INSERT INTO rules (kind, key, version, effective_from, body, note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Kind, r.Key, r.Version, r.EffectiveFrom, r.Body, r.Note, r.CreatedAt, r.CreatedBy)
	if errors.Is(err, ErrConflict) {
		return &account.FieldError{Field: "version", Code: "rule.version_taken", Detail: "another editor added this version first"}
	}
	if err != nil {
		return err
	}
	r.ID = id
	return t.Audit(ctx, Change{Action: "rule.add_version", Object: "rule", ObjectID: id,
		After: struct{ Kind, Key, Body string }{r.Kind, r.Key, r.Body}, Detail: r.Kind + "/" + r.Key + " v" + Itoa(int64(r.Version))})
}
