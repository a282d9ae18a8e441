// Package workorders is the work-order (工单) engine's adapter layer: it keeps
// flows, categories and the calendar as versioned rules, opens cases with the
// pure workflow machine, stores them with their events, timers and indicator
// counters, sweeps due timers and answers indicator queries. The HTTP API in
// internal/api is a thin layer over it.
package workorders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/calendar"
	"towngrid/internal/store"
	"towngrid/internal/workflow"
	"towngrid/internal/workflow/indicators"
)

// Rule kinds this package keeps in the rules table.
const (
	KindFlow       = "flow"
	KindCategories = "categories"
	KindCalendar   = "calendar"
	KindWOKind     = "workorder_kind"
	KindPolicy     = "timer_policy"
	KindPostScheme = "post_scheme"
)

// DepartmentLookup finds the department that owns a category in an area
// (权属: grid path × category → department), for automatic dispatch.
type DepartmentLookup interface {
	OwningDepartment(ctx context.Context, areaPath, categoryCode string) (int64, error)
}

// Engine is one process's work-order engine over one database.
type Engine struct {
	App   *app.App
	DB    *store.DB
	Batch *store.Batcher
	Blobs Blobs
	// Departments resolves automatic dispatch; nil: the dispatcher must name
	// the department. Set from the store when it offers OwningDepartment.
	Departments DepartmentLookup
	// Owner names this replica in claimed timers.
	Owner string

	calRule atomic.Int64 // id of the calendar rule loaded into App.Services.Calendar

	machines sync.Map // machineKey → *workflow.Machine
	rules    sync.Map // "kind/key/version" → parsed body
	inForce  sync.Map // "kind/key/date" or "kind/key/v" → cachedRule
	areas    sync.Map // area id → cachedArea
}

// cachedRule keeps a rule lookup for RuleTTL: intake reads four rules per
// request, which would otherwise be four queries. A version added through
// this engine clears the cache at once; other replicas see it within the TTL.
type cachedRule struct {
	r   *store.Rule
	exp time.Time
}

// RuleTTL is how long a rule lookup is reused.
const RuleTTL = 5 * time.Second

func (e *Engine) ruleInForce(ctx context.Context, kind, key, day string) (*store.Rule, error) {
	return e.cachedRule(ctx, kind+"/"+key+"/"+day, func() (*store.Rule, error) { return e.DB.RuleInForce(ctx, kind, key, day) })
}

func (e *Engine) ruleVersion(ctx context.Context, kind, key string, v int) (*store.Rule, error) {
	return e.cachedRule(ctx, fmt.Sprintf("%s/%s/v%d", kind, key, v), func() (*store.Rule, error) { return e.DB.RuleVersion(ctx, kind, key, v) })
}

func (e *Engine) cachedRule(ctx context.Context, k string, load func() (*store.Rule, error)) (*store.Rule, error) {
	now := time.Now()
	if c, ok := e.inForce.Load(k); ok && now.Before(c.(cachedRule).exp) {
		return c.(cachedRule).r, nil
	}
	r, err := load()
	if err != nil {
		return nil, err
	}
	e.inForce.Store(k, cachedRule{r, now.Add(RuleTTL)})
	return r, nil
}

// forgetRules clears the lookup cache after a rule changed.
func (e *Engine) forgetRules() { e.inForce.Clear() }

type machineKey struct {
	flow    string
	version int
	cal     *calendar.Calendar
}

var (
	enginesMu sync.Mutex
	engines   = map[*app.App]*Engine{}
)

// For returns the engine of a, creating it on first use. (The App has no
// field for capabilities' services beyond Services; this registry keyed by
// the App stands in for one.)
func For(a *app.App) *Engine {
	enginesMu.Lock()
	defer enginesMu.Unlock()
	if e, ok := engines[a]; ok {
		return e
	}
	e := &Engine{App: a, DB: a.DB, Batch: store.NewBatcher(a.DB, 256, time.Millisecond, 150*time.Microsecond), Blobs: Disk{Dir: a.Cfg.Data + "/uploads"}, Owner: "towngrid-" + strconv.Itoa(int(time.Now().UnixNano()%1e6))}
	// The departments capability adds store.DB.OwningDepartment; dispatch
	// uses it as soon as it exists, without a change here.
	if d, ok := any(a.DB).(DepartmentLookup); ok {
		e.Departments = d
	}
	engines[a] = e
	return e
}

// Forget drops a's engine (tests that open many Apps).
func Forget(a *app.App) {
	enginesMu.Lock()
	e := engines[a]
	delete(engines, a)
	enginesMu.Unlock()
	if e != nil {
		e.Batch.Close()
	}
}

// Now is the engine's clock: the store's, in Asia/Shanghai.
func (e *Engine) Now() time.Time { return time.UnixMilli(e.DB.Now()).In(calendar.Location()) }

// Calendar is the working-time calendar in force.
func (e *Engine) Calendar() *calendar.Calendar {
	if c := e.App.Services.Calendar.Load(); c != nil {
		return c
	}
	return calendar.Default()
}

// Roles maps an account's roles to the workflow's (same names).
func Roles(p *account.Principal) []workflow.Role {
	out := make([]workflow.Role, 0, len(p.Roles))
	for _, r := range p.Roles {
		out = append(out, workflow.Role(r))
	}
	return out
}

func date(t time.Time) string { return t.In(calendar.Location()).Format("2006-01-02") }

// parsed loads and caches a rule version's parsed body.
func parsed[T any](e *Engine, ctx context.Context, r *store.Rule, parse func([]byte) (T, error)) (T, error) {
	k := fmt.Sprintf("%s/%s/%d", r.Kind, r.Key, r.Version)
	if v, ok := e.rules.Load(k); ok {
		return v.(T), nil
	}
	v, err := parse([]byte(r.Body))
	if err != nil {
		var zero T
		return zero, fmt.Errorf("rule %s: %w", k, err)
	}
	e.rules.Store(k, v)
	return v, nil
}

// Kind is the configuration of one kind of work order (data: rules kind
// "workorder_kind").
type Kind struct {
	Kind       string   `json:"kind"`
	Label      string   `json:"label"`
	Flow       string   `json:"flow"`
	Categories string   `json:"categories,omitempty"` // category table key; "" = the kind has no categories
	Classes    []string `json:"classes,omitempty"`    // allowed category classes (component, event); empty = all
	Sources    []string `json:"sources"`              // allowed sources, the first is the default
	Effective  string   `json:"effective"`
}

// ParseKind decodes and checks a kind configuration.
func ParseKind(b []byte) (*Kind, error) {
	var k Kind
	if err := strictJSON(b, &k); err != nil {
		return nil, err
	}
	if k.Kind == "" || k.Flow == "" || len(k.Sources) == 0 {
		return nil, errors.New("kind, flow and sources are required")
	}
	for _, s := range k.Sources {
		if !validSource(s) {
			return nil, fmt.Errorf("unknown source %q", s)
		}
	}
	return &k, nil
}

// Sources a report may come from (信息收集 channels).
var Sources = []string{workflow.SourceGridWorker, workflow.SourceResident, workflow.SourceOpen311, workflow.SourceAlarm,
	workflow.SourceHotline, workflow.SourceEnterprise, workflow.SourceMeeting, workflow.SourceVideo, workflow.SourceSuperior, "system"}

func validSource(s string) bool {
	for _, x := range Sources {
		if x == s {
			return true
		}
	}
	return false
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytesReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// KindConfig returns the configuration of a kind in force at t.
func (e *Engine) KindConfig(ctx context.Context, kind string, t time.Time) (*Kind, error) {
	r, err := e.ruleInForce(ctx, KindWOKind, kind, date(t))
	if err != nil {
		return nil, err
	}
	return parsed(e, ctx, r, ParseKind)
}

// Categories returns a category table in force at t.
func (e *Engine) Categories(ctx context.Context, key string, t time.Time) (*workflow.Categories, error) {
	r, err := e.ruleInForce(ctx, KindCategories, key, date(t))
	if err != nil {
		return nil, err
	}
	return parsed(e, ctx, r, workflow.ParseCategories)
}

// Policy is the timer policy in force at t.
func (e *Engine) Policy(ctx context.Context, t time.Time) workflow.TimerPolicy {
	r, err := e.ruleInForce(ctx, KindPolicy, "default", date(t))
	if err != nil {
		return workflow.DefaultTimerPolicy()
	}
	p, err := parsed(e, ctx, r, ParsePolicy)
	if err != nil {
		return workflow.DefaultTimerPolicy()
	}
	return *p
}

// ParsePolicy decodes and checks a timer policy.
func ParsePolicy(b []byte) (*workflow.TimerPolicy, error) {
	var p workflow.TimerPolicy
	if err := strictJSON(b, &p); err != nil {
		return nil, err
	}
	if p.Thresholds.Yellow <= 0 || p.Thresholds.Red < p.Thresholds.Yellow {
		return nil, errors.New("thresholds: need 0 < yellow ≤ red")
	}
	for _, l := range []*calendar.Limit{p.UrgeBefore, p.EscalateAfter} {
		if l != nil {
			if err := l.Validate(); err != nil {
				return nil, err
			}
		}
	}
	return &p, nil
}

// Machine returns the machine of a flow version (0: the version in force at
// t) on the calendar in force, with the limits of the kind's categories.
func (e *Engine) Machine(ctx context.Context, flowID string, version int, cats *workflow.Categories, t time.Time) (*workflow.Machine, error) {
	var r *store.Rule
	var err error
	if version > 0 {
		r, err = e.ruleVersion(ctx, KindFlow, flowID, version)
	} else {
		r, err = e.ruleInForce(ctx, KindFlow, flowID, date(t))
	}
	if err != nil {
		return nil, fmt.Errorf("flow %s v%d: %w", flowID, version, err)
	}
	f, err := parsed(e, ctx, r, workflow.ParseFlow)
	if err != nil {
		return nil, err
	}
	cal := e.Calendar()
	k := machineKey{f.ID, f.Version, cal}
	if m, ok := e.machines.Load(k); ok {
		return withLimits(m.(*workflow.Machine), cats), nil
	}
	m, err := workflow.NewMachine(f, cal)
	if err != nil {
		return nil, err
	}
	e.machines.Store(k, m)
	return withLimits(m, cats), nil
}

func withLimits(m *workflow.Machine, cats *workflow.Categories) *workflow.Machine {
	if cats == nil {
		return m
	}
	c := *m // Machine is a small value with no mutable state
	c.Limits = cats.Limit
	return &c
}

// loadCase rebuilds the machine's case from a row.
func loadCase(w *store.WorkOrder) (workflow.Case, error) {
	if d, ok := w.Decoded.(*workflow.Case); ok {
		c := *d
		c.ID = strconv.FormatInt(w.ID, 10)
		c.Extensions = slices.Clone(c.Extensions) // the caller may change its copy
		return c, nil
	}
	var c workflow.Case
	if err := json.Unmarshal(w.Case, &c); err != nil {
		return c, fmt.Errorf("workorder %d: case state: %w", w.ID, err)
	}
	c.ID = strconv.FormatInt(w.ID, 10)
	return c, nil
}

// fill copies the case into the row's columns at instant at: state, stage,
// deadlines, light, on-time flags, the counted snapshot.
func fill(w *store.WorkOrder, m *workflow.Machine, c *workflow.Case, at time.Time, pol workflow.TimerPolicy) (indicators.Facts, error) {
	st, ok := m.Flow.State(c.State)
	if !ok {
		return indicators.Facts{}, fmt.Errorf("unknown state %q", c.State)
	}
	w.State, w.Stage, w.Open, w.Suspended, w.Seq = c.State, string(st.Stage), !st.Final, c.Suspended, c.Seq
	if c.Category != "" {
		w.Category, w.Urgency = c.Category, c.Urgency
	}
	if c.Department != "" {
		if id, err := strconv.ParseInt(c.Department, 10, 64); err == nil {
			w.DepartmentID = id
		}
	}
	s := m.Status(c, at, pol.Thresholds)
	w.ClockDeadline, w.Deadline = 0, 0
	if !c.Clock.Deadline.IsZero() {
		w.ClockDeadline = c.Clock.Deadline.UnixMilli()
	}
	if !s.Step.Deadline.IsZero() {
		w.Deadline = s.Step.Deadline.UnixMilli()
	}
	w.Light = string(s.Step.Light)
	if st.Final {
		w.Light = ""
	}
	f := m.Snapshot(c, at)
	w.DisposedOnTime, w.ClosedOnTime = nil, nil
	if f.Disposed {
		v := f.DisposedOnTime
		w.DisposedOnTime = &v
	}
	if f.Closed {
		v := f.ClosedOnTime
		w.ClosedOnTime = &v
	}
	var err error
	if w.Case, err = json.Marshal(c); err != nil {
		return f, err
	}
	if w.Facts, err = json.Marshal(f); err != nil {
		return f, err
	}
	return f, nil
}

func counterKey(w *store.WorkOrder) store.CounterKey {
	return store.CounterKey{Period: w.Period, AreaPath: w.AreaPath, Category: w.Category, Source: w.Source}
}

// firings is the first of the case's planned timer firings. A case's timers
// are a chain with one pending row: each firing plans the one after it
// (nextFiring), so an intake writes one timer row, not the 3–4 of its plan
// (a tenth of the single writer's time per intake went to timer rows), and
// a million open cases hold a million pending rows, not four million.
func firings(m *workflow.Machine, c *workflow.Case, pol workflow.TimerPolicy) []store.TimerFiring {
	fs := m.Plan(c, pol)
	if len(fs) == 0 {
		return nil
	}
	return []store.TimerFiring{timerFiring(fs[0])}
}

// nextFiring is the firing planned after r, which has just fired, given the
// case as it was when r fired: the one after r in the case's plan, or, when
// the plan no longer holds r exactly (an action in between re-based the
// clock), the first one due after r.
func nextFiring(m *workflow.Machine, c *workflow.Case, pol workflow.TimerPolicy, r store.TimerRow) []store.TimerFiring {
	fs := m.Plan(c, pol)
	for i, f := range fs {
		if string(f.Kind) == r.Kind && f.Timer == r.Timer && f.At.UnixMilli() == r.FireAt {
			if i+1 < len(fs) {
				return []store.TimerFiring{timerFiring(fs[i+1])}
			}
			return nil
		}
	}
	for _, f := range fs {
		if f.At.UnixMilli() > r.FireAt {
			return []store.TimerFiring{timerFiring(f)}
		}
	}
	return nil
}

func timerFiring(f workflow.Firing) store.TimerFiring {
	return store.TimerFiring{Kind: string(f.Kind), Timer: f.Timer, State: f.State, At: f.At.UnixMilli()}
}
