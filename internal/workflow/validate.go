package workflow

import (
	"slices"

	"towngrid/internal/calendar"
)

// Validate checks a flow's structure: known names, reachability from the
// initial state, an exit from every non-final state, and clock effects that
// agree with the states' clock flags. The first problem is returned.
func (f *Flow) Validate() error {
	bad := func(format string, a ...any) error { return errf(ErrFlowInvalid.Code, format, a...) }
	if f.ID == "" || f.Kind == "" {
		return bad("flow needs an id and a kind")
	}
	if f.Version < 1 {
		return bad("flow %s: version must be ≥ 1", f.ID)
	}
	if len(f.States) == 0 {
		return bad("flow %s: no states", f.ID)
	}
	seen := map[string]bool{}
	for _, s := range f.States {
		if s.Name == "" {
			return bad("flow %s: a state has no name", f.ID)
		}
		if seen[s.Name] {
			return bad("flow %s: duplicate state %q", f.ID, s.Name)
		}
		seen[s.Name] = true
		if !slices.Contains(stages, s.Stage) {
			return bad("state %q: unknown stage %q", s.Name, s.Stage)
		}
		if (s.Stage == StageClosed || s.Stage == StageVoid) != s.Final {
			return bad("state %q: closed/void stages and only they are final", s.Name)
		}
		if s.Final && s.Clock {
			return bad("state %q: the clock cannot run in a final state", s.Name)
		}
		if s.Limit != nil && !validLimit(*s.Limit) {
			return bad("state %q: bad limit", s.Name)
		}
		if s.Limit != nil && s.CaseLimit {
			return bad("state %q: both an own limit and the case limit", s.Name)
		}
		if s.Public != "" && s.Public != "open" && s.Public != "closed" {
			return bad("state %q: public status must be open or closed", s.Name)
		}
	}
	if len(f.Openers) == 0 {
		return bad("flow %s: no role may open a case", f.ID)
	}
	for _, r := range f.Openers {
		if !slices.Contains(Roles, r) {
			return bad("flow %s: unknown opener role %q", f.ID, r)
		}
	}
	if !seen[f.Initial] {
		return bad("flow %s: unknown initial state %q", f.ID, f.Initial)
	}
	names := map[string]bool{}
	exits := map[string]bool{}
	for _, a := range f.Actions {
		if a.Name == "" || names[a.Name] {
			return bad("action %q: empty or duplicate name", a.Name)
		}
		names[a.Name] = true
		if len(a.From) == 0 || len(a.Roles) == 0 {
			return bad("action %q: needs from states and roles", a.Name)
		}
		for _, r := range a.Roles {
			if !slices.Contains(Roles, r) {
				return bad("action %q: unknown role %q", a.Name, r)
			}
		}
		for _, in := range a.Requires {
			if !slices.Contains(inputs, in) {
				return bad("action %q: unknown input %q", a.Name, in)
			}
		}
		if a.Extension && !slices.Contains(a.Requires, InputExtension) {
			return bad("action %q: an extension action must require the extension input", a.Name)
		}
		if a.Closure != "" && (!a.Close || !slices.Contains([]Closure{ClosureNormal, ClosureOverdue, ClosureError, ClosureSpecial}, a.Closure)) {
			return bad("action %q: closure type %q on a non-closing action or unknown", a.Name, a.Closure)
		}
		if a.To != "" && !seen[a.To] {
			return bad("action %q: unknown target state %q", a.Name, a.To)
		}
		for _, from := range a.From {
			fs, ok := f.stateByName(from)
			if !ok {
				return bad("action %q: unknown from state %q", a.Name, from)
			}
			if fs.Final && !(a.Reopen && fs.Stage == StageClosed) {
				return bad("action %q: leaves final state %q", a.Name, from)
			}
			if err := checkClock(f, &a, fs); err != nil {
				return err
			}
			if a.To != "" && a.To != from {
				exits[from] = true
			}
		}
	}
	// Reachability: breadth-first over real moves from the initial state.
	reach := map[string]bool{f.Initial: true}
	queue := []string{f.Initial}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, a := range f.Actions {
			if a.To != "" && !reach[a.To] && slices.Contains(a.From, s) {
				reach[a.To] = true
				queue = append(queue, a.To)
			}
		}
	}
	finalReached := false
	for _, s := range f.States {
		if !reach[s.Name] {
			return bad("flow %s: state %q is unreachable", f.ID, s.Name)
		}
		if !s.Final && !exits[s.Name] {
			return bad("flow %s: non-final state %q has no exit", f.ID, s.Name)
		}
		finalReached = finalReached || s.Final
	}
	if !finalReached {
		return bad("flow %s: no final state", f.ID)
	}
	f.stateIx = nil
	f.index()
	return nil
}

func (f *Flow) stateByName(n string) (*State, bool) {
	for i := range f.States {
		if f.States[i].Name == n {
			return &f.States[i], true
		}
	}
	return nil, false
}

// checkClock makes the declared effect agree with the states, so that reading
// the flow tells the truth about when the clock runs.
func checkClock(f *Flow, a *Action, from *State) error {
	to := from
	if a.To != "" {
		to, _ = f.stateByName(a.To)
	}
	eff := a.Clock
	if eff == "" {
		eff = ClockNone
	}
	bad := func() error {
		return errf(ErrFlowInvalid.Code, "action %q from %q: clock effect %q disagrees with the states", a.Name, from.Name, eff)
	}
	switch eff {
	case ClockNone:
		if from.Clock != to.Clock && !a.Suspend && !a.Unsuspend {
			return bad()
		}
	case ClockStart, ClockResume:
		if !to.Clock {
			return bad()
		}
	case ClockStop, ClockPause:
		if to.Clock && !a.Suspend {
			return bad()
		}
	default:
		return bad()
	}
	if a.Suspend && a.Unsuspend {
		return errf(ErrFlowInvalid.Code, "action %q both suspends and unsuspends", a.Name)
	}
	return nil
}

func validLimit(l calendar.Limit) bool {
	return l.Value > 0 && l.Validate() == nil
}
