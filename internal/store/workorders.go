package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
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

// WorkOrderFilter selects work orders for a list or a queue.
type WorkOrderFilter struct {
	Scopes     []string // area paths the caller sees; ignored when Unscoped
	Unscoped   bool
	AreaPath   string   // only below this area (already checked against the scopes)
	Stages     []string // any of these stages (a queue); empty = any
	OpenOnly   bool
	States     []string
	Category   string
	Light      string
	Department int64
	Reporter   int64 // > 0: only this reporter's reports (a resident's own)
	Kind       string
	After      int64 // cursor: id of the last row of the previous page
	Limit      int
	// Window > 0 bounds the work of a page whose filters (state, category,
	// light, department, kind) are not in the index it walks: at most Window
	// index entries of each range are examined. A page that stops there
	// before it is full is partial (ListWorkOrdersPage's scannedTo).
	Window int
}

// ListWindow is the API's Window: a page examines at most this many index
// entries. A filter that matched nothing used to read every open row of the
// scope: 36–58 s at 10 M rows (docs/perf-volume.md).
const ListWindow = 2000

// ListWorkOrders returns a page in (area_path, id) order. That order makes
// every page one range of the (stage|is_open, area_path, id) indexes, so its
// cost does not grow with the table; the cursor stays a plain id because the
// last row's area_path is read back by its primary key.
func (db *DB) ListWorkOrders(ctx context.Context, f WorkOrderFilter) ([]*WorkOrder, error) {
	ws, _, err := db.ListWorkOrdersPage(ctx, f)
	return ws, err
}

// listPos is a place in list order.
type listPos struct {
	path string
	id   int64
}

func (a listPos) before(b listPos) bool { return a.path < b.path || a.path == b.path && a.id < b.id }

// ListWorkOrdersPage is ListWorkOrders with f.Window: scannedTo > 0 says the
// page stopped at the window before it was full, and is the cursor (the id
// of the last index entry examined) from which the next page goes on.
func (db *DB) ListWorkOrdersPage(ctx context.Context, f WorkOrderFilter) (items []*WorkOrder, scannedTo int64, err error) {
	var lastPath string
	if f.After > 0 {
		if err := db.QueryRow(ctx, `SELECT area_path FROM workorders WHERE id = ?`, f.After).Scan(&lastPath); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return []*WorkOrder{}, 0, nil
			}
			return nil, 0, err
		}
	}
	var ranges [][2]string
	switch {
	case f.AreaPath != "":
		ranges = [][2]string{{f.AreaPath, f.AreaPath + "~"}}
	case f.Unscoped:
		ranges = [][2]string{{"", "~"}}
	default:
		for _, s := range f.Scopes {
			ranges = append(ranges, [2]string{s, s + "~"})
		}
	}
	if f.Reporter > 0 {
		ranges = [][2]string{{"", "~"}}
	}
	// One query per leading value, each walking one range of the
	// (stage|is_open, area_path, id) indexes in list order; several are merged
	// here. With no leading column (queue=all) or several values in SQL
	// (stage IN …) the database would read and sort every row of the scope
	// instead: a full index scan and an in-memory sort of ≈ 400,000 rows per
	// community at 10 M rows (docs/perf-volume.md).
	type leadQ struct {
		sql string
		arg any
	}
	var leads []leadQ
	switch {
	case len(f.Stages) > 0:
		for _, s := range f.Stages {
			leads = append(leads, leadQ{`stage = ? AND `, s})
		}
	case f.OpenOnly:
		leads = []leadQ{{`is_open = ? AND `, true}}
	case f.Reporter > 0: // the reporter index: one person's reports are few
		leads = []leadQ{{"", nil}}
	default:
		leads = []leadQ{{`is_open = ? AND `, true}, {`is_open = ? AND `, false}}
	}
	var rest strings.Builder
	var restArgs []any
	if len(f.States) > 0 {
		rest.WriteString(` AND state IN (?` + strings.Repeat(`, ?`, len(f.States)-1) + `)`)
		for _, s := range f.States {
			restArgs = append(restArgs, s)
		}
	}
	for _, c := range []struct {
		col string
		val any
		on  bool
	}{{"category", f.Category, f.Category != ""}, {"light", f.Light, f.Light != ""}, {"department_id", f.Department, f.Department > 0},
		{"reporter_id", f.Reporter, f.Reporter > 0}, {"kind", f.Kind, f.Kind != ""}} {
		if c.on {
			rest.WriteString(` AND ` + c.col + ` = ?`)
			restArgs = append(restArgs, c.val)
		}
	}
	out := []*WorkOrder{}
	if len(ranges) == 0 {
		return out, 0, nil
	}
	window := 0
	if f.Window > 0 && rest.Len() > 0 && f.Reporter == 0 { // a reporter's own list uses its exact index
		window = f.Window
	}
	// One query per scope range, each walking its index range; a principal
	// has one or two scopes, and the ranges are disjoint and ordered.
	sortRanges(ranges)
	for _, rg := range ranges {
		if len(out) >= f.Limit {
			break
		}
		if lastPath != "" && rg[1] <= lastPath {
			continue
		}
		want := f.Limit - len(out)
		var got []*WorkOrder
		var stop *listPos // the earliest place where a lead's window ended
		for _, ld := range leads {
			// The index range: from the cursor (or the scope's start) to the
			// scope's end. SQLite bounds an index scan by one lower and one upper
			// limit on area_path, so the tightest ones are given as such and the
			// exact (area_path, id) conditions ride along.
			lo, hi, hiOp := rg[0], rg[1], "<"
			var after []any
			cursor := ""
			if lastPath != "" && lastPath >= rg[0] {
				lo = lastPath
				cursor = ` AND (area_path > ? OR id > ?)`
				after = []any{lastPath, f.After}
			}
			var lead []any
			if ld.sql != "" {
				lead = []any{ld.arg}
			}
			bounds := func() (string, []any) {
				args := append(append(append([]any{}, lead...), lo, hi), after...)
				return ld.sql + `area_path >= ? AND area_path ` + hiOp + ` ?` + cursor, args
			}
			if window > 0 {
				// The window's end: the window-th entry of the index range, read
				// from the index alone. The page's query is then the usual one,
				// bounded by it: it still stops as soon as the page is full.
				w, a := bounds()
				var end listPos
				err := db.QueryRow(ctx, `SELECT area_path, id FROM workorders WHERE `+w+` ORDER BY area_path, id LIMIT 1 OFFSET ?`,
					append(a, window-1)...).Scan(&end.path, &end.id)
				switch {
				case errors.Is(err, sql.ErrNoRows): // the range ends inside the window
				case err != nil:
					return nil, 0, err
				default:
					hi, hiOp = end.path, "<="
					cursor += ` AND (area_path < ? OR id <= ?)`
					after = append(after, end.path, end.id)
					if stop == nil || end.before(*stop) {
						stop = &end
					}
				}
			}
			where, args := bounds()
			q := `SELECT ` + woListCols + ` FROM workorders WHERE ` + where + rest.String() + ` ORDER BY area_path, id LIMIT ?`
			args = append(append(args, restArgs...), want)
			rows, err := db.Query(ctx, q, args...)
			if err != nil {
				return nil, 0, err
			}
			for rows.Next() {
				w, err := scanWorkOrder(rows)
				if err != nil {
					rows.Close()
					return nil, 0, err
				}
				got = append(got, w)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, 0, err
			}
		}
		if len(leads) > 1 { // merge: list order is (area_path, id), byte order on both databases
			sort.Slice(got, func(i, j int) bool {
				if got[i].AreaPath != got[j].AreaPath {
					return got[i].AreaPath < got[j].AreaPath
				}
				return got[i].ID < got[j].ID
			})
		}
		if stop != nil { // rows past the earliest window end were not seen by every lead
			n := 0
			for n < len(got) && !stop.before(listPos{got[n].AreaPath, got[n].ID}) {
				n++
			}
			got = got[:n]
		}
		if len(got) > want {
			got = got[:want]
		}
		out = append(out, got...)
		if stop != nil && len(got) < want {
			return out, stop.id, nil // partial: go on after the window
		}
	}
	return out, 0, nil
}

func sortRanges(r [][2]string) {
	for i := 1; i < len(r); i++ {
		for j := i; j > 0 && r[j][0] < r[j-1][0]; j-- {
			r[j], r[j-1] = r[j-1], r[j]
		}
	}
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
