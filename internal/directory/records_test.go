package directory

import (
	"math"
	"testing"

	"towngrid/internal/codes"
)

func TestPickOwner(t *testing.T) {
	// Path /1/5/23/: town 1, community 5, grid 23.
	rules := []OwnershipRule{
		{AreaID: 1, Category: "*", DepartmentID: 100},
		{AreaID: 1, Category: "C0101", DepartmentID: 101},
		{AreaID: 5, Category: "C01", DepartmentID: 102},
		{AreaID: 9, Category: "C0101", DepartmentID: 103}, // another community
	}
	for _, c := range []struct {
		path, code string
		want       int64
	}{
		{"/1/5/23/", "C0101", 102}, // deeper area wins over a more specific category
		{"/1/5/23/", "C0201", 100},
		{"/1/6/30/", "C0101", 101}, // 小类 before *
		{"/1/9/", "C0101", 103},
		{"/2/", "C0101", -1},
	} {
		i := PickOwner(c.path, c.code, rules)
		got := int64(-1)
		if i >= 0 {
			got = rules[i].DepartmentID
		}
		if got != c.want {
			t.Errorf("PickOwner(%s, %s) = %d, want %d", c.path, c.code, got, c.want)
		}
	}
}

// GB/T 4754-2017: sections A–T, then 2-digit divisions, 3-digit groups, 4-digit classes.
func TestValidIndustry(t *testing.T) {
	for s, want := range map[string]bool{"C": true, "C33": true, "C3311": true, "I6510": true, "T9700": true, "U": false, "C33111": false, "c33": false, "33": false, "": false} {
		if ValidIndustry(s) != want {
			t.Errorf("ValidIndustry(%q) = %v", s, !want)
		}
	}
}

func FuzzValidateEnterprise(f *testing.F) {
	rules := codes.DefaultRules()
	f.Add("91440300708461136T", "腾讯", "I6510", 12.5, "园区")
	f.Add("x", "", "Z", -1.0, "")
	f.Fuzz(func(t *testing.T, uscc, name, industry string, mu float64, park string) {
		e := &Enterprise{USCC: uscc, Name: name, Industry: industry, LandMu: mu, Park: park, AreaID: 1}
		if err := ValidateEnterprise(e, rules); err == nil {
			if _, err := rules.ParseUSCC(e.USCC); err != nil || e.LandMu < 0 || math.IsNaN(e.LandMu) || (e.Industry != "" && !ValidIndustry(e.Industry)) {
				t.Fatalf("accepted an invalid enterprise %+v", e)
			}
		}
	})
}

func FuzzValidateResident(f *testing.F) {
	rules := codes.DefaultRules()
	f.Add("李四", "11010519491231002X", int64(1))
	f.Add("", "110105491231002", int64(0))
	f.Fuzz(func(t *testing.T, name, id string, consent int64) {
		r := &Resident{Name: name, IDNumber: id, AreaID: 1, ConsentAt: consent}
		if err := ValidateResident(r, rules, 1<<40); err == nil {
			if len(r.IDNumber) != 18 || r.ConsentAt <= 0 {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}
