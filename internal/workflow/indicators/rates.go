package indicators

import (
	"encoding/json"
	"math"
	"time"
)

// Pct is a rate kept as numerator and denominator so sums stay exact.
type Pct struct {
	Num int `json:"num"`
	Den int `json:"den"`
}

// Value is the percentage rounded to 2 decimals (how reports print it:
// 911/972 → 93.72); ok is false when the denominator is zero.
func (p Pct) Value() (v float64, ok bool) {
	if p.Den <= 0 {
		return 0, false
	}
	return Round2(float64(p.Num) * 100 / float64(p.Den)), true
}

// MarshalJSON adds the rounded percentage, null when undefined.
func (p Pct) MarshalJSON() ([]byte, error) {
	out := struct {
		Num int      `json:"num"`
		Den int      `json:"den"`
		Pct *float64 `json:"pct"`
	}{Num: p.Num, Den: p.Den}
	if v, ok := p.Value(); ok {
		out.Pct = &v
	}
	return json.Marshal(out)
}

// Round2 rounds half away from zero to 2 decimals.
func Round2(x float64) float64 { return math.Round(x*100) / 100 }

// Rates are the reference indicators of one cell (§5.5, §5.6).
type Rates struct {
	DueDispose       int           `json:"due_dispose"`        // 应处置数 = 派遣数 − 挂账
	DueClose         int           `json:"due_close"`          // 应结案数 = 已处置 + 超期未处置
	CloseRate        Pct           `json:"close_rate"`         // 结案率
	OnTimeCloseRate  Pct           `json:"on_time_close_rate"` // 按期结案率
	DisposeRate      Pct           `json:"dispose_rate"`       // 处置率
	OnTimeDispose    Pct           `json:"on_time_dispose_rate"`
	ReworkRate       Pct           `json:"rework_rate"` // 返工率
	AccurateDispatch Pct           `json:"accurate_dispatch_rate"`
	OnTimeDispatch   Pct           `json:"on_time_dispatch_rate"`
	OnTimeVerify     Pct           `json:"on_time_verify_rate"`
	OnTimeCheck      Pct           `json:"on_time_check_rate"`
	OnTimeIntake     Pct           `json:"on_time_intake_rate"` // 受理 step in time (受理员)
	OnTimeRegister   Pct           `json:"on_time_register_rate"`
	AccurateRegister Pct           `json:"accurate_register_rate"`
	ValidReportRate  Pct           `json:"valid_report_rate"`        // 有效上报率
	SupervisorReport Pct           `json:"supervisor_report_rate"`   // 监督举报率
	MissedRate       Pct           `json:"missed_rate"`              // 漏报率
	OnTimeCloseShift Pct           `json:"on_time_close_shift_rate"` // 按时结案率 (值班长)
	AvgDisposeTime   time.Duration `json:"avg_dispose_time"`
}

// Rates applies the formulas of §5.5/§5.6.
func (c Counters) Rates() Rates {
	dueDispose := c.Dispatched - c.Suspended
	dueClose := c.Disposed + c.OverdueUndisposed
	r := Rates{
		DueDispose:       dueDispose,
		DueClose:         dueClose,
		CloseRate:        Pct{c.Closed, dueClose},
		OnTimeCloseRate:  Pct{c.ClosedOnTime, dueClose},
		DisposeRate:      Pct{c.Disposed, dueDispose},
		OnTimeDispose:    Pct{c.DisposedOnTime, dueDispose},
		ReworkRate:       Pct{c.Reworked, c.Disposed}, // denominator inferred in the reference
		AccurateDispatch: Pct{c.Dispatched - c.Reworked, c.Registered},
		OnTimeDispatch:   Pct{c.DispatchedOnTime, c.Registered},
		OnTimeVerify:     Pct{c.VerifiedOnTime, c.PublicReported},
		OnTimeCheck:      Pct{c.ChecksOnTime, c.Checks},
		OnTimeIntake:     Pct{c.IntakeOnTime, c.IntakeDone},
		OnTimeRegister:   Pct{c.RegisteredOnTime, c.Registered},
		AccurateRegister: Pct{c.Registered - c.Voided, c.Registered},
		ValidReportRate:  Pct{c.Valid, c.Reported},
		// 监督举报核实数 / 立案数: cases registered from non-public sources.
		SupervisorReport: Pct{c.Registered - c.PublicRegistered, c.Registered},
		// 漏报: public reports that became cases the grid workers had missed.
		MissedRate:       Pct{c.PublicRegistered, c.Registered},
		OnTimeCloseShift: Pct{c.ClosedOnTime, c.Closed},
	}
	if c.Disposed > 0 {
		r.AvgDisposeTime = c.DisposeTime / time.Duration(c.Disposed)
	}
	return r
}

// Values exposes the rates as percentages by indicator name, for schemes.
func (r Rates) Values() map[string]float64 {
	out := map[string]float64{}
	put := func(name string, p Pct) {
		if v, ok := p.Value(); ok {
			out[name] = v
		}
	}
	put("close_rate", r.CloseRate)
	put("on_time_close_rate", r.OnTimeCloseRate)
	put("dispose_rate", r.DisposeRate)
	put("on_time_dispose_rate", r.OnTimeDispose)
	put("rework_rate", r.ReworkRate)
	put("accurate_dispatch_rate", r.AccurateDispatch)
	put("on_time_dispatch_rate", r.OnTimeDispatch)
	put("on_time_verify_rate", r.OnTimeVerify)
	put("on_time_check_rate", r.OnTimeCheck)
	put("on_time_intake_rate", r.OnTimeIntake)
	put("on_time_register_rate", r.OnTimeRegister)
	put("accurate_register_rate", r.AccurateRegister)
	put("valid_report_rate", r.ValidReportRate)
	put("supervisor_report_rate", r.SupervisorReport)
	put("missed_rate", r.MissedRate)
	put("on_time_close_shift_rate", r.OnTimeCloseShift)
	return out
}
