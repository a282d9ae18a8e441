package workflow

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func FuzzParseFlow(f *testing.F) {
	for _, id := range SeedFlowIDs() {
		b, _ := flowFS.ReadFile("flows/" + id + ".json")
		f.Add(b)
	}
	f.Add([]byte(tinyFlow))
	f.Add([]byte(`{"id":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, err := ParseFlow(data)
		if err != nil {
			if !errors.Is(err, ErrFlowInvalid) {
				t.Fatalf("error without the flow code: %v", err)
			}
			return
		}
		// Invariants of a valid flow: it round-trips, and every non-final
		// state has an action that some role can take to leave it.
		b, err := json.Marshal(fl)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseFlow(b); err != nil {
			t.Fatalf("valid flow does not round-trip: %v", err)
		}
		for _, s := range fl.States {
			if !s.Final && len(fl.Available(s.Name, Roles)) == 0 {
				t.Fatalf("state %s has no action", s.Name)
			}
		}
	})
}

func FuzzParseCaseNumber(f *testing.F) {
	f.Add("C01012019041101")
	f.Add("E050320260302123")
	f.Add("C0101201902300")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseCaseNumber(s)
		if err != nil {
			return
		}
		d, _ := time.Parse("2006-01-02", p.Date)
		d = time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, shanghaiLoc())
		n, err := CaseNumber(p.Category, d, p.Serial, len(s)-13)
		if err != nil || n != s {
			// leading zeros beyond the width are the only allowed difference
			if q, err2 := ParseCaseNumber(n); err2 != nil || q != p {
				t.Fatalf("%q parsed to %+v, formatted back %q (%v)", s, p, n, err)
			}
		}
	})
}

func FuzzParseCategories(f *testing.F) {
	f.Add(categoriesJSON)
	f.Add([]byte(`{"majors":[],"categories":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCategories(data)
		if err != nil {
			return
		}
		for _, cat := range c.Categories {
			if l, ok := c.Limit(cat.Code, ""); !ok || l.Value <= 0 {
				t.Fatalf("valid table gives no default limit for %s", cat.Code)
			}
		}
	})
}
