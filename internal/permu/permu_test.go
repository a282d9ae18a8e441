package permu

import (
	"math"
	"strings"
	"testing"

	"towngrid/internal/scoring"
)

func TestParsePeriod(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Period
		ok   bool
	}{
		{"2024-01", Period{2024, 1}, true}, {"2024-12", Period{2024, 12}, true}, {"2024", Period{2024, 0}, true},
		{"2024-13", Period{}, false}, {"2024-00", Period{}, false}, {"2024-1", Period{}, false}, {"24-01", Period{}, false},
		{"1999", Period{}, false}, {"2024/01", Period{}, false}, {"+024", Period{}, false}, {"2024-+1", Period{}, false}, {"", Period{}, false},
	} {
		p, err := ParsePeriod(c.in)
		if (err == nil) != c.ok || (c.ok && p != c.want) {
			t.Errorf("ParsePeriod(%q) = %v, %v", c.in, p, err)
		}
		if c.ok && p.String() != c.in {
			t.Errorf("round trip %q → %q", c.in, p.String())
		}
	}
}

func TestCheckFigures(t *testing.T) {
	if err := CheckFigures(map[string]float64{"tax": -3, "value_added": 10}); err != nil {
		t.Errorf("negative tax is allowed (refunds, standards.md §1.2): %v", err)
	}
	for _, c := range []struct {
		f    map[string]float64
		code string
	}{
		{map[string]float64{"electricity_kwh": -1}, "stats.negative"},
		{map[string]float64{"moonlight": 1}, "stats.figure_unknown"},
		{map[string]float64{"water_t": math.Inf(1)}, "stats.value_range"},
		{map[string]float64{"land_mu": 3}, "stats.figure_unknown"}, // land comes from the register
	} {
		err := CheckFigures(c.f)
		if e, ok := err.(*Error); !ok || e.Code != c.code {
			t.Errorf("%v: %v, want %s", c.f, err, c.code)
		}
	}
}

func TestAnnual(t *testing.T) {
	a := Annual([]map[string]float64{{"tax": 1.5, "employees": 10}, {"tax": 2, "employees": 20}, {"tax": 0.5}})
	if a["tax"] != 4 || a["employees"] != 15 {
		t.Errorf("annual %v: tax is summed (4), employees averaged over reporting months (15)", a)
	}
	if _, ok := a["rd"]; ok {
		t.Error("a figure no month reports must stay missing")
	}
}

func TestParseSheetCells(t *testing.T) {
	known := func(u string) bool { return u == "91330000000000001A" || u == "91330000000000002B" }
	table := [][]string{
		{"统一社会信用代码", "企业名称", "统计期", "税收（万元）", "用电量(kWh)", "Average employees"},
		{"91330000000000001A", "甲", "2024-01", "1,200.5", "30000", "12"},
		{"91330000000000009Z", "乙", "2024-13", "abc", "-5", "-"},
		{"", "", "", "", "", ""}, // blank rows are skipped
		{"91330000000000001A", "甲", "2024-01", "1", "1", "1"},
	}
	rows, errs := ParseSheet(table, known)
	if rows != nil {
		t.Fatalf("rows returned despite errors: %v", rows)
	}
	want := []string{"3 uscc stats.uscc_unknown", "3 period stats.period", "3 tax cell.not_number", "3 electricity_kwh stats.negative", "5 period stats.duplicate"}
	var got []string
	for _, e := range errs {
		got = append(got, strings.Join([]string{itoa(e.Row), e.Field, e.Code}, " "))
	}
	if strings.Join(got, ";") != strings.Join(want, ";") {
		t.Errorf("errors\n got %v\nwant %v", got, want)
	}
	rows, errs = ParseSheet(table[:2], known)
	if len(errs) != 0 || len(rows) != 1 || rows[0].Figures["tax"] != 1200.5 || rows[0].Figures["employees"] != 12 || rows[0].Period != (Period{2024, 1}) {
		t.Errorf("good sheet: %+v %v", rows, errs)
	}
	_, errs = ParseSheet([][]string{{"企业名称", "税收", "税收(万元)", "颜色"}}, known)
	var codes []string
	for _, e := range errs {
		codes = append(codes, e.Code)
	}
	if strings.Join(codes, ",") != "import.column_duplicate,import.column_unknown,import.column_missing,import.column_missing" {
		t.Errorf("header errors %v", codes)
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestBuildInputGroups(t *testing.T) {
	s, err := scoring.Seed("huangyan-2022")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := scoring.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	ms := []Member{
		{ID: "A", AboveScale: true, LandMu: 10, Status: "active", Figures: map[string]float64{"tax": 100}},
		{ID: "B", LandMu: 5, Status: "active", Figures: map[string]float64{"tax": 10}},
		{ID: "C", Status: "active", Figures: map[string]float64{"tax": 1}}, // no land: tenant
		{ID: "D", AboveScale: true, LandMu: 10, Status: "start_up"},
		{ID: "E", LandMu: 3, Status: "utility"},
	}
	res, err := eng.Score(BuildInput(ms))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"above", "below", "tenant", "exempt", "exempt"} {
		if g := res.Card(i).Group; g != want {
			t.Errorf("%s: group %q, want %q", ms[i].ID, g, want)
		}
	}
}

func FuzzParseSheet(f *testing.F) {
	f.Add("统一社会信用代码,统计期,税收\n91330000000000001A,2024-01,12")
	f.Add("uscc,period,water_t\nX,2024,-1\nX,2024,1")
	f.Fuzz(func(t *testing.T, s string) {
		var table [][]string
		for _, l := range strings.Split(s, "\n") {
			table = append(table, strings.Split(l, ","))
		}
		rows, errs := ParseSheet(table, func(string) bool { return true })
		if len(errs) > 0 && rows != nil {
			t.Fatal("rows with errors")
		}
		for _, r := range rows {
			if CheckFigures(r.Figures) != nil || r.USCC == "" || r.Period.Year < 2000 {
				t.Fatalf("row passed unchecked: %+v", r)
			}
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2024", "2024-02", "2024-13", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err == nil && (p.String() != s || p.Month < 0 || p.Month > 12) {
			t.Fatalf("%q parsed as %v", s, p)
		}
	})
}
