package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
)

// WorkOrder is one stored case (工单). Case holds the workflow machine's
// state as JSON (workflow.Case), from which the engine rebuilds it exactly;
// the other columns are what lists, queues and scopes filter on.
type WorkOrder struct {
	ID              int64           `json:"id"`
	Kind            string          `json:"kind"`
	Flow            string          `json:"flow"`
	FlowVersion     int             `json:"flow_version"`
	Number          string          `json:"number,omitempty"`
	Category        string          `json:"category,omitempty"`
	Urgency         string          `json:"urgency,omitempty"`
	Source          string          `json:"source"`
	Title           string          `json:"title"`
	Description     string          `json:"description,omitempty"`
	Lon             *float64        `json:"lon,omitempty"`
	Lat             *float64        `json:"lat,omitempty"`
	AreaID          int64           `json:"area_id"`
	AreaPath        string          `json:"area_path"`
	ReporterID      int64           `json:"reporter_id,omitempty"`
	ReporterContact string          `json:"reporter_contact,omitempty"`
	State           string          `json:"state"`
	Stage           string          `json:"stage"`
	Open            bool            `json:"open"`
	Suspended       bool            `json:"suspended"`
	DepartmentID    int64           `json:"department_id,omitempty"`
	AssigneeID      int64           `json:"assignee_id,omitempty"`
	Seq             int             `json:"seq"`
	Case            json.RawMessage `json:"-"`
	Facts           json.RawMessage `json:"-"` // the snapshot last counted in workorder_counters
	Period          string          `json:"period"`
	Deadline        int64           `json:"deadline,omitempty"`       // governing deadline (step or main clock), unix ms
	ClockDeadline   int64           `json:"clock_deadline,omitempty"` // main clock (处置时限 + extensions) while running
	Light           string          `json:"light,omitempty"`
	DisposedOnTime  *bool           `json:"disposed_on_time,omitempty"`
	ClosedOnTime    *bool           `json:"closed_on_time,omitempty"`
	CreatedAt       int64           `json:"created_at"`
	UpdatedAt       int64           `json:"updated_at"`
	// Decoded is the engine's decoded Case when it holds it in memory (a
	// fresh intake), so that showing the new work order does not decode
	// Case again; nil when read from the database.
	Decoded any `json:"-"`
}

// WorkOrderEvent is one entry of a work order's history.
type WorkOrderEvent struct {
	ID            int64           `json:"id"`
	WorkOrderID   int64           `json:"workorder_id"`
	Seq           int             `json:"seq"`
	Action        string          `json:"action"`
	From          string          `json:"from"`
	To            string          `json:"to"`
	ActorID       int64           `json:"actor_id"`
	Actor         string          `json:"actor"`
	Inputs        json.RawMessage `json:"inputs"`
	Comment       string          `json:"comment,omitempty"` // internal
	PublicComment string          `json:"public_comment,omitempty"`
	Detail        json.RawMessage `json:"detail"` // the machine's event: step result, on-time flags
	At            int64           `json:"at"`
}

// TimerFiring is a durable timer row to create.
type TimerFiring struct {
	Kind, Timer, State string
	At                 int64
}

// ErrStale is returned when a work order changed since the caller read it
// (optimistic concurrency on the case sequence).
var ErrStale = errors.New("stale")

const woCols = `id, kind, flow, flow_version, COALESCE(number, ''), category, urgency, source, title, description, lon, lat,
	area_id, area_path, reporter_id, reporter_contact, state, stage, is_open, suspended, department_id, assignee_id, seq,
	case_json, facts_json, period, deadline, clock_deadline, light, disposed_on_time, closed_on_time, created_at, updated_at`

// woListCols leaves out the two JSON documents, which lists do not show.
const woListCols = `id, kind, flow, flow_version, COALESCE(number, ''), category, urgency, source, title, description, lon, lat,
	area_id, area_path, reporter_id, reporter_contact, state, stage, is_open, suspended, department_id, assignee_id, seq,
	'', '', period, deadline, clock_deadline, light, disposed_on_time, closed_on_time, created_at, updated_at`

func scanWorkOrder(row interface{ Scan(...any) error }) (*WorkOrder, error) {
	w := &WorkOrder{}
	var lon, lat sql.NullFloat64
	var dot, cot sql.NullBool
	var cs, fs string
	err := row.Scan(&w.ID, &w.Kind, &w.Flow, &w.FlowVersion, &w.Number, &w.Category, &w.Urgency, &w.Source, &w.Title, &w.Description,
		&lon, &lat, &w.AreaID, &w.AreaPath, &w.ReporterID, &w.ReporterContact, &w.State, &w.Stage, &w.Open, &w.Suspended,
		&w.DepartmentID, &w.AssigneeID, &w.Seq, &cs, &fs, &w.Period, &w.Deadline, &w.ClockDeadline, &w.Light, &dot, &cot,
		&w.CreatedAt, &w.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if lon.Valid && lat.Valid {
		w.Lon, w.Lat = &lon.Float64, &lat.Float64
	}
	if dot.Valid {
		w.DisposedOnTime = &dot.Bool
	}
	if cot.Valid {
		w.ClosedOnTime = &cot.Bool
	}
	w.Case, w.Facts = json.RawMessage(cs), json.RawMessage(fs)
	return w, nil
}

func woNullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func woNullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func woNullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// NextCaseSerial allocates the next daily serial of the case number for day
// (YYYYMMDD). The upsert is atomic on both databases, also across replicas.
// Inside a group-commit batch the day's row is read (and locked) once and
// written back when the batch ends.
func (t *Tx) NextCaseSerial(ctx context.Context, day string) (int, error) {
	if bs := t.batch(); bs != nil {
		for i := range bs.serials {
			if bs.serials[i].day == day {
				bs.serials[i].n++
				return bs.serials[i].n, nil
			}
		}
		var n int
		// DO UPDATE (to the same value) rather than DO NOTHING: it returns the
		// existing row and locks it on PostgreSQL until the batch commits.
		err := t.queryRowP(ctx, `INSERT INTO workorder_serials (day, n) VALUES (?, 0)
			ON CONFLICT (day) DO UPDATE SET n = workorder_serials.n RETURNING n`, day).Scan(&n)
		if err != nil {
			return 0, classify(err)
		}
		bs.serials = append(bs.serials, serialDay{day, n + 1})
		return n + 1, nil
	}
	var n int
	err := t.queryRowP(ctx, `INSERT INTO workorder_serials (day, n) VALUES (?, 1)
		ON CONFLICT (day) DO UPDATE SET n = workorder_serials.n + 1 RETURNING n`, day).Scan(&n)
	return n, classify(err)
}

// WorkOrderChange is everything one intake or one action writes besides the
// row itself: the event, the timers that replace the pending ones (nil: keep
// them) and the counter deltas.
type WorkOrderChange struct {
	Event        *WorkOrderEvent
	ReplaceTimer bool
	Timers       []TimerFiring
	Counters     []CounterDelta
	AuditAction  string // e.g. workorder.create, workorder.dispatch
	AuditDetail  string
}

func (t *Tx) applyChange(ctx context.Context, w *WorkOrder, before any, c *WorkOrderChange) error {
	if c.Event != nil {
		e := c.Event
		e.WorkOrderID = w.ID
		if len(e.Inputs) == 0 {
			e.Inputs = json.RawMessage("{}")
		}
		if len(e.Detail) == 0 {
			e.Detail = json.RawMessage("{}")
		}
		if bs := t.batch(); bs != nil {
			// Written with the batch's other events in multi-row INSERTs at its
			// end (batched requests are intakes, which do not read the id).
			bs.events = append(bs.events, e)
		} else {
			id, err := t.insertIDP(ctx, eventInsert+eventRow, w.ID, e.Seq, e.Action, e.From, e.To, e.ActorID, e.Actor,
				string(e.Inputs), e.Comment, e.PublicComment, string(e.Detail), e.At)
			if err != nil {
				return err
			}
			e.ID = id
		}
	}
	bs := t.batch()
	if c.ReplaceTimer {
		if _, err := t.execP(ctx, `DELETE FROM workorder_timers WHERE workorder_id = ? AND fired_at = 0`, w.ID); err != nil {
			return err
		}
		if bs != nil {
			// A tombstone, not a removal: the list stays append-only, so a
			// savepoint rollback still undoes this by truncation.
			bs.timers = append(bs.timers, batchTimer{wo: w.ID, drop: true})
		}
	}
	if bs != nil {
		// Written with the batch's other timers in multi-row INSERTs at its
		// end: one statement per 64 rows instead of one per request.
		for _, f := range c.Timers {
			bs.timers = append(bs.timers, batchTimer{wo: w.ID, f: f})
		}
	} else if n := len(c.Timers); n > 0 {
		// One multi-row INSERT: a case plans 3 or 4 timers, so there are few
		// distinct texts and each is prepared once.
		args := make([]any, 0, 5*n)
		for _, f := range c.Timers {
			args = append(args, w.ID, f.Kind, f.Timer, f.State, f.At)
		}
		if _, err := t.execP(ctx, timerInsert(n), args...); err != nil {
			return err
		}
	}
	for _, d := range c.Counters {
		if err := t.addCounters(ctx, d); err != nil {
			return err
		}
	}
	return t.Audit(ctx, Change{Action: c.AuditAction, Object: "workorder", ObjectID: w.ID, Before: before, After: woAuditView(w), Detail: c.AuditDetail})
}

const eventInsert = `INSERT INTO workorder_events (workorder_id, seq, action, from_state, to_state, actor_id, actor, inputs, comment, public_comment, detail, at) VALUES `
const eventRow = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

var eventInserts = multiRowInserts(eventInsert, eventRow)

// insertEvents writes a batch's deferred events in order.
func (t *Tx) insertEvents(ctx context.Context, evs []*WorkOrderEvent) error {
	return t.insertChunked(ctx, eventInserts, len(evs), func(args []any, i int) []any {
		e := evs[i]
		return append(args, e.WorkOrderID, e.Seq, e.Action, e.From, e.To, e.ActorID, e.Actor, string(e.Inputs), e.Comment, e.PublicComment, string(e.Detail), e.At)
	})
}

const timerHead, timerRow = `INSERT INTO workorder_timers (workorder_id, kind, timer, state, fire_at) VALUES `, `(?, ?, ?, ?, ?)`

var timerBatchInserts = multiRowInserts(timerHead, timerRow)

// insertTimers writes a batch's deferred timers in order.
func (t *Tx) insertTimers(ctx context.Context, ts []batchTimer) error {
	for i := range ts {
		if ts[i].drop {
			ts = liveTimers(ts)
			break
		}
	}
	return t.insertChunked(ctx, timerBatchInserts, len(ts), func(args []any, i int) []any {
		bt := &ts[i]
		return append(args, bt.wo, bt.f.Kind, bt.f.Timer, bt.f.State, bt.f.At)
	})
}

// liveTimers drops every row that a later tombstone of its work order replaced, and the tombstones.
func liveTimers(ts []batchTimer) []batchTimer {
	dead := map[int64]bool{}
	out := make([]batchTimer, 0, len(ts))
	for i := len(ts) - 1; i >= 0; i-- {
		switch {
		case ts[i].drop:
			dead[ts[i].wo] = true
		case !dead[ts[i].wo]:
			out = append(out, ts[i])
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// timerInserts holds the texts for up to 7 rows, built once (read by several writers).
var timerInserts = func() (q [8]string) {
	for n := 1; n < len(q); n++ {
		q[n] = timerHead + timerRow + strings.Repeat(", "+timerRow, n-1)
	}
	return q
}()

func timerInsert(n int) string {
	if n < len(timerInserts) {
		return timerInserts[n]
	}
	return timerHead + timerRow + strings.Repeat(", "+timerRow, n-1)
}

// woAuditView is what the audit digests: the state, not the free text a
// resident typed (personal data stays out of the chain's digests' inputs).
func woAuditView(w *WorkOrder) any {
	if w == nil {
		return nil
	}
	return struct {
		State      string
		Seq        int
		Department int64
		Case       string
	}{w.State, w.Seq, w.DepartmentID, string(w.Case)}
}

// CreateWorkOrder stores a new work order with its first event, timers and
// counters, audited, in the caller's transaction.
func (t *Tx) CreateWorkOrder(ctx context.Context, w *WorkOrder, c *WorkOrderChange) error {
	w.CreatedAt, w.UpdatedAt = t.Now, t.Now
	if len(w.Facts) == 0 {
		w.Facts = json.RawMessage("{}")
	}
	id, err := t.insertIDP(ctx, `INSERT INTO workorders (kind, flow, flow_version, number, category, urgency, source, title, description, lon, lat,
		area_id, area_path, reporter_id, reporter_contact, state, stage, is_open, suspended, department_id, assignee_id, seq, case_json, facts_json,
		period, deadline, clock_deadline, light, disposed_on_time, closed_on_time, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.Kind, w.Flow, w.FlowVersion, woNullText(w.Number), w.Category, w.Urgency, w.Source, w.Title, w.Description, woNullFloat(w.Lon), woNullFloat(w.Lat),
		w.AreaID, w.AreaPath, w.ReporterID, w.ReporterContact, w.State, w.Stage, w.Open, w.Suspended, w.DepartmentID, w.AssigneeID, w.Seq,
		string(w.Case), string(w.Facts), w.Period, w.Deadline, w.ClockDeadline, w.Light, woNullBool(w.DisposedOnTime), woNullBool(w.ClosedOnTime), w.CreatedAt, w.UpdatedAt)
	if err != nil {
		return err
	}
	w.ID = id
	return t.applyChange(ctx, w, nil, c)
}

// UpdateWorkOrder writes w if its stored sequence is still prevSeq (else
// ErrStale, nothing written), then the change, audited.
func (t *Tx) UpdateWorkOrder(ctx context.Context, w *WorkOrder, prevSeq int, before *WorkOrder, c *WorkOrderChange) error {
	w.UpdatedAt = t.Now
	res, err := t.execP(ctx, `UPDATE workorders SET category = ?, urgency = ?, state = ?, stage = ?, is_open = ?, suspended = ?, department_id = ?,
		assignee_id = ?, seq = ?, case_json = ?, facts_json = ?, deadline = ?, clock_deadline = ?, light = ?, disposed_on_time = ?, closed_on_time = ?, updated_at = ?
		WHERE id = ? AND seq = ?`,
		w.Category, w.Urgency, w.State, w.Stage, w.Open, w.Suspended, w.DepartmentID, w.AssigneeID, w.Seq, string(w.Case), string(w.Facts),
		w.Deadline, w.ClockDeadline, w.Light, woNullBool(w.DisposedOnTime), woNullBool(w.ClosedOnTime), w.UpdatedAt, w.ID, prevSeq)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return ErrStale
	}
	return t.applyChange(ctx, w, woAuditView(before), c)
}

// WorkOrder returns one work order.
func (db *DB) WorkOrder(ctx context.Context, id int64) (*WorkOrder, error) {
	return scanWorkOrder(db.QueryRow(ctx, `SELECT `+woCols+` FROM workorders WHERE id = ?`, id))
}

// WorkOrder reads one work order inside the transaction, locking its row on PostgreSQL.
func (t *Tx) WorkOrder(ctx context.Context, id int64) (*WorkOrder, error) {
	return scanWorkOrder(t.QueryRow(ctx, `SELECT `+woCols+` FROM workorders WHERE id = ?`+t.db.dialect.ForUpdate(), id))
}

// WorkOrderEvents returns the history of a work order in order, after the cursor.
func (db *DB) WorkOrderEvents(ctx context.Context, id, after int64, limit int) ([]*WorkOrderEvent, error) {
	rows, err := db.Query(ctx, `SELECT id, workorder_id, seq, action, from_state, to_state, actor_id, actor, inputs, comment, public_comment, detail, at
		FROM workorder_events WHERE workorder_id = ? AND id > ? ORDER BY id LIMIT ?`, id, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*WorkOrderEvent{}
	for rows.Next() {
		e := &WorkOrderEvent{}
		var in, det string
		if err := rows.Scan(&e.ID, &e.WorkOrderID, &e.Seq, &e.Action, &e.From, &e.To, &e.ActorID, &e.Actor, &in, &e.Comment, &e.PublicComment, &det, &e.At); err != nil {
			return nil, err
		}
		e.Inputs, e.Detail = json.RawMessage(in), json.RawMessage(det)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddWorkOrderNote appends an event that changes no state (a note on the
// timeline, such as an alarm clearing), audited.
func (t *Tx) AddWorkOrderNote(ctx context.Context, w *WorkOrder, e *WorkOrderEvent) error {
	if len(e.Inputs) == 0 {
		e.Inputs = json.RawMessage("{}")
	}
	if len(e.Detail) == 0 {
		e.Detail = json.RawMessage("{}")
	}
	id, err := t.InsertID(ctx, `INSERT INTO workorder_events (workorder_id, seq, action, from_state, to_state, actor_id, actor, inputs, comment, public_comment, detail, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.ID, e.Seq, e.Action, e.From, e.To, e.ActorID, e.Actor, string(e.Inputs), e.Comment, e.PublicComment, string(e.Detail), e.At)
	if err != nil {
		return err
	}
	e.ID, e.WorkOrderID = id, w.ID
	return t.Audit(ctx, Change{Action: "workorder.note", Object: "workorder", ObjectID: w.ID, After: e, Detail: e.Action})
}
