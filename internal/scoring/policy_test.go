package scoring

import (
	"errors"
	"testing"
)

// Escalation by consecutive years in D (standards.md §1.5: Qingdao gas +1 元/m³ in the
// first D year, higher in the 2nd and ≥ 3rd; the later amounts are truncated in the
// source, so 2 and 3 here are test data) and the exit mechanism of seed 003.
func TestPolicyEscalation(t *testing.T) {
	s := &Scheme{Classes: []Class{{Code: "A"}, {Code: "D"}},
		Policies: []Policy{
			{Class: "A", Measure: "land_priority"},
			{Class: "D", Measure: "gas_surcharge", FromYear: 1, Amount: 1},
			{Class: "D", Measure: "gas_surcharge", FromYear: 2, Amount: 2},
			{Class: "D", Measure: "gas_surcharge", FromYear: 3, Amount: 3},
			{Class: "D", Measure: "credit_restriction", FromYear: 2},
		},
		Exit: &ExitRule{Class: "D", ConsecutiveYears: 3}}
	cases := []struct {
		name    string
		h       []YearClass
		streak  int
		gas     float64 // 0 = no gas measure
		credit  bool
		exit    bool
		measure int
	}{
		{"first D year", []YearClass{{2022, "A"}, {2023, "D"}}, 1, 1, false, false, 1},
		{"second D year, unsorted", []YearClass{{2023, "D"}, {2022, "D"}}, 2, 2, true, false, 2},
		{"third D year: exit", []YearClass{{2021, "D"}, {2022, "D"}, {2023, "D"}}, 3, 3, true, true, 2},
		{"fifth D year stays at step 3", []YearClass{{2019, "D"}, {2020, "D"}, {2021, "D"}, {2022, "D"}, {2023, "D"}}, 5, 3, true, true, 2},
		{"gap breaks the streak", []YearClass{{2020, "D"}, {2021, "D"}, {2023, "D"}}, 1, 1, false, false, 1},
		{"class A", []YearClass{{2023, "A"}}, 1, 0, false, false, 1},
	}
	for _, c := range cases {
		d, err := PoliciesInForce(s, c.h)
		if err != nil {
			t.Fatal(c.name, err)
		}
		gas, credit := 0.0, false
		for _, m := range d.Measures {
			switch m.Measure {
			case "gas_surcharge":
				gas = m.Amount
			case "credit_restriction":
				credit = true
			}
		}
		if d.Consecutive != c.streak || gas != c.gas || credit != c.credit || d.ExitCandidate != c.exit || len(d.Measures) != c.measure {
			t.Errorf("%s: got %+v", c.name, d)
		}
	}
	_, err := PoliciesInForce(s, []YearClass{{2023, "D"}, {2023, "C"}})
	var e *Error
	if !errors.As(err, &e) || e.Code != "policy.history_duplicate" {
		t.Errorf("duplicate year: %v", err)
	}
}

// The seeded Zhejiang schemes carry the exit rule and A/D measures.
func TestSeededPolicies(t *testing.T) {
	s, err := Seed("huangyan-2022")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := PoliciesInForce(s, []YearClass{{2021, "D"}, {2022, "D"}, {2023, "D"}})
	if !d.ExitCandidate || len(d.Measures) < 4 {
		t.Errorf("3 years D: %+v", d)
	}
	d, _ = PoliciesInForce(s, []YearClass{{2023, "A"}})
	if d.ExitCandidate || len(d.Measures) != 2 {
		t.Errorf("A: %+v", d)
	}
}
