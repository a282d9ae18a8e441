package codes

import (
	"errors"
	"testing"
)

func codeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestParseDivision(t *testing.T) {
	r := DefaultRules()
	cases := []struct {
		in    string
		code  string
		level DivisionLevel
	}{
		{"320508", "", LevelCounty}, // 姑苏区, case-management.md §5.1 example 320508019044
		{"320500", "", LevelPrefecture},
		{"320000", "", LevelProvince},
		{"110105", "", LevelCounty}, // 朝阳区, GB 11643 example address code
		{"820000", "", LevelProvince},
		{"990101", CodeDivisionProvince, ""},
		{"100000", CodeDivisionProvince, ""},
		{"32050", CodeDivisionFormat, ""},
		{"32050a", CodeDivisionFormat, ""},
	}
	for _, c := range cases {
		d, err := r.ParseDivision(c.in)
		if codeOf(err) != c.code {
			t.Errorf("ParseDivision(%q) err %v, want code %q", c.in, err, c.code)
			continue
		}
		if err == nil && d.Level != c.level {
			t.Errorf("ParseDivision(%q) level %s, want %s", c.in, d.Level, c.level)
		}
	}
	if len(r.Provinces) != 34 {
		t.Errorf("GB/T 2260 lists 34 province-level divisions, rules have %d", len(r.Provinces))
	}
}

func TestParseTownship(t *testing.T) {
	r := DefaultRules()
	// case-management.md §5.1: 001–099 街道, 100–199 镇, 200–399 乡, 400–599 政企合一.
	cases := map[string]string{"001": "街道", "019": "街道", "099": "街道", "100": "镇", "199": "镇",
		"200": "乡", "399": "乡", "400": "政企合一", "599": "政企合一", "000": "", "600": "", "999": "", "1a0": ""}
	for in, kind := range cases {
		tw, err := r.ParseTownship(in)
		if kind == "" {
			if err == nil {
				t.Errorf("ParseTownship(%q) accepted", in)
			}
			continue
		}
		if err != nil || tw.Kind != kind {
			t.Errorf("ParseTownship(%q) = %v, %v; want kind %s", in, tw, err, kind)
		}
	}
}

func TestParseStatsCode(t *testing.T) {
	r := DefaultRules()
	s, err := r.ParseStatsCode("320508019044") // §5.1 example
	if err != nil {
		t.Fatal(err)
	}
	if s.Division.Code != "320508" || s.Township.Code != "019" || s.Township.Kind != "街道" || s.Village != "044" {
		t.Errorf("got %+v", s)
	}
	if s.String() != "320508019044" {
		t.Errorf("String() = %s", s)
	}
	for _, bad := range []string{"320508019000", "320508700044", "32050801904", "990508019044"} {
		if _, err := r.ParseStatsCode(bad); err == nil {
			t.Errorf("ParseStatsCode(%q) accepted", bad)
		}
	}
}

func TestGridCode(t *testing.T) {
	r := DefaultRules()
	// CJ/T 213 (§5.1): 14 digits; sequence 00 = the community-level grid.
	g, err := r.ParseGridCode("32050801904400", SeqWidthCJT213)
	if err != nil {
		t.Fatal(err)
	}
	if g.County != "320508" || g.Township != "019" || g.Community != "044" || g.Seq != 0 || !g.IsCommunityGrid() {
		t.Errorf("got %+v", g)
	}
	// DB11 (§5.1): 15 digits, 3-digit sequence.
	g, err = r.ParseGridCode("110105001002015", SeqWidthDB11)
	if err != nil {
		t.Fatal(err)
	}
	if g.Seq != 15 || g.IsCommunityGrid() || g.String() != "110105001002015" {
		t.Errorf("got %+v", g)
	}
	s, err := r.BuildGridCode(GridCode{County: "320508", Township: "019", Community: "044", Seq: 7, SeqWidth: 2})
	if err != nil || s != "32050801904407" {
		t.Errorf("BuildGridCode = %q, %v", s, err)
	}
	bad := []struct {
		in   string
		w    int
		code string
	}{
		{"32050801904400", 3, CodeGridLength},
		{"3205080190440", 2, CodeGridLength},
		{"3205080190440A", 2, CodeGridFormat},
		{"32050801904400", 4, CodeGridSeqWidth},
		{"32050870004401", 2, CodeTownshipRange},
		{"32050801900001", 2, CodeVillageFormat},
	}
	for _, b := range bad {
		if _, err := r.ParseGridCode(b.in, b.w); codeOf(err) != b.code {
			t.Errorf("ParseGridCode(%q,%d) err %v, want %s", b.in, b.w, err, b.code)
		}
	}
	if _, err := r.BuildGridCode(GridCode{County: "320508", Township: "019", Community: "044", Seq: 100, SeqWidth: 2}); codeOf(err) != CodeGridSeqRange {
		t.Errorf("seq 100 in width 2: %v", err)
	}
}

func TestComponentCode(t *testing.T) {
	r := DefaultRules()
	// §5.1: 3205080101000001 = 姑苏区 / 公用设施 / 上水井盖 / #1.
	c, err := r.ParseComponentCode("3205080101000001")
	if err != nil {
		t.Fatal(err)
	}
	if c.County != "320508" || c.Major != 1 || c.Minor != 1 || c.Serial != 1 {
		t.Errorf("got %+v", c)
	}
	if s, err := r.BuildComponentCode(c); err != nil || s != "3205080101000001" {
		t.Errorf("build = %q, %v", s, err)
	}
	for in, code := range map[string]string{
		"320508010100001":  CodeComponentLen,
		"32050801010000x1": CodeComponentFmt,
		"3205080001000001": CodeComponentPart,
		"3205080101000000": CodeComponentPart,
		"9905080101000001": CodeDivisionProvince,
	} {
		if _, err := r.ParseComponentCode(in); codeOf(err) != code {
			t.Errorf("ParseComponentCode(%q) err %v, want %s", in, err, code)
		}
	}
}

func TestCaseNumber(t *testing.T) {
	// §5.1 example: C01012019041101 (EventService.java).
	c, err := ParseCaseNumber("C01012019041101")
	if err != nil {
		t.Fatal(err)
	}
	want := CaseNumber{Kind: CaseComponent, Major: 1, Minor: 1, Year: 2019, Month: 4, Day: 11, Serial: 1}
	if c != want {
		t.Errorf("got %+v, want %+v", c, want)
	}
	if got := c.Date().Format("2006-01-02"); got != "2019-04-11" {
		t.Errorf("Date = %s", got)
	}
	for _, tc := range []struct {
		c    CaseNumber
		want string
	}{
		{CaseNumber{Kind: CaseEvent, Major: 2, Minor: 13, Year: 2024, Month: 2, Day: 29, Serial: 99}, "E02132024022999"},
		{CaseNumber{Kind: CaseEvent, Major: 2, Minor: 13, Year: 2024, Month: 2, Day: 29, Serial: 100}, "E021320240229100"},
		{CaseNumber{Kind: CaseComponent, Major: 10, Minor: 1, Year: 2025, Month: 12, Day: 31, Serial: 12345}, "C1001202512311234" + "5"},
	} {
		s, err := FormatCaseNumber(tc.c)
		if err != nil || s != tc.want {
			t.Errorf("Format(%+v) = %q, %v; want %q", tc.c, s, err, tc.want)
		}
		back, err := ParseCaseNumber(tc.want)
		if err != nil || back != tc.c {
			t.Errorf("Parse(%q) = %+v, %v", tc.want, back, err)
		}
	}
	for in, code := range map[string]string{
		"C0101201904110":   CodeCaseLength,
		"X01012019041101":  CodeCaseKind,
		"C0101201904A101":  CodeCaseFormat,
		"C01012023022901":  CodeCaseDate, // 2023 is not a leap year
		"C01012019041100":  CodeCaseSerial,
		"C010120190411001": CodeCaseSerial, // non-canonical leading zero
		"C00012019041101":  CodeCaseFormat,
		"C010120190411123": "",
	} {
		if _, err := ParseCaseNumber(in); codeOf(err) != code {
			t.Errorf("ParseCaseNumber(%q) err %v, want %q", in, err, code)
		}
	}
}
