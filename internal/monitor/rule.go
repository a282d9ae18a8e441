package monitor

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Severity is ThingsBoard's severity ladder.
type Severity string

// Severities, most severe first.
var Severities = []Severity{"CRITICAL", "MAJOR", "MINOR", "WARNING", "INDETERMINATE"}

// Device kinds a rule can target.
var DeviceKinds = []string{"air_station", "noise_station", "water_section", "soil", "smoke", "camera"}

// Condition is one alarm (or clear) condition on a key, ThingsBoard-style:
// simple (this reading), duration (held continuously for Seconds, measured
// on the readings' timestamps) or repeating (Count readings in a row).
type Condition struct {
	Op    string  `json:"op"` // gt ge lt le eq ne
	Value float64 `json:"value"`
	// Attribute names a per-device attribute that overrides Value (a dynamic
	// threshold); Value stays the fallback when the device lacks it.
	Attribute string `json:"attribute,omitempty"`
	Type      string `json:"type,omitempty"` // simple (default) | duration | repeating
	Seconds   int64  `json:"seconds,omitempty"`
	Count     int64  `json:"count,omitempty"`
}

// Schedule limits when a rule is evaluated: weekdays 1 (Mon) … 7 (Sun) and a
// minute range [From, To) of local time; To < From spans midnight.
type Schedule struct {
	Weekdays []int `json:"weekdays,omitempty"`
	From     int   `json:"from_min"`
	To       int   `json:"to_min"`
}

// RuleBody is the JSON a rule keeps besides its indexed columns.
type RuleBody struct {
	Condition Condition  `json:"condition"`
	Clear     *Condition `json:"clear,omitempty"`
	Schedule  *Schedule  `json:"schedule,omitempty"`
}

// Rule is one alarm rule. DeviceID 0 means every device of DeviceKind.
type Rule struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	DeviceKind string   `json:"device_kind,omitempty"`
	DeviceID   int64    `json:"device_id,omitempty"`
	Key        string   `json:"key"`
	Severity   Severity `json:"severity"`
	RuleBody
	Category  string `json:"category,omitempty"` // 事件小类 of the work order an alarm opens
	Public    bool   `json:"public"`             // exported as CAP
	Enabled   bool   `json:"enabled"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

// FieldError is a validation failure of one field.
type FieldError struct {
	Field, Code, Detail string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Detail }

// Validate checks a rule as an administrator wrote it.
func (r *Rule) Validate() *FieldError {
	r.Name = strings.TrimSpace(r.Name)
	switch {
	case r.Name == "" || utf8.RuneCountInString(r.Name) > 100:
		return &FieldError{"name", "alarm_rule.name", "1–100 characters"}
	case r.DeviceKind == "" && r.DeviceID == 0:
		return &FieldError{"device_kind", "alarm_rule.target", "name a device kind or a device"}
	case r.DeviceKind != "" && !slices.Contains(DeviceKinds, r.DeviceKind):
		return &FieldError{"device_kind", "alarm_rule.device_kind", "one of " + strings.Join(DeviceKinds, ", ")}
	case r.DeviceID < 0:
		return &FieldError{"device_id", "alarm_rule.device_id", "a device id"}
	case !slices.Contains(Severities, r.Severity):
		return &FieldError{"severity", "alarm_rule.severity", "CRITICAL, MAJOR, MINOR, WARNING or INDETERMINATE"}
	case len(r.Category) > 16:
		return &FieldError{"category", "alarm_rule.category", "a category code such as E0601"}
	}
	if err := CheckKey(r.Key); err != nil {
		return &FieldError{"key", "alarm_rule.key", err.(*Error).Detail}
	}
	if fe := r.Condition.validate("condition"); fe != nil {
		return fe
	}
	if r.Clear != nil {
		if fe := r.Clear.validate("clear"); fe != nil {
			return fe
		}
	}
	if s := r.Schedule; s != nil {
		if s.From < 0 || s.From > 1440 || s.To < 0 || s.To > 1440 || s.From == s.To {
			return &FieldError{"schedule", "alarm_rule.schedule", "from_min and to_min are 0–1440 minutes and differ"}
		}
		for _, d := range s.Weekdays {
			if d < 1 || d > 7 {
				return &FieldError{"schedule", "alarm_rule.weekday", "weekdays are 1 (Monday) to 7 (Sunday)"}
			}
		}
	}
	return nil
}

func (c *Condition) validate(field string) *FieldError {
	switch c.Op {
	case "gt", "ge", "lt", "le", "eq", "ne":
	default:
		return &FieldError{field, "alarm_rule.op", "op is one of gt, ge, lt, le, eq, ne"}
	}
	if math.IsNaN(c.Value) || math.IsInf(c.Value, 0) {
		return &FieldError{field, "alarm_rule.value", "a finite number"}
	}
	if c.Attribute != "" && CheckKey(c.Attribute) != nil {
		return &FieldError{field, "alarm_rule.attribute", "an attribute name"}
	}
	switch c.Type {
	case "", "simple":
	case "duration":
		if c.Seconds < 1 || c.Seconds > 30*86400 {
			return &FieldError{field, "alarm_rule.seconds", "a duration rule holds for 1 s to 30 days"}
		}
	case "repeating":
		if c.Count < 1 || c.Count > 10000 {
			return &FieldError{field, "alarm_rule.count", "a repeating rule counts 1 to 10000 readings"}
		}
	default:
		return &FieldError{field, "alarm_rule.type", "simple, duration or repeating"}
	}
	return nil
}

// Met reports whether v satisfies the condition against the threshold.
func (c *Condition) Met(v float64, attrs map[string]float64) bool {
	t := c.Value
	if c.Attribute != "" {
		if a, ok := attrs[c.Attribute]; ok {
			t = a
		}
	}
	switch c.Op {
	case "gt":
		return v > t
	case "ge":
		return v >= t
	case "lt":
		return v < t
	case "le":
		return v <= t
	case "eq":
		return v == t
	case "ne":
		return v != t
	}
	return false
}

// In reports whether local time t lies in the schedule (nil: always).
func (s *Schedule) In(t time.Time) bool {
	if s == nil {
		return true
	}
	if len(s.Weekdays) > 0 {
		wd := int(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		if !slices.Contains(s.Weekdays, wd) {
			return false
		}
	}
	m := t.Hour()*60 + t.Minute()
	if s.From < s.To {
		return m >= s.From && m < s.To
	}
	return m >= s.From || m < s.To
}

// State is a rule's evaluation state for one device; the storage layer
// persists it so that a duration or a repeat count survives a restart.
type State struct {
	Since      int64 `json:"since"`
	Count      int64 `json:"count"`
	ClearSince int64 `json:"clear_since"`
	ClearCount int64 `json:"clear_count"`
	Active     bool  `json:"active"`
}

// Outcome is what one reading does to an alarm.
type Outcome int

const (
	Nothing Outcome = iota
	Raise           // open an alarm
	Extend          // the active alarm's condition holds again: extend its end time
	Clear           // the clear condition is met: clear the active alarm
)

// Step evaluates one reading (ts unix ms, local time lt) and updates st. It
// reports the outcome and whether st changed (so it needs persisting).
func (r *Rule) Step(st *State, ts int64, lt time.Time, v float64, attrs map[string]float64) (Outcome, bool) {
	if !r.Schedule.In(lt) {
		return Nothing, false
	}
	before := *st
	out := Nothing
	if !st.Active {
		if step(&r.Condition, &st.Since, &st.Count, ts, v, attrs) {
			*st = State{Active: true}
			out = Raise
		}
	} else {
		if r.Condition.Met(v, attrs) {
			out = Extend
		}
		if r.Clear != nil && step(r.Clear, &st.ClearSince, &st.ClearCount, ts, v, attrs) {
			*st = State{}
			out = Clear
		}
	}
	return out, *st != before
}

// step advances one condition's counters and reports whether it fires.
func step(c *Condition, since, count *int64, ts int64, v float64, attrs map[string]float64) bool {
	if !c.Met(v, attrs) {
		*since, *count = 0, 0
		return false
	}
	switch c.Type {
	case "duration":
		if *since == 0 || ts < *since {
			*since = ts
		}
		return ts-*since >= c.Seconds*1000
	case "repeating":
		*count++
		return *count >= c.Count
	}
	return true
}

// ParseRuleBody decodes the JSON kept in storage.
func ParseRuleBody(b []byte) (RuleBody, error) {
	var rb RuleBody
	err := json.Unmarshal(b, &rb)
	return rb, err
}
