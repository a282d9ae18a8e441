package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// TimerRow is one durable timer of a work order (yellow, urge, red, escalate).
type TimerRow struct {
	ID          int64  `json:"id"`
	WorkOrderID int64  `json:"workorder_id"`
	Kind        string `json:"kind"`
	Timer       string `json:"timer"` // clock (main) or step
	State       string `json:"state"`
	FireAt      int64  `json:"fire_at"`
	FiredAt     int64  `json:"fired_at,omitempty"`
	ClaimedBy   string `json:"claimed_by,omitempty"`
}

// DueTimers claims up to limit pending timers due at now inside the
// transaction. On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED,
// so concurrent sweepers on several replicas take disjoint rows and each
// fires exactly once (the lock is held until this transaction, which also
// records the firing, commits). On SQLite the write transaction is already
// exclusive. Rows whose claim lease has not run out (a claimer that died
// mid-way still holds it) are skipped until it does.
func (t *Tx) DueTimers(ctx context.Context, now int64, limit int) ([]TimerRow, error) {
	rows, err := t.Query(ctx, `SELECT id, workorder_id, kind, timer, state, fire_at FROM workorder_timers
		WHERE fired_at = 0 AND fire_at <= ? AND claim_until < ? ORDER BY fire_at LIMIT ?`+t.db.dialect.SkipLocked(), now, now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimerRow
	for rows.Next() {
		var r TimerRow
		if err := rows.Scan(&r.ID, &r.WorkOrderID, &r.Kind, &r.Timer, &r.State, &r.FireAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkTimerFired records that owner fired the timer. It reports false when the
// row had already fired or was replaced (a concurrent action replanned the
// case), in which case the caller records nothing.
func (t *Tx) MarkTimerFired(ctx context.Context, id int64, owner string) (bool, error) {
	res, err := t.Exec(ctx, `UPDATE workorder_timers SET fired_at = ?, claimed_by = ?, claim_until = ? WHERE id = ? AND fired_at = 0`, t.Now, owner, t.Now, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// WorkOrderTimers lists a work order's timers (pending and fired).
func (db *DB) WorkOrderTimers(ctx context.Context, id int64) ([]TimerRow, error) {
	rows, err := db.Query(ctx, `SELECT id, workorder_id, kind, timer, state, fire_at, fired_at, claimed_by FROM workorder_timers WHERE workorder_id = ? ORDER BY fire_at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TimerRow{}
	for rows.Next() {
		var r TimerRow
		if err := rows.Scan(&r.ID, &r.WorkOrderID, &r.Kind, &r.Timer, &r.State, &r.FireAt, &r.FiredAt, &r.ClaimedBy); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Attachment is a file attached to a work order; the bytes live in a blob
// store under their SHA-256.
type Attachment struct {
	ID          int64    `json:"id"`
	WorkOrderID int64    `json:"workorder_id"`
	SHA256      string   `json:"sha256"`
	Name        string   `json:"name"`
	ContentType string   `json:"content_type"`
	Size        int64    `json:"size"`
	Lon         *float64 `json:"lon,omitempty"` // EXIF GPS, WGS-84
	Lat         *float64 `json:"lat,omitempty"`
	UploadedBy  int64    `json:"uploaded_by"`
	CreatedAt   int64    `json:"created_at"`
}

const attCols = `id, workorder_id, sha256, name, content_type, size, lon, lat, uploaded_by, created_at`

func scanAttachment(row interface{ Scan(...any) error }) (*Attachment, error) {
	a := &Attachment{}
	var lon, lat sql.NullFloat64
	err := row.Scan(&a.ID, &a.WorkOrderID, &a.SHA256, &a.Name, &a.ContentType, &a.Size, &lon, &lat, &a.UploadedBy, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if lon.Valid && lat.Valid {
		a.Lon, a.Lat = &lon.Float64, &lat.Float64
	}
	return a, err
}

// AddAttachment stores an attachment's metadata, audited.
func (t *Tx) AddAttachment(ctx context.Context, a *Attachment) error {
	a.CreatedAt, a.UploadedBy = t.Now, t.Actor.ID
	id, err := t.InsertID(ctx, `INSERT INTO workorder_attachments (workorder_id, sha256, name, content_type, size, lon, lat, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.WorkOrderID, a.SHA256, a.Name, a.ContentType, a.Size, woNullFloat(a.Lon), woNullFloat(a.Lat), a.UploadedBy, a.CreatedAt)
	if err != nil {
		return err
	}
	a.ID = id
	return t.Audit(ctx, Change{Action: "workorder.attach", Object: "workorder", ObjectID: a.WorkOrderID,
		After: struct {
			ID     int64
			SHA256 string
		}{id, a.SHA256}, Detail: a.ContentType + " " + Itoa(a.Size) + " bytes"})
}

// Attachments lists a work order's attachments.
func (db *DB) Attachments(ctx context.Context, workOrderID int64) ([]*Attachment, error) {
	rows, err := db.Query(ctx, `SELECT `+attCols+` FROM workorder_attachments WHERE workorder_id = ? ORDER BY id`, workOrderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Attachment returns one attachment of a work order.
func (db *DB) Attachment(ctx context.Context, workOrderID, id int64) (*Attachment, error) {
	return scanAttachment(db.QueryRow(ctx, `SELECT `+attCols+` FROM workorder_attachments WHERE workorder_id = ? AND id = ?`, workOrderID, id))
}

// AttachmentsOf checks that ids are attachments of the work order (photos
// given as action inputs) and returns how many are.
func (t *Tx) AttachmentsOf(ctx context.Context, workOrderID int64, ids []int64) (int, error) {
	n := 0
	for _, id := range ids {
		var one int
		err := t.QueryRow(ctx, `SELECT 1 FROM workorder_attachments WHERE workorder_id = ? AND id = ?`, workOrderID, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ErrBusy is returned when a row is locked by another transaction and the
// caller asked not to wait.
var ErrBusy = errors.New("busy")

// WorkOrderNoWait reads and locks a work order without waiting: a sweeper
// that already holds timer rows must not wait for an action that holds the
// work order and then wants those timer rows (that order would deadlock).
// On SQLite the write transaction is exclusive and nothing waits.
func (t *Tx) WorkOrderNoWait(ctx context.Context, id int64) (*WorkOrder, error) {
	suffix := ""
	if t.db.dialect == Postgres {
		suffix = " FOR UPDATE NOWAIT"
	}
	w, err := scanWorkOrder(t.QueryRow(ctx, `SELECT `+woCols+` FROM workorders WHERE id = ?`+suffix, id))
	if err != nil && strings.Contains(err.Error(), "55P03") {
		return nil, ErrBusy
	}
	return w, err
}
