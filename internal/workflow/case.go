package workflow

import (
	"time"

	"towngrid/internal/calendar"
	"towngrid/internal/workflow/indicators"
)

// Extension is one approved 延期.
type Extension struct {
	Limit  calendar.Limit `json:"limit"`
	At     time.Time      `json:"at"`
	Reason string         `json:"reason"`
}

// Closure is the archive type (结案类型, §5.5).
type Closure string

const (
	ClosureNormal  Closure = "normal"  // 正常结案
	ClosureOverdue Closure = "overdue" // 超时结案
	ClosureError   Closure = "error"   // 差错结案
	ClosureSpecial Closure = "special" // 特殊结案
)

// Case is the mutable state of one work order. It is a value: Apply returns a
// new Case and never changes the one passed in.
type Case struct {
	ID          string           `json:"id"`
	Number      string           `json:"number,omitempty"` // 案卷号, see CaseNumber
	Flow        string           `json:"flow"`
	FlowVersion int              `json:"flow_version"`
	State       string           `json:"state"`
	Source      string           `json:"source"` // see Source* constants
	Area        string           `json:"area"`   // unit grid code
	Category    string           `json:"category,omitempty"`
	Urgency     string           `json:"urgency,omitempty"`
	Limit       *calendar.Limit  `json:"limit,omitempty"` // main limit (处置时限 / promised limit)
	Department  string           `json:"department,omitempty"`
	Clock       Timer            `json:"clock"` // main clock: runs in clock states
	Step        Timer            `json:"step"`  // time in the current state
	Extensions  []Extension      `json:"extensions,omitempty"`
	Suspended   bool             `json:"suspended"`
	Reworks     int              `json:"reworks"`
	Facts       indicators.Facts `json:"facts"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
	Seq         int              `json:"seq"` // events applied; use for optimistic locking
}

// Sources of a report (信息收集 channels).
const (
	SourceGridWorker = "grid_worker" // 监督员上报
	SourceResident   = "resident"    // 公众举报 (web, app, WeChat)
	SourceOpen311    = "open311"
	SourceHotline    = "hotline" // 12345 / 12319 staff
	SourceAlarm      = "alarm"   // sensor alarm rule
	SourceVideo      = "video"
	SourceSuperior   = "superior" // 上级交办
	SourceEnterprise = "enterprise"
	SourceMeeting    = "meeting"
)

// PublicSource reports whether a source is a public report needing 核实 (§4.2).
func PublicSource(s string) bool {
	return s == SourceResident || s == SourceOpen311 || s == SourceHotline
}

// Inputs are the values an action request carries.
type Inputs struct {
	Reason     string          `json:"reason,omitempty"`
	Photos     []string        `json:"photos,omitempty"`
	Department string          `json:"department,omitempty"`
	Extension  *calendar.Limit `json:"extension,omitempty"`
	Category   string          `json:"category,omitempty"`
	Urgency    string          `json:"urgency,omitempty"`
	Limit      *calendar.Limit `json:"limit,omitempty"`
	Closure    Closure         `json:"closure,omitempty"` // error/special override at 结案
	Note       string          `json:"note,omitempty"`
}

// Request asks the machine to take an action on a case.
type Request struct {
	Action string    `json:"action"`
	Actor  string    `json:"actor"` // person id, for the audit
	Roles  []Role    `json:"roles"`
	At     time.Time `json:"at"`
	Inputs Inputs    `json:"inputs"`
}

// StepResult describes a step (time in one state) that has just ended.
type StepResult struct {
	State   string        `json:"state"`
	Stage   Stage         `json:"stage"`
	Start   time.Time     `json:"start"`
	End     time.Time     `json:"end"`
	Elapsed time.Duration `json:"elapsed"` // in the limit's measure, suspension excluded
	Limit   time.Duration `json:"limit,omitempty"`
	OnTime  bool          `json:"on_time"`
}

// Event is what the caller records (and audits) for one applied action.
type Event struct {
	Case    string              `json:"case"`
	Seq     int                 `json:"seq"`
	Action  string              `json:"action"`
	From    string              `json:"from"`
	To      string              `json:"to"`
	Actor   string              `json:"actor"`
	Roles   []Role              `json:"roles"`
	At      time.Time           `json:"at"`
	Inputs  Inputs              `json:"inputs"`
	Clock   ClockEffect         `json:"clock"`
	Elapsed time.Duration       `json:"elapsed"` // main clock after the action
	Step    *StepResult         `json:"step,omitempty"`
	OnTime  *bool               `json:"on_time,omitempty"` // for disposal and closure
	Rework  bool                `json:"rework,omitempty"`
	Void    indicators.VoidKind `json:"void,omitempty"`
	Closure Closure             `json:"closure,omitempty"`
	Notice  bool                `json:"notice,omitempty"`
}
