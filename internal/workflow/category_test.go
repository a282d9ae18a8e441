package workflow

import (
	"errors"
	"testing"
	"time"

	"towngrid/internal/calendar"
)

// §5.3 立结案标准(事件类): the values the seed must carry.
func TestSeedCategoryLimits(t *testing.T) {
	cats, err := SeedCategories()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cats.Categories); n < 40 {
		t.Errorf("only %d 小类 seeded", n)
	}
	cases := []struct {
		name, urgency string
		value         int
		unit          calendar.Unit
	}{
		{"暴露垃圾", "", 4, calendar.WorkHours},
		{"私搭乱建", "stop_work", 4, calendar.WorkHours},
		{"私搭乱建", "penalty", 7, calendar.WorkDays},
		{"私搭乱建", "demolish", 20, calendar.WorkDays},
		{"道路保洁", "", 2, calendar.WorkHours},
		{"路面积水", "", 4, calendar.WorkHours},
		{"建筑垃圾", "", 4, calendar.WorkHours},
		{"渣土堆", "", 2, calendar.WorkDays},
		{"绿地保洁", "", 4, calendar.WorkHours},
		{"绿地", "", 5, calendar.WorkDays}, // 绿地养护
	}
	byName := map[string]string{}
	for _, c := range cats.Categories {
		byName[c.Name] = c.Code
	}
	for _, tc := range cases {
		code, ok := byName[tc.name]
		if !ok {
			t.Errorf("%s missing", tc.name)
			continue
		}
		l, ok := cats.Limit(code, tc.urgency)
		if !ok || l.Value != tc.value || l.Unit != tc.unit {
			t.Errorf("%s/%s: %+v, want %d %s", tc.name, tc.urgency, l, tc.value, tc.unit)
		}
	}
	if c, _ := cats.Get("C0101"); c == nil || c.Name != "上水井盖" {
		t.Errorf("C0101 should be 上水井盖 (§5.1 example 3205080101000001): %+v", c)
	}
	if _, ok := cats.Limit("E0101", "nonsense"); ok {
		t.Error("unknown urgency must not resolve")
	}
}

// §5.1: C(部件)/E(事件) + 大类(2) + 小类(2) + YYYYMMDD + 2-digit serial, e.g. C01012019041101.
func TestCaseNumber(t *testing.T) {
	n, err := CaseNumber("C0101", at("2019-04-11 10:00"), 1, 2)
	if err != nil || n != "C01012019041101" {
		t.Fatalf("got %q %v, want C01012019041101", n, err)
	}
	// Shanghai date: 2019-04-10 17:00 UTC is 04-11 01:00 in Shanghai.
	n, _ = CaseNumber("E0102", at("2019-04-11 01:00").UTC(), 123, 2)
	if n != "E010220190411123" {
		t.Errorf("got %q", n)
	}
	p, err := ParseCaseNumber("C01012019041101")
	if err != nil || p.Class != "component" || p.Major != "01" || p.Minor != "01" || p.Date != "2019-04-11" || p.Serial != 1 {
		t.Errorf("parse: %+v %v", p, err)
	}
	for _, bad := range []string{"X01012019041101", "C0101201904110", "C01012019023101", "C01012019041100", "C0101２019041101"} {
		if _, err := ParseCaseNumber(bad); !errors.Is(err, ErrCaseNumberInvalid) {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := CaseNumber("C101", at("2019-04-11 10:00"), 1, 2); err == nil {
		t.Error("bad category code accepted")
	}
}

func shanghaiLoc() *time.Location { return calendar.Location() }
