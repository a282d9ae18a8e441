package scoring

import (
	"slices"
)

// Policy is one differentiated measure (差别化政策) for a class, in force from the
// FromYear-th consecutive year in that class (0 or 1 = from the first year). Several
// entries with the same Class and Measure escalate: the one with the highest
// FromYear not above the streak applies (Qingdao: gas +1 元/m³ in the first D year,
// more in the 2nd and ≥ 3rd, standards.md §1.5).
type Policy struct {
	Class    string  `json:"class"`
	Measure  string  `json:"measure"` // electricity_surcharge, water_surcharge, gas_surcharge, sewage_surcharge, land_priority, credit_priority, …
	FromYear int     `json:"from_year,omitempty"`
	Amount   float64 `json:"amount,omitempty"`
	Unit     string  `json:"unit,omitempty"`
	Note     string  `json:"note,omitempty"`
}

// ExitRule marks an enterprise as an exit candidate (land exit mechanism, 产业退出机制,
// seed 003) after ConsecutiveYears consecutive years in Class.
type ExitRule struct {
	Class            string `json:"class"`
	ConsecutiveYears int    `json:"consecutive_years"`
}

// YearClass is one year of an enterprise's class history.
type YearClass struct {
	Year  int    `json:"year"`
	Class string `json:"class"`
}

// PolicyDecision is what applies after the latest year of a class history.
type PolicyDecision struct {
	Year          int      `json:"year"`
	Class         string   `json:"class"`
	Consecutive   int      `json:"consecutive"` // years in a row in Class, counting the latest
	Measures      []Policy `json:"measures"`
	ExitCandidate bool     `json:"exit_candidate"`
}

// PoliciesInForce returns the measures in force for an enterprise given its class
// history (any order). A gap in years breaks a streak: an unevaluated year is not a
// year in D.
func PoliciesInForce(s *Scheme, history []YearClass) (PolicyDecision, error) {
	if len(history) == 0 {
		return PolicyDecision{}, errf("policy.history_empty", "no class history")
	}
	h := slices.Clone(history)
	slices.SortFunc(h, func(a, b YearClass) int { return a.Year - b.Year })
	for i := 1; i < len(h); i++ {
		if h[i].Year == h[i-1].Year {
			return PolicyDecision{}, errf("policy.history_duplicate", "year %d appears twice", h[i].Year)
		}
	}
	last := h[len(h)-1]
	n := 1
	for i := len(h) - 2; i >= 0 && h[i].Class == last.Class && h[i].Year == h[i+1].Year-1; i-- {
		n++
	}
	d := PolicyDecision{Year: last.Year, Class: last.Class, Consecutive: n, Measures: []Policy{}}
	// For each measure of the class keep the highest step reached; order as in the scheme.
	for _, p := range s.Policies {
		if p.Class != last.Class || p.FromYear > n {
			continue
		}
		if j := slices.IndexFunc(d.Measures, func(q Policy) bool { return q.Measure == p.Measure }); j >= 0 {
			if p.FromYear >= d.Measures[j].FromYear {
				d.Measures[j] = p
			}
			continue
		}
		d.Measures = append(d.Measures, p)
	}
	if s.Exit != nil && last.Class == s.Exit.Class && n >= s.Exit.ConsecutiveYears {
		d.ExitCandidate = true
	}
	return d, nil
}
