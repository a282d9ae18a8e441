package workflow

import (
	"slices"
	"strings"
	"time"

	"towngrid/internal/calendar"
	"towngrid/internal/workflow/indicators"
)

// Machine applies a flow's actions to cases. It holds no mutable state and is
// safe for concurrent use once built.
type Machine struct {
	Flow  *Flow
	Clock Clock
	// Limits resolves the main limit at 立案 when the request carries none,
	// typically Categories.Limit. Optional.
	Limits func(category, urgency string) (calendar.Limit, bool)
}

// NewMachine validates the flow and returns a machine for it.
func NewMachine(f *Flow, clk Clock) (*Machine, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &Machine{Flow: f, Clock: clk}, nil
}

// Open creates a case in the flow's initial state.
func (m *Machine) Open(id, source, area, actor string, roles []Role, at time.Time) (Case, []Event, error) {
	f := m.Flow
	if !slices.ContainsFunc(roles, func(r Role) bool { return slices.Contains(f.Openers, r) }) {
		return Case{}, nil, errf(ErrRoleNotAllowed.Code, "roles %v may not open a %s case", roles, f.Kind)
	}
	if at.IsZero() {
		return Case{}, nil, errf(ErrBadInput.Code, "the time is missing")
	}
	st, _ := f.State(f.Initial)
	c := Case{ID: id, Flow: f.ID, FlowVersion: f.Version, State: f.Initial, Source: source, Area: area,
		CreatedAt: at, UpdatedAt: at, Seq: 1}
	c.Facts.Public = PublicSource(source)
	c.Step.begin(m.Clock, at, st.Limit)
	ev := Event{Case: id, Seq: 1, Action: "open", To: f.Initial, Actor: actor, Roles: roles, At: at, Clock: ClockNone}
	return c, []Event{ev}, nil
}

// Apply takes action r on c and returns the new case and the events to
// record. c is not modified. Errors are *Error with a stable code.
func (m *Machine) Apply(c Case, r Request) (Case, []Event, error) {
	f, clk := m.Flow, m.Clock
	if c.Flow != f.ID || c.FlowVersion != f.Version {
		return c, nil, errf(ErrFlowMismatch.Code, "case %s is on %s v%d, machine on %s v%d", c.ID, c.Flow, c.FlowVersion, f.ID, f.Version)
	}
	cur, ok := f.State(c.State)
	if !ok {
		return c, nil, errf(ErrNotAllowedHere.Code, "case %s is in unknown state %q", c.ID, c.State)
	}
	a, ok := f.Action(r.Action)
	if !ok {
		return c, nil, errf(ErrUnknownAction.Code, "flow %s has no action %q", f.ID, r.Action)
	}
	if cur.Final && !(a.Reopen && cur.Stage == StageClosed) {
		return c, nil, errf(ErrFinal.Code, "case %s is %s", c.ID, c.State)
	}
	if !slices.Contains(a.From, c.State) {
		return c, nil, errf(ErrNotAllowedHere.Code, "%s is not allowed from %s", a.Name, c.State)
	}
	if !a.allows(r.Roles) {
		return c, nil, errf(ErrRoleNotAllowed.Code, "%s needs one of %v, actor has %v", a.Name, a.Roles, r.Roles)
	}
	if c.Suspended && !a.WhileSuspended {
		return c, nil, errf(ErrSuspended.Code, "case %s is suspended (挂账); %s must wait", c.ID, a.Name)
	}
	if a.Unsuspend && !c.Suspended {
		return c, nil, errf(ErrNotAllowedHere.Code, "case %s is not suspended", c.ID)
	}
	if r.At.IsZero() {
		return c, nil, errf(ErrBadInput.Code, "the time is missing")
	}
	if r.At.Before(c.UpdatedAt) {
		return c, nil, errf(ErrTimeBeforeLast.Code, "%s at %s is before the last change at %s", a.Name, r.At, c.UpdatedAt)
	}
	in := r.Inputs
	if a.Register && in.Limit == nil && m.Limits != nil && in.Category != "" {
		if l, ok := m.Limits(in.Category, in.Urgency); ok {
			in.Limit = &l
		}
	}
	if err := checkInputs(a, &in); err != nil {
		return c, nil, err
	}
	if a.Extension && !c.Clock.Limited {
		return c, nil, errf(ErrBadInput.Code, "case %s has no running time limit to extend", c.ID)
	}
	if a.Rework && in.Department != "" && in.Department != c.Department {
		return c, nil, errf(ErrBadInput.Code, "返工 goes to the same department %q, not %q", c.Department, in.Department)
	}

	at := r.At
	n := c
	n.Extensions = slices.Clip(c.Extensions) // appends must not alias the caller's array
	to := c.State
	if a.To != "" {
		to = a.To
	}
	ts, _ := f.State(to)
	moving := to != c.State
	ev := Event{Case: c.ID, Seq: c.Seq + 1, Action: a.Name, From: c.State, To: to, Actor: r.Actor,
		Roles: r.Roles, At: at, Inputs: in, Clock: a.Clock}
	if ev.Clock == "" {
		ev.Clock = ClockNone
	}

	n.Clock.halt(clk, at)
	n.Step.halt(clk, at)
	var step *StepResult
	if moving {
		step = &StepResult{State: cur.Name, Stage: cur.Stage, Start: c.Step.Started, End: at,
			Elapsed: n.Step.Elapsed, OnTime: true}
		switch {
		case cur.CaseLimit && n.Clock.Limited:
			step.Elapsed, step.Limit, step.OnTime = n.Clock.Elapsed, n.Clock.Budget(), n.Clock.Remaining >= 0
		case n.Step.Limited:
			step.Limit, step.OnTime = n.Step.Budget(), n.Step.Remaining >= 0
		}
		ev.Step = step
	}
	stepOnTime := step == nil || step.OnTime
	fx := &n.Facts
	if moving && cur.Stage == StageIntake && !fx.IntakeDone {
		fx.IntakeDone, fx.IntakeOnTime = true, stepOnTime // 受理 / 派发核实 in time
	}

	if a.Register {
		n.Category, n.Urgency = in.Category, in.Urgency
		if in.Limit != nil {
			l := *in.Limit
			n.Limit = &l
		}
		fx.Registered, fx.RegisteredOnTime = true, stepOnTime
	}
	if a.Verify {
		fx.Verified, fx.VerifiedOnTime = true, stepOnTime
	}
	if a.Dispatch {
		if in.Department != "" {
			n.Department = in.Department
		}
		fx.Dispatches++
		if !fx.Dispatched {
			fx.Dispatched, fx.DispatchedOnTime = true, stepOnTime
		}
	}
	if a.Rework {
		n.Reworks++
		fx.Reworks++
		ev.Rework = true
	}
	if a.Extension {
		n.Clock.extend(clk, *in.Extension)
		n.Extensions = append(n.Extensions, Extension{Limit: *in.Extension, At: at, Reason: in.Reason})
		fx.Extensions++
	}
	if a.Suspend {
		n.Suspended = true
		fx.Suspensions++
	}
	if a.Unsuspend {
		n.Suspended = false
	}
	if a.Disposal {
		// §5.4: on time means the end is within the bundle deadline (limit +
		// extensions). A rework loop disposes again and the last one counts.
		onTime := n.Clock.OnTime(clk, at)
		fx.Disposed, fx.DisposedOnTime, fx.DisposeTime = true, onTime, n.Clock.Elapsed
		ev.OnTime = &onTime
	}
	if a.Check {
		fx.Checks++
		if stepOnTime {
			fx.ChecksOnTime++
		}
	}
	if a.SelfHandled {
		fx.SelfHandled = true
	}
	if a.Notice {
		fx.Notices++
		ev.Notice = true
	}
	if a.Void {
		fx.Void = voidKind(cur.Stage)
		ev.Void = fx.Void
	}
	if a.Reopen {
		// The case is no longer closed: it leaves the 结案 counts until it
		// closes again, and its disposal must be done (and timed) anew.
		fx.Closed, fx.ClosedOnTime, fx.Closure = false, false, ""
		fx.Disposed, fx.DisposedOnTime = false, false
	}
	if a.Close {
		// §5.5: 按期结案 inherits from 按期处置; without a disposal step (自处理,
		// flows without 处置) the main clock decides.
		onTime := n.Clock.OnTime(clk, at)
		if fx.Disposed {
			onTime = fx.DisposedOnTime
		}
		closure := ClosureNormal
		switch {
		case in.Closure == ClosureError || in.Closure == ClosureSpecial:
			closure = in.Closure
		case a.Closure != "":
			closure = a.Closure
		case !onTime:
			closure = ClosureOverdue
		}
		fx.Closed, fx.ClosedOnTime, fx.Closure = true, onTime, string(closure)
		ev.Closure, ev.OnTime = closure, &onTime
	}

	// The main clock runs exactly while the state says so and the case is not
	// suspended; start additionally resets it for a new dispatch.
	running := ts.Clock && !n.Suspended
	if a.Clock == ClockStart {
		n.Clock.begin(clk, at, n.Limit) // a new department's clock; Extensions stay as history
	} else if running && n.Clock.Started.IsZero() {
		n.Clock.begin(clk, at, n.Limit)
	}
	if running {
		n.Clock.run(clk, at)
	} else {
		n.Clock.halt(clk, at)
	}
	if moving {
		n.Step.begin(clk, at, ts.Limit)
	}
	if ts.Final || n.Suspended {
		n.Step.halt(clk, at)
	} else {
		n.Step.run(clk, at)
	}

	n.State, n.UpdatedAt, n.Seq = to, at, c.Seq+1
	ev.Elapsed = n.Clock.Elapsed
	return n, []Event{ev}, nil
}

// voidKind counts a void by the stage it happened at (§5.5 __extend_cancel_info).
// 核实 belongs to 受理: the report was not accepted as a case.
func voidKind(s Stage) indicators.VoidKind {
	switch s {
	case StageIntake, StageVerify:
		return indicators.VoidNotAccepted
	case StageRegister:
		return indicators.VoidNotRegistered
	}
	return indicators.VoidVoided
}

func checkInputs(a *Action, in *Inputs) error {
	for _, req := range a.Requires {
		missing := false
		switch req {
		case InputReason:
			missing = strings.TrimSpace(in.Reason) == ""
		case InputPhotos:
			missing = len(in.Photos) == 0
		case InputDepartment:
			missing = in.Department == ""
		case InputExtension:
			missing = in.Extension == nil
		case InputCategory:
			missing = in.Category == ""
		case InputLimit:
			missing = in.Limit == nil
		}
		if missing {
			return errf(ErrMissingInput.Code, "%s requires %s", a.Name, req)
		}
	}
	for _, l := range []*calendar.Limit{in.Limit, in.Extension} {
		if l != nil && (l.Value <= 0 || l.Validate() != nil) {
			return errf(ErrBadInput.Code, "bad time limit %d %q", l.Value, l.Unit)
		}
	}
	if in.Closure != "" && !slices.Contains([]Closure{ClosureNormal, ClosureOverdue, ClosureError, ClosureSpecial}, in.Closure) {
		return errf(ErrBadInput.Code, "unknown closure type %q", in.Closure)
	}
	return nil
}
