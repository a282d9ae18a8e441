// Package workflow is the pure core of the one work-order (工单) engine: flows as
// data (states, actions, roles, time limits), a state machine that turns an action
// request into a new case state plus events, the category table with 处置时限,
// traffic lights and timer plans. Storage and HTTP are adapters around it.
package workflow

import (
	"encoding/json"
	"slices"

	"towngrid/internal/calendar"
)

// Stage classifies a state for counting (reference case-management.md §5.5).
type Stage string

const (
	StageIntake   Stage = "intake"   // 信息收集 / 受理
	StageVerify   Stage = "verify"   // 核实
	StageRegister Stage = "register" // 立案
	StageDispatch Stage = "dispatch" // 派遣
	StageDispose  Stage = "dispose"  // 处置
	StageCheck    Stage = "check"    // 核查
	StageClosed   Stage = "closed"   // 结案
	StageVoid     Stage = "void"     // 作废 / 不予受理 / 不予立案
)

var stages = []Stage{StageIntake, StageVerify, StageRegister, StageDispatch, StageDispose, StageCheck, StageClosed, StageVoid}

// Role names an actor's role; a flow lists the roles allowed per action.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleLeader     Role = "leader"
	RoleIntake     Role = "intake"     // 受理员
	RoleShiftLead  Role = "shift_lead" // 值班长
	RoleDispatcher Role = "dispatcher" // 派遣员
	RoleDepartment Role = "department" // 专业部门
	RoleGridWorker Role = "grid_worker"
	RoleButler     Role = "butler" // 小镇管家
	RoleEnterprise Role = "enterprise"
	RoleResident   Role = "resident"
	RoleCommittee  Role = "committee"
	RoleEvaluator  Role = "evaluator"
	RoleAuditor    Role = "auditor"
	RoleSystem     Role = "system" // timers and integrations
)

// Roles lists every known role name.
var Roles = []Role{RoleAdmin, RoleLeader, RoleIntake, RoleShiftLead, RoleDispatcher, RoleDepartment,
	RoleGridWorker, RoleButler, RoleEnterprise, RoleResident, RoleCommittee, RoleEvaluator, RoleAuditor, RoleSystem}

// ClockEffect says what an action does to the case's main clock (处置计时).
// start resets and runs it; resume runs it on from what it had; stop and pause
// halt it keeping the accumulated time (stop ends a step, pause interrupts it).
type ClockEffect string

const (
	ClockNone   ClockEffect = "none"
	ClockStart  ClockEffect = "start"
	ClockStop   ClockEffect = "stop"
	ClockPause  ClockEffect = "pause"
	ClockResume ClockEffect = "resume"
)

// Input names a value an action requires in its request.
type Input string

const (
	InputReason     Input = "reason"
	InputPhotos     Input = "photos"
	InputDepartment Input = "department"
	InputExtension  Input = "extension"
	InputCategory   Input = "category"
	InputLimit      Input = "limit" // the case's main time limit (from category or service item)
)

var inputs = []Input{InputReason, InputPhotos, InputDepartment, InputExtension, InputCategory, InputLimit}

// State is one node of a flow.
type State struct {
	Name  string `json:"name"`
	Label string `json:"label"` // zh-CN; the UI translates by Name
	Stage Stage  `json:"stage"`
	// Clock: the main clock runs while the case is here (and not suspended).
	Clock bool `json:"clock,omitempty"`
	Final bool `json:"final,omitempty"`
	// Public is the Open311 status shown to the public ("open" / "closed").
	Public string `json:"public,omitempty"`
	// Limit is this step's own time limit (e.g. 核实 30 working minutes, §5.3).
	Limit *calendar.Limit `json:"limit,omitempty"`
	// CaseLimit: the step is bound by the case's main limit plus extensions
	// (捆绑时限, §5.4), i.e. the category's 处置时限 or a service's promised limit.
	CaseLimit bool `json:"case_limit,omitempty"`
}

// Action is one edge (or a self-loop when To is empty) of a flow.
type Action struct {
	Name     string      `json:"name"`
	Label    string      `json:"label"`
	From     []string    `json:"from"`
	To       string      `json:"to,omitempty"` // empty: stay in the current state
	Roles    []Role      `json:"roles"`
	Requires []Input     `json:"requires,omitempty"`
	Clock    ClockEffect `json:"clock,omitempty"`
	// Counting and side-effect flags (reference §4.2, §5.5).
	Rework      bool `json:"rework,omitempty"`       // 返工: same department again
	Void        bool `json:"void,omitempty"`         // 作废 / 不予受理 / 不予立案 by stage
	Extension   bool `json:"extension,omitempty"`    // 延期: adds the input extension to the deadline
	Suspend     bool `json:"suspend,omitempty"`      // 挂账: clock stops, out of dispose counts
	Unsuspend   bool `json:"unsuspend,omitempty"`    // 解挂
	Register    bool `json:"register,omitempty"`     // 立案: sets category and main limit
	Dispatch    bool `json:"dispatch,omitempty"`     // 派遣: sets the department
	Disposal    bool `json:"disposal,omitempty"`     // 处置完成 (反馈): records on-time disposal
	Check       bool `json:"check,omitempty"`        // 核查 done
	Verify      bool `json:"verify,omitempty"`       // 核实 done
	Close       bool `json:"close,omitempty"`        // 结案
	SelfHandled bool `json:"self_handled,omitempty"` // 自处理
	Notice      bool `json:"notice,omitempty"`       // 催办 / 督办: recorded only
	// Reopen lets the action leave a closed (never a void) state: a resident
	// who answers the 回访 with 不满意 sends the case back into the loop.
	Reopen bool `json:"reopen,omitempty"`
	// Closure fixes the archive type of a closing action (e.g. 特殊结案);
	// empty: normal or overdue by the clock, unless the request says error/special.
	Closure Closure `json:"closure,omitempty"`
	// WhileSuspended: the action is allowed on a suspended case.
	WhileSuspended bool `json:"while_suspended,omitempty"`
}

// Flow is one kind of work order's process, versioned so that open cases keep
// the version they started with while an administrator edits the next one.
type Flow struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Version   int      `json:"version"`
	Effective string   `json:"effective"` // YYYY-MM-DD
	Label     string   `json:"label"`
	Initial   string   `json:"initial"`
	Openers   []Role   `json:"openers"` // roles that may open a case of this kind
	States    []State  `json:"states"`
	Actions   []Action `json:"actions"`
	Source    string   `json:"source,omitempty"` // where the rules come from

	stateIx  map[string]int
	actionIx map[string]int
}

// ParseFlow decodes and validates a flow from JSON (outside input: fuzzed).
func ParseFlow(data []byte) (*Flow, error) {
	var f Flow
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, errf(ErrFlowInvalid.Code, "json: %v", err)
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// State returns the named state.
func (f *Flow) State(name string) (*State, bool) {
	f.index()
	i, ok := f.stateIx[name]
	if !ok {
		return nil, false
	}
	return &f.States[i], true
}

// Action returns the named action.
func (f *Flow) Action(name string) (*Action, bool) {
	f.index()
	i, ok := f.actionIx[name]
	if !ok {
		return nil, false
	}
	return &f.Actions[i], true
}

// Available lists the actions a holder of roles may take from state.
func (f *Flow) Available(state string, roles []Role) []string {
	var out []string
	for _, a := range f.Actions {
		if slices.Contains(a.From, state) && a.allows(roles) {
			out = append(out, a.Name)
		}
	}
	return out
}

func (a *Action) allows(roles []Role) bool {
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

// index builds the lookup maps once; Validate calls it, so a validated flow is
// safe for concurrent readers.
func (f *Flow) index() {
	if f.stateIx != nil && len(f.stateIx) == len(f.States) && len(f.actionIx) == len(f.Actions) {
		return
	}
	f.stateIx = make(map[string]int, len(f.States))
	for i, s := range f.States {
		if _, dup := f.stateIx[s.Name]; !dup {
			f.stateIx[s.Name] = i
		}
	}
	f.actionIx = make(map[string]int, len(f.Actions))
	for i, a := range f.Actions {
		if _, dup := f.actionIx[a.Name]; !dup {
			f.actionIx[a.Name] = i
		}
	}
}
