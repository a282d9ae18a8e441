// Package indicators computes the 数字城管 indicators from per-case facts: counts
// per (area, category, source, period), rates with the reference formulas
// (case-management.md §5.5, §5.6), 同比/环比 and post evaluations with A–E grades.
// It is pure: the storage layer keeps one Facts per case and feeds them here.
package indicators

import "time"

// VoidKind says how a void case is counted, by the stage it was voided at (§5.5).
type VoidKind string

const (
	VoidNotAccepted   VoidKind = "not_accepted"   // 不予受理 (受理/核实 stage)
	VoidNotRegistered VoidKind = "not_registered" // 不予立案 (立案 stage)
	VoidVoided        VoidKind = "voided"         // 作废 (later stages)
)

// Facts are one case's countable facts; the workflow machine keeps them up to
// date and fills the snapshot fields for a given instant.
type Facts struct {
	Public           bool          `json:"public,omitempty"`         // 公众举报 (needs 核实)
	IntakeDone       bool          `json:"intake_done,omitempty"`    // left the 受理 step
	IntakeOnTime     bool          `json:"intake_on_time,omitempty"` // …within its limit (按时派发核实)
	Verified         bool          `json:"verified,omitempty"`
	VerifiedOnTime   bool          `json:"verified_on_time,omitempty"`
	Registered       bool          `json:"registered,omitempty"`
	RegisteredOnTime bool          `json:"registered_on_time,omitempty"`
	Dispatched       bool          `json:"dispatched,omitempty"`
	DispatchedOnTime bool          `json:"dispatched_on_time,omitempty"` // first dispatch
	Dispatches       int           `json:"dispatches,omitempty"`         // incl. re-dispatch and rework
	Reworks          int           `json:"reworks,omitempty"`            // loops (multi_rework_num)
	Disposed         bool          `json:"disposed,omitempty"`
	DisposedOnTime   bool          `json:"disposed_on_time,omitempty"`
	DisposeTime      time.Duration `json:"dispose_time,omitempty"` // main clock at disposal
	Checks           int           `json:"checks,omitempty"`       // 核查 tasks done
	ChecksOnTime     int           `json:"checks_on_time,omitempty"`
	Closed           bool          `json:"closed,omitempty"`
	ClosedOnTime     bool          `json:"closed_on_time,omitempty"`
	Closure          string        `json:"closure,omitempty"`
	Void             VoidKind      `json:"void,omitempty"`
	SelfHandled      bool          `json:"self_handled,omitempty"` // 自处理
	Extensions       int           `json:"extensions,omitempty"`
	Suspensions      int           `json:"suspensions,omitempty"`
	Notices          int           `json:"notices,omitempty"` // 催办 / 督办

	// Snapshot fields, true at the instant the facts were taken.
	Suspended         bool `json:"suspended,omitempty"`          // 挂账 now
	OverdueUndisposed bool `json:"overdue_undisposed,omitempty"` // 超期未处置 now
}

// Key is one cell of the indicator cube. Period is "2016", "2016-Q4",
// "2016-12" or "2016-12-31"; any field may be "" for "all".
type Key struct {
	Area     string `json:"area"`
	Category string `json:"category"`
	Source   string `json:"source"`
	Period   string `json:"period"`
}

// Counters are additive counts for one cell.
type Counters struct {
	Reported          int            `json:"reported"`        // 上报数
	PublicReported    int            `json:"public_reported"` // 公众举报数 = 应核实数
	Valid             int            `json:"valid"`           // 有效上报数
	VerifiedOnTime    int            `json:"verified_on_time"`
	IntakeDone        int            `json:"intake_done"`
	IntakeOnTime      int            `json:"intake_on_time"`
	Registered        int            `json:"registered"`        // 立案数 = 应派遣数
	PublicRegistered  int            `json:"public_registered"` // 公众举报 registered (漏报)
	RegisteredOnTime  int            `json:"registered_on_time"`
	NotAccepted       int            `json:"not_accepted"`   // 不予受理数
	NotRegistered     int            `json:"not_registered"` // 不予立案数
	Voided            int            `json:"voided"`         // 作废数
	Dispatched        int            `json:"dispatched"`     // 派遣数 (cases)
	DispatchedOnTime  int            `json:"dispatched_on_time"`
	Reworked          int            `json:"reworked"`     // 返工数 (cases with ≥ 1 rework)
	ReworkLoops       int            `json:"rework_loops"` // multi_rework_num
	Suspended         int            `json:"suspended"`    // 挂账, undisposed, at the snapshot
	Disposed          int            `json:"disposed"`     // 处置数
	DisposedOnTime    int            `json:"disposed_on_time"`
	OverdueUndisposed int            `json:"overdue_undisposed"`
	Checks            int            `json:"checks"` // 应核查数
	ChecksOnTime      int            `json:"checks_on_time"`
	Closed            int            `json:"closed"` // 结案数
	ClosedOnTime      int            `json:"closed_on_time"`
	ClosedByType      map[string]int `json:"closed_by_type,omitempty"`
	SelfHandled       int            `json:"self_handled"`
	DisposeTime       time.Duration  `json:"dispose_time"` // sum over disposed cases
}

// Add counts one case.
func (c *Counters) Add(f Facts) {
	c.Reported++
	if f.Public {
		c.PublicReported++
	}
	if f.VerifiedOnTime {
		c.VerifiedOnTime++
	}
	if f.IntakeDone {
		c.IntakeDone++
		if f.IntakeOnTime {
			c.IntakeOnTime++
		}
	}
	switch f.Void {
	case VoidNotAccepted:
		c.NotAccepted++
	case VoidNotRegistered:
		c.NotRegistered++
	case VoidVoided:
		c.Voided++
	}
	// §5.5: 有效上报 = reached 立案 or beyond and was not voided.
	if f.Registered && f.Void == "" {
		c.Valid++
	}
	if f.Registered {
		c.Registered++
		if f.Public {
			c.PublicRegistered++
		}
		if f.RegisteredOnTime {
			c.RegisteredOnTime++
		}
	}
	if f.Dispatched {
		c.Dispatched++
		if f.DispatchedOnTime {
			c.DispatchedOnTime++
		}
	}
	if f.Reworks > 0 {
		c.Reworked++
		c.ReworkLoops += f.Reworks
	}
	if f.Disposed {
		c.Disposed++
		c.DisposeTime += f.DisposeTime
		if f.DisposedOnTime {
			c.DisposedOnTime++
		}
	} else if f.Suspended {
		c.Suspended++ // 挂账 cases leave the dispose counts (§5.4)
	} else if f.OverdueUndisposed {
		c.OverdueUndisposed++
	}
	c.Checks += f.Checks
	c.ChecksOnTime += f.ChecksOnTime
	if f.Closed {
		c.Closed++
		if f.ClosedOnTime {
			c.ClosedOnTime++
		}
		if f.Closure != "" {
			if c.ClosedByType == nil {
				c.ClosedByType = map[string]int{}
			}
			c.ClosedByType[f.Closure]++
		}
	}
	if f.SelfHandled {
		c.SelfHandled++
	}
}

// Merge adds another cell's counts.
func (c *Counters) Merge(o Counters) {
	c.Reported += o.Reported
	c.PublicReported += o.PublicReported
	c.Valid += o.Valid
	c.VerifiedOnTime += o.VerifiedOnTime
	c.IntakeDone += o.IntakeDone
	c.IntakeOnTime += o.IntakeOnTime
	c.Registered += o.Registered
	c.PublicRegistered += o.PublicRegistered
	c.RegisteredOnTime += o.RegisteredOnTime
	c.NotAccepted += o.NotAccepted
	c.NotRegistered += o.NotRegistered
	c.Voided += o.Voided
	c.Dispatched += o.Dispatched
	c.DispatchedOnTime += o.DispatchedOnTime
	c.Reworked += o.Reworked
	c.ReworkLoops += o.ReworkLoops
	c.Suspended += o.Suspended
	c.Disposed += o.Disposed
	c.DisposedOnTime += o.DisposedOnTime
	c.OverdueUndisposed += o.OverdueUndisposed
	c.Checks += o.Checks
	c.ChecksOnTime += o.ChecksOnTime
	c.Closed += o.Closed
	c.ClosedOnTime += o.ClosedOnTime
	for k, v := range o.ClosedByType {
		if c.ClosedByType == nil {
			c.ClosedByType = map[string]int{}
		}
		c.ClosedByType[k] += v
	}
	c.SelfHandled += o.SelfHandled
	c.DisposeTime += o.DisposeTime
}

// Cube holds counters per key.
type Cube map[Key]*Counters

// Add counts a case in cell k.
func (cb Cube) Add(k Key, f Facts) {
	c := cb[k]
	if c == nil {
		c = &Counters{}
		cb[k] = c
	}
	c.Add(f)
}

// Rollup merges cells under a coarser key, e.g. dropping the category:
// cube.Rollup(func(k Key) Key { k.Category = ""; return k }).
func (cb Cube) Rollup(project func(Key) Key) Cube {
	out := Cube{}
	for k, c := range cb {
		nk := project(k)
		d := out[nk]
		if d == nil {
			d = &Counters{}
			out[nk] = d
		}
		d.Merge(*c)
	}
	return out
}
