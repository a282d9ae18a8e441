package workorders

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"unicode/utf8"

	"towngrid/internal/calendar"
	"towngrid/internal/store"
	"towngrid/internal/workflow"
	"towngrid/internal/workflow/indicators"
)

// ActionInputs are the values an action may carry.
type ActionInputs struct {
	DepartmentID  int64           `json:"department_id,omitempty"` // 派遣 / 改派; absent: the owning department
	AssigneeID    int64           `json:"assignee_id,omitempty"`   // a person (核实/核查 task, handler)
	Reason        string          `json:"reason,omitempty"`
	Extension     *calendar.Limit `json:"extension,omitempty"` // 延期 {value, unit}
	Comment       string          `json:"comment,omitempty"`   // internal
	PublicComment string          `json:"public_comment,omitempty"`
	Photos        []int64         `json:"photos,omitempty"` // attachment ids of this work order
	Category      string          `json:"category,omitempty"`
	Urgency       string          `json:"urgency,omitempty"`
	Limit         *calendar.Limit `json:"limit,omitempty"`
	Closure       string          `json:"closure,omitempty"` // error | special at 结案
}

// ActionRequest is the body of POST /workorders/{id}/actions.
type ActionRequest struct {
	Action string       `json:"action"`
	Seq    int          `json:"seq"` // the case sequence the caller saw (optimistic concurrency)
	Inputs ActionInputs `json:"inputs"`
}

// Visible loads a work order the caller may see: in their areas, or their
// own report. Anything else is not found.
func (e *Engine) Visible(ctx context.Context, who Caller, id int64) (*store.WorkOrder, error) {
	w, err := e.DB.WorkOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if who.Unscoped() || (w.ReporterID != 0 && w.ReporterID == who.P.UserID) {
		return w, nil
	}
	if who.Own() || !who.P.InScope(w.AreaPath) {
		return nil, store.ErrNotFound
	}
	return w, nil
}

// View is a work order as the API shows it: the row, the case, the timers'
// status with traffic lights and the actions the caller may take now.
type View struct {
	*store.WorkOrder
	Case workflow.Case `json:"-"`
	// CaseJSON is the stored encoding of Case (json.Marshal's bytes), sent as
	// is: encoding the case again was a tenth of an intake's response time.
	CaseJSON json.RawMessage `json:"case"`
	Status   workflow.Status `json:"status"`
	Actions  []string        `json:"actions"`
}

// View builds the view of w for the caller at the engine's now.
func (e *Engine) View(ctx context.Context, who Caller, w *store.WorkOrder) (*View, error) {
	c, err := loadCase(w)
	if err != nil {
		return nil, err
	}
	m, err := e.Machine(ctx, w.Flow, w.FlowVersion, nil, e.Now())
	if err != nil {
		return nil, err
	}
	now := e.Now()
	if now.Before(c.UpdatedAt) {
		now = c.UpdatedAt
	}
	enc, err := caseWithID(w.Case, &c)
	if err != nil {
		return nil, err
	}
	v := &View{WorkOrder: w, Case: c, CaseJSON: enc, Status: m.Status(&c, now, e.Policy(ctx, now).Thresholds), Actions: []string{}}
	if !c.Suspended {
		v.Actions = append(v.Actions, m.Flow.Available(c.State, Roles(who.P))...)
	} else {
		for _, name := range m.Flow.Available(c.State, Roles(who.P)) {
			if a, _ := m.Flow.Action(name); a != nil && a.WhileSuspended {
				v.Actions = append(v.Actions, name)
			}
		}
	}
	return v, nil
}

// Act applies an action to a work order for the caller, with optimistic
// concurrency on the case sequence; a refusal writes nothing.
func (e *Engine) Act(ctx context.Context, who Caller, id int64, in *ActionRequest) (*store.WorkOrder, error) {
	if in.Action == "" {
		return nil, invalid("action", "workorder.action", "an action is required")
	}
	if in.Seq <= 0 {
		return nil, invalid("seq", "workorder.seq", "send the sequence number (seq) of the work order you saw")
	}
	ins := &in.Inputs
	for _, s := range []struct{ name, v string }{{"reason", ins.Reason}, {"comment", ins.Comment}, {"public_comment", ins.PublicComment}} {
		if utf8.RuneCountInString(s.v) > MaxDescription {
			return nil, invalid("inputs."+s.name, "workorder.text_length", "at most %d characters", MaxDescription)
		}
	}
	if len(ins.Photos) > 20 {
		return nil, invalid("inputs.photos", "workorder.photos", "at most 20 photos")
	}
	w, err := e.Visible(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if w.Seq != in.Seq {
		return nil, staleError(w.Seq, in.Seq)
	}
	now := e.Now()
	k, err := e.KindConfig(ctx, w.Kind, now)
	if err != nil {
		return nil, err
	}
	var cats *workflow.Categories
	if k.Categories != "" {
		if cats, err = e.Categories(ctx, k.Categories, now); err != nil {
			return nil, err
		}
	}
	m, err := e.Machine(ctx, w.Flow, w.FlowVersion, cats, now)
	if err != nil {
		return nil, err
	}
	c, err := loadCase(w)
	if err != nil {
		return nil, err
	}
	a, ok := m.Flow.Action(in.Action)
	if !ok {
		return nil, invalid("action", "workflow.unknown_action", "flow %s has no action %q", m.Flow.ID, in.Action)
	}
	req := workflow.Request{Action: in.Action, Actor: who.Actor.Name, Roles: Roles(who.P), At: now,
		Inputs: workflow.Inputs{Reason: ins.Reason, Extension: ins.Extension, Category: ins.Category, Urgency: ins.Urgency,
			Limit: ins.Limit, Closure: workflow.Closure(ins.Closure), Note: ins.Comment}}
	if now.Before(c.UpdatedAt) {
		req.At = c.UpdatedAt
	}
	if a.Register && req.Inputs.Category == "" { // 立案 keeps the reported category unless the intake corrects it
		req.Inputs.Category, req.Inputs.Urgency = w.Category, w.Urgency
	}
	if req.Inputs.Category != "" && cats != nil {
		if _, ok := cats.Get(req.Inputs.Category); !ok {
			return nil, invalid("inputs.category", "workorder.category", "unknown category %q", req.Inputs.Category)
		}
	}
	for _, p := range ins.Photos {
		req.Inputs.Photos = append(req.Inputs.Photos, strconv.FormatInt(p, 10))
	}
	if ins.DepartmentID < 0 {
		return nil, invalid("inputs.department_id", "workorder.department", "a positive id")
	}
	if ins.DepartmentID > 0 {
		req.Inputs.Department = strconv.FormatInt(ins.DepartmentID, 10)
	} else if a.Dispatch && slices.Contains(a.Requires, workflow.InputDepartment) && slices.Contains(m.Flow.Available(c.State, req.Roles), a.Name) {
		dep, err := e.owningDepartment(ctx, w, req.Inputs.Category)
		if err != nil {
			return nil, err
		}
		req.Inputs.Department = strconv.FormatInt(dep, 10)
	}
	nc, evs, err := m.Apply(c, req)
	if err != nil {
		return nil, machineError(err)
	}
	before := *w
	nw := *w
	if ins.AssigneeID > 0 {
		nw.AssigneeID = ins.AssigneeID
	}
	pol := e.Policy(ctx, req.At)
	facts, err := fill(&nw, m, &nc, req.At, pol)
	if err != nil {
		return nil, err
	}
	ev := evs[0]
	change := &store.WorkOrderChange{Event: eventRow(ev, who, ins.Comment, ins.PublicComment),
		AuditAction: "workorder." + in.Action, AuditDetail: w.Number + " " + ev.From + "→" + ev.To}
	if replans(a, ev) {
		change.ReplaceTimer, change.Timers = true, firings(m, &nc, pol)
	}
	err = e.DB.Write(ctx, who.Actor, func(tx *store.Tx) error {
		// The counters move from what is counted now, read under the row
		// lock: a timer may have re-counted the case (超期未处置) since the read.
		cur, err := tx.WorkOrder(ctx, w.ID)
		if err != nil {
			return err
		}
		if cur.Seq != w.Seq {
			return store.ErrStale
		}
		old, err := decodeFacts(cur.Facts)
		if err != nil {
			return err
		}
		change.Counters = store.CounterDeltas(counterKey(cur), &old, counterKey(&nw), facts)
		if len(ins.Photos) > 0 {
			n, err := tx.AttachmentsOf(ctx, w.ID, ins.Photos)
			if err != nil {
				return err
			}
			if n != len(ins.Photos) {
				return invalid("inputs.photos", "workorder.photos", "photos must be attachments of this work order")
			}
		}
		return tx.UpdateWorkOrder(ctx, &nw, w.Seq, &before, change)
	})
	if errors.Is(err, store.ErrStale) {
		return nil, staleError(w.Seq+1, in.Seq)
	}
	if err != nil {
		return nil, err
	}
	return &nw, nil
}

// replans says whether an action changes the clocks, so the pending timers
// are replaced. Notices (催办, 督办) leave them: replanning right after a
// firing would plan the same firing again.
func replans(a *workflow.Action, ev workflow.Event) bool {
	return ev.From != ev.To || (a.Clock != "" && a.Clock != workflow.ClockNone) || a.Extension || a.Suspend || a.Unsuspend || a.Register
}

func (e *Engine) owningDepartment(ctx context.Context, w *store.WorkOrder, category string) (int64, error) {
	if category == "" {
		category = w.Category
	}
	if e.Departments == nil {
		return 0, invalid("inputs.department_id", "workorder.department_required", "no ownership table is configured: name the department")
	}
	id, err := e.Departments.OwningDepartment(ctx, w.AreaPath, category)
	if errors.Is(err, store.ErrNotFound) || (err == nil && id <= 0) {
		return 0, invalid("inputs.department_id", "workorder.department_required", "no department owns %s in this area: name the department", category)
	}
	return id, err
}

// List returns a page of work orders for the caller; see ListFilter.
// List returns a page of the work orders the caller sees; scannedTo > 0
// marks a partial page (store.WorkOrderFilter.Window).
func (e *Engine) List(ctx context.Context, who Caller, f store.WorkOrderFilter) (items []*store.WorkOrder, scannedTo int64, err error) {
	f.Scopes, f.Unscoped = who.P.Scopes, who.Unscoped()
	if who.Own() {
		f.Reporter = who.P.UserID
	}
	return e.DB.ListWorkOrdersPage(ctx, f)
}

// Queues maps a queue name to the stages it lists.
var Queues = map[string][]string{
	"intake":     {string(workflow.StageIntake)},
	"verify":     {string(workflow.StageVerify)},
	"register":   {string(workflow.StageRegister)},
	"dispatch":   {string(workflow.StageDispatch)},
	"department": {string(workflow.StageDispose)},
	"check":      {string(workflow.StageCheck)},
}

// QueueNames lists the queues for error messages.
func QueueNames() string {
	return "open, intake, verify, register, dispatch, department, check, mine, all"
}

func decodeFacts(b []byte) (indicators.Facts, error) {
	var f indicators.Facts
	if len(b) == 0 {
		return f, nil
	}
	return f, json.Unmarshal(b, &f)
}
