package workorders

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/workflow"
	"towngrid/internal/workflow/indicators"
)

// Error is a refusal with an HTTP status, a stable code and the field at fault.
type Error struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
	Detail string `json:"detail"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail }

func invalid(field, code, format string, a ...any) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: code, Field: field, Detail: fmt.Sprintf(format, a...)}
}

// ErrStale is the 409 of a stale sequence number.
func staleError(have, sent int) *Error {
	return &Error{Status: http.StatusConflict, Code: "workorder.stale", Field: "seq",
		Detail: fmt.Sprintf("the work order changed (sequence %d, you sent %d): reload and try again", have, sent)}
}

// machineError maps the workflow's refusals to statuses.
func machineError(err error) error {
	var we *workflow.Error
	if !errors.As(err, &we) {
		return err
	}
	e := &Error{Code: we.Code, Detail: we.Detail}
	switch {
	case errors.Is(err, workflow.ErrRoleNotAllowed):
		e.Status = http.StatusForbidden
	case errors.Is(err, workflow.ErrUnknownAction):
		e.Status, e.Field = http.StatusUnprocessableEntity, "action"
	case errors.Is(err, workflow.ErrMissingInput), errors.Is(err, workflow.ErrBadInput):
		e.Status, e.Field = http.StatusUnprocessableEntity, "inputs"
	default: // not from this state, final, suspended, time order, flow version
		e.Status = http.StatusConflict
	}
	return e
}

// Report is the body of an intake (信息收集).
type Report struct {
	Kind        string   `json:"kind"`
	Category    string   `json:"category,omitempty"` // 小类 code, e.g. E0102
	Urgency     string   `json:"urgency,omitempty"`  // one of the category's limits; "" = its default
	Source      string   `json:"source,omitempty"`   // default: by the reporter's role and the kind
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Lon         *float64 `json:"lon,omitempty"` // WGS-84
	Lat         *float64 `json:"lat,omitempty"`
	AreaID      int64    `json:"area_id,omitempty"` // the unit grid; located from lon/lat when absent
	Contact     string   `json:"contact,omitempty"` // a public reporter's contact
}

// Caller is who acts: the principal plus the store actor.
type Caller struct {
	P     *account.Principal
	Actor store.Actor
}

// Unscoped reports whether the caller sees every area (administrators).
func (c Caller) Unscoped() bool { return c.P.Has(account.Admin) }

// Own reports whether the caller sees only their own reports.
func (c Caller) Own() bool {
	return !c.Unscoped() && (c.P.Has(account.Resident) || c.P.Has(account.Enterprise)) && !staff(c.P)
}

func staff(p *account.Principal) bool {
	for _, r := range p.Roles {
		if r != account.Resident && r != account.Enterprise {
			return true
		}
	}
	return false
}

// MaxDescription bounds the description (characters).
const MaxDescription = 4000

type intakePlan struct {
	w     *store.WorkOrder
	m     *workflow.Machine
	c     workflow.Case
	evs   []workflow.Event
	cats  *workflow.Categories
	class string
	// Computed before the write so that the single writer (group commit)
	// only numbers and stores the case: the row's columns and snapshot, the
	// first event, the timers and the counter deltas do not depend on the
	// case number.
	ev       *store.WorkOrderEvent
	timers   []store.TimerFiring
	counters []store.CounterDelta
	enc      []byte // the case's encoding without its number
}

// prepare validates a report and opens the case in memory; nothing is
// written. Splitting it from the write keeps the batched transaction short.
func (e *Engine) prepare(ctx context.Context, who Caller, in *Report) (*intakePlan, error) {
	now := e.Now()
	k, err := e.KindConfig(ctx, in.Kind, now)
	if errors.Is(err, store.ErrNotFound) || in.Kind == "" {
		return nil, invalid("kind", "workorder.kind", "unknown kind %q", in.Kind)
	}
	if err != nil {
		return nil, err
	}
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.Title == "":
		return nil, invalid("title", "workorder.title", "a title is required")
	case utf8.RuneCountInString(in.Title) > 200:
		return nil, invalid("title", "workorder.title", "at most 200 characters")
	case utf8.RuneCountInString(in.Description) > MaxDescription:
		return nil, invalid("description", "workorder.description", "at most %d characters", MaxDescription)
	case len(in.Contact) > 200:
		return nil, invalid("contact", "workorder.contact", "at most 200 bytes")
	}
	p := &intakePlan{}
	if k.Categories != "" {
		if p.cats, err = e.Categories(ctx, k.Categories, now); err != nil {
			return nil, err
		}
		cat, ok := p.cats.Get(in.Category)
		if !ok {
			return nil, invalid("category", "workorder.category", "unknown category %q", in.Category)
		}
		if len(k.Classes) > 0 && !slices.Contains(k.Classes, cat.Class) {
			return nil, invalid("category", "workorder.category_kind", "%s categories are not allowed for %s", cat.Class, k.Kind)
		}
		if _, ok := p.cats.Limit(in.Category, in.Urgency); !ok {
			return nil, invalid("urgency", "workorder.urgency", "category %s has no urgency %q", in.Category, in.Urgency)
		}
	} else if in.Category != "" || in.Urgency != "" {
		return nil, invalid("category", "workorder.category_kind", "kind %s has no categories", k.Kind)
	}
	if in.Source == "" {
		in.Source = defaultSource(who.P, k)
	}
	if !slices.Contains(k.Sources, in.Source) {
		return nil, invalid("source", "workorder.source", "source %q is not allowed for %s (allowed: %s)", in.Source, k.Kind, strings.Join(k.Sources, ", "))
	}
	if who.Own() && in.Source != workflow.SourceResident && in.Source != workflow.SourceEnterprise && in.Source != workflow.SourceOpen311 {
		return nil, invalid("source", "workorder.source", "a resident or enterprise reports as themselves")
	}
	if (in.Lon == nil) != (in.Lat == nil) {
		return nil, invalid("lat", "workorder.point", "give both lon and lat, or neither")
	}
	if in.Lon != nil && (math.IsNaN(*in.Lon) || *in.Lon < -180 || *in.Lon > 180 || math.IsNaN(*in.Lat) || *in.Lat < -90 || *in.Lat > 90) {
		return nil, invalid("lon", "workorder.point", "lon must be in [-180, 180] and lat in [-90, 90] (WGS-84)")
	}
	area, err := e.locate(ctx, who, in)
	if err != nil {
		return nil, err
	}
	m, err := e.Machine(ctx, k.Flow, 0, p.cats, now)
	if err != nil {
		return nil, err
	}
	c, evs, err := m.Open("", in.Source, area.Code, who.Actor.Name, Roles(who.P), now)
	if err != nil {
		return nil, machineError(err)
	}
	p.m, p.c, p.evs = m, c, evs
	p.w = &store.WorkOrder{Kind: k.Kind, Flow: m.Flow.ID, FlowVersion: m.Flow.Version, Category: in.Category, Urgency: in.Urgency,
		Source: in.Source, Title: in.Title, Description: in.Description, Lon: in.Lon, Lat: in.Lat, AreaID: area.ID, AreaPath: area.Path,
		ReporterID: who.P.UserID, ReporterContact: in.Contact, Period: indicators.PeriodOf(now, "month")}
	at := p.c.CreatedAt
	pol := e.Policy(ctx, at)
	facts, err := fill(p.w, p.m, &p.c, at, pol)
	if err != nil {
		return nil, err
	}
	p.enc = p.w.Case
	p.ev = eventRow(p.evs[0], who, "", "")
	p.timers = firings(p.m, &p.c, pol)
	p.counters = store.CounterDeltas(store.CounterKey{}, nil, counterKey(p.w), facts)
	return p, nil
}

func defaultSource(p *account.Principal, k *Kind) string {
	for _, r := range []account.Role{account.GridWorker, account.Resident, account.Enterprise} {
		if p.Has(r) && slices.Contains(k.Sources, string(r)) {
			return string(r)
		}
	}
	return k.Sources[0]
}

// locate finds the report's area: area_id if given, else the grid containing
// the point. The area must lie in the caller's scope.
func (e *Engine) locate(ctx context.Context, who Caller, in *Report) (*directory.Area, error) {
	id := in.AreaID
	if id == 0 && in.Lon != nil {
		ix := e.App.Services.Grids.Load()
		if ix == nil {
			return nil, invalid("area_id", "workorder.area_required", "no grid map is loaded: give area_id")
		}
		gid, ok := ix.Locate(*in.Lon, *in.Lat)
		if !ok {
			return nil, invalid("lon", "workorder.outside", "the point lies in no grid of this town")
		}
		id = gid
	}
	if id <= 0 {
		return nil, invalid("area_id", "workorder.area_required", "give area_id or lon/lat")
	}
	a, err := e.area(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, invalid("area_id", "workorder.area", "no such area")
	}
	if err != nil {
		return nil, err
	}
	if !who.Unscoped() && !who.P.InScope(a.Path) {
		return nil, invalid("area_id", "workorder.area_scope", "the area lies outside your areas")
	}
	return a, nil
}

// Intake validates a report, locates its grid, opens the case, computes its
// deadlines and stores row, first event, timers, counters and audit in one
// (group-committed) transaction.
func (e *Engine) Intake(ctx context.Context, who Caller, in *Report) (*store.WorkOrder, error) {
	p, err := e.prepare(ctx, who, in)
	if err != nil {
		return nil, err
	}
	err = e.Batch.Write(ctx, who.Actor, func(tx *store.Tx) error { return e.write(ctx, tx, p) })
	if err != nil {
		return nil, err
	}
	return p.w, nil
}

// IntakeTx is Intake inside the caller's transaction, for capabilities whose
// own write must commit together with the work order (an alarm and its case).
func (e *Engine) IntakeTx(ctx context.Context, tx *store.Tx, who Caller, in *Report) (*store.WorkOrder, error) {
	p, err := e.prepare(ctx, who, in)
	if err != nil {
		return nil, err
	}
	if err := e.write(ctx, tx, p); err != nil {
		return nil, err
	}
	return p.w, nil
}

// write stores a prepared intake: number, row, first event, timers, counters,
// audit. A batch may run it twice (store.Batcher.attempt): it derives the
// number and the encoded case from the plan afresh each time.
func (e *Engine) write(ctx context.Context, tx *store.Tx, p *intakePlan) error {
	w := p.w
	if w.Category != "" {
		now := p.c.CreatedAt
		n, err := tx.NextCaseSerial(ctx, now.Format("20060102"))
		if err != nil {
			return err
		}
		c := p.c
		if c.Number, err = workflow.CaseNumber(w.Category, now, n, 2); err != nil {
			return err
		}
		w.Number = c.Number
		if w.Case, err = withNumber(p.enc, &c); err != nil {
			return err
		}
		w.Decoded = &c
	} else {
		c := p.c
		w.Decoded = &c
	}
	return tx.CreateWorkOrder(ctx, w, &store.WorkOrderChange{
		Event: p.ev, Timers: p.timers, Counters: p.counters,
		AuditAction: "workorder.create", AuditDetail: w.Kind + " " + w.Number + " " + w.State,
	})
}

// caseHead is how json.Marshal starts a Case that has no id and no number
// yet ("id" is the first field and "number", omitted while empty, the second).
var caseHead = []byte(`{"id":"",`)

// withNumber returns c encoded as JSON, given enc, the encoding of c without
// its number, inside the single writer (TestWithNumberIsMarshal).
func withNumber(enc []byte, c *workflow.Case) ([]byte, error) {
	if c.ID != "" {
		return json.Marshal(c)
	}
	return spliceCase(enc, c, "", c.Number)
}

// caseWithID returns c encoded as JSON, given enc, its stored encoding (the
// stored case has no id: the row's id is the case's), for every view
// (TestCaseWithIDIsMarshal).
func caseWithID(enc []byte, c *workflow.Case) ([]byte, error) {
	return spliceCase(enc, c, c.ID, "")
}

// spliceCase writes id and, when given, number into enc, an encoding of c
// that has neither, which gives the bytes json.Marshal(c) would without
// encoding the whole case again; anything unexpected falls back to
// json.Marshal. id and number are the first two fields of a Case.
func spliceCase(enc []byte, c *workflow.Case, id, number string) ([]byte, error) {
	if !bytes.HasPrefix(enc, caseHead) || (id == "") == (number == "") || (id != "" && !plainNumber(id)) || (number != "" && !plainNumber(number)) {
		return json.Marshal(c)
	}
	out := make([]byte, 0, len(enc)+len(id)+len(number)+12)
	out = append(out, `{"id":"`...)
	out = append(out, id...)
	out = append(out, `",`...)
	if number != "" {
		out = append(out, `"number":"`...)
		out = append(out, number...)
		out = append(out, `",`...)
	}
	return append(out, enc[len(caseHead):]...), nil
}

// plainNumber: letters and digits only, so the JSON string needs no escaping.
func plainNumber(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z') {
			return false
		}
	}
	return true
}

// eventRow turns a machine event into a stored event.
func eventRow(ev workflow.Event, who Caller, comment, public string) *store.WorkOrderEvent {
	in, _ := json.Marshal(ev.Inputs)
	det, _ := json.Marshal(ev)
	return &store.WorkOrderEvent{Seq: ev.Seq, Action: ev.Action, From: ev.From, To: ev.To, ActorID: who.Actor.ID, Actor: who.Actor.Name,
		Inputs: in, Comment: comment, PublicComment: public, Detail: det, At: ev.At.UnixMilli()}
}

type cachedArea struct {
	a   *directory.Area
	exp time.Time
}

// area reads an area through a short cache: every intake needs its grid's
// path, and grids change rarely (a moved boundary is seen within RuleTTL).
func (e *Engine) area(ctx context.Context, id int64) (*directory.Area, error) {
	now := time.Now()
	if c, ok := e.areas.Load(id); ok && now.Before(c.(cachedArea).exp) {
		return c.(cachedArea).a, nil
	}
	a, err := e.DB.Area(ctx, id)
	if err != nil {
		return nil, err
	}
	a.Geometry = nil // not needed here; keeps the cache small
	e.areas.Store(id, cachedArea{a, now.Add(RuleTTL)})
	return a, nil
}
