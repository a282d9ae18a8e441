package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runDeadline(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), env, append([]string{"calc", "deadline"}, args...))
	return code, out.String(), errb.String()
}

// Expected dues are worked by hand from standards.md §5.3 (holiday table) and
// case-management.md §5.2 (08:00–12:00, 14:00–18:00).
func TestCalcDeadline(t *testing.T) {
	cases := []struct {
		args      []string
		due, from string
		unit      string
		warn      string // substring of a warning, "" for none
	}{
		// 9/27 Sat off, 9/28 Sun make-up, 9/29, 9/30.
		{[]string{"--from", "2025-09-26", "--working-days", "3"}, "2025-09-30T18:00:00+08:00", "2025-09-26T00:00:00+08:00", "work_days", ""},
		// 16:30–18:00 (1.5 h) + Sun 9/28 08:00–10:30.
		{[]string{"--from", "2025-09-26T16:30", "--working-hours", "4"}, "2025-09-28T10:30:00+08:00", "2025-09-26T16:30:00+08:00", "work_hours", ""},
		{[]string{"--from", "2025-09-26T08:30:00Z", "--working-minutes", "240"}, "2025-09-28T10:30:00+08:00", "2025-09-26T16:30:00+08:00", "work_minutes", ""},
		{[]string{"--from", "2025-09-26T16:30:00+08:00", "--natural-hours", "4"}, "2025-09-26T20:30:00+08:00", "2025-09-26T16:30:00+08:00", "natural_hours", ""},
		{[]string{"-from=2025-09-26T16:30", "-natural-days=3"}, "2025-09-30T00:00:00+08:00", "2025-09-26T16:30:00+08:00", "natural_days", ""},
		// 2027 is not published (§5.3): weekdays only, with a warning.
		{[]string{"--from", "2026-12-31", "--working-days", "1"}, "2027-01-01T18:00:00+08:00", "2026-12-31T00:00:00+08:00", "work_days", "2027"},
		// One 09:00–17:00 period: 16:00–17:00, then 09:00–10:00.
		{[]string{"--from", "2025-03-05T16:00", "--working-hours", "2", "--hours", "09:00-17:00"}, "2025-03-06T10:00:00+08:00", "2025-03-05T16:00:00+08:00", "work_hours", ""},
	}
	for _, tc := range cases {
		code, out, errs := runDeadline(t, tc.args...)
		if code != 0 {
			t.Errorf("%v: exit %d, stderr %s", tc.args, code, errs)
			continue
		}
		var got struct {
			From  string `json:"from"`
			Limit struct {
				Value int    `json:"value"`
				Unit  string `json:"unit"`
			} `json:"limit"`
			Due      string   `json:"due"`
			Calendar string   `json:"calendar"`
			Warnings []string `json:"warnings"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: output %q: %v", tc.args, out, err)
		}
		if got.Due != tc.due || got.From != tc.from || got.Limit.Unit != tc.unit {
			t.Errorf("%v: got %+v, want due %s from %s unit %s", tc.args, got, tc.due, tc.from, tc.unit)
		}
		if got.Warnings == nil {
			t.Errorf("%v: warnings must be an array, got null", tc.args)
		}
		joined := strings.Join(got.Warnings, "\n")
		if (tc.warn == "") != (len(got.Warnings) == 0) || !strings.Contains(joined, tc.warn) {
			t.Errorf("%v: warnings %q, want one mentioning %q", tc.args, got.Warnings, tc.warn)
		}
	}
	if _, out, _ := runDeadline(t, "--from", "2025-09-26", "--working-days", "3"); !strings.Contains(out, `"calendar": "default"`) {
		t.Errorf("default calendar not named default: %s", out)
	}
}

// A --rules file replaces the seed: here 2027-01-01 is declared a holiday, so
// the 2027 warning disappears and the due moves to Monday 01-04.
func TestCalcDeadlineRulesFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "rules.json")
	rules := `[{"date":"2027-01-01","kind":"holiday","name":"元旦"},{"date":"2026-10-01","kind":"holiday","name":"国庆节"}]`
	if err := os.WriteFile(p, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runDeadline(t, "--from", "2026-12-31", "--working-days", "1", "--rules", p)
	if code != 0 || !strings.Contains(out, `"due": "2027-01-04T18:00:00+08:00"`) || !strings.Contains(out, `"warnings": []`) || !strings.Contains(out, `"calendar": "custom"`) {
		t.Errorf("exit %d, out %s, err %s", code, out, errs)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`[{"date":"2027-02-30","kind":"holiday"}]`), 0o600)
	if code, _, errs := runDeadline(t, "--from", "2026-12-31", "--working-days", "1", "--rules", bad); code != 2 || !strings.Contains(errs, "calendar.rule_date") {
		t.Errorf("bad rules: exit %d, stderr %s", code, errs)
	}
}

func TestCalcDeadlineUsage(t *testing.T) {
	cases := map[string][]string{
		"--from is required":          {"--working-days", "3"},
		"calendar.instant_format":     {"--from", "26/09/2025", "--working-days", "3"},
		"exactly one":                 {"--from", "2025-09-26"},
		"exactly one ":                {"--from", "2025-09-26", "--working-days", "3", "--natural-days", "1"},
		"calendar.limit_value":        {"--from", "2025-09-26", "--working-days", "-1"},
		"invalid value":               {"--from", "2025-09-26", "--working-days", "three"},
		"calendar.hours_overlap":      {"--from", "2025-09-26", "--working-days", "1", "--hours", "08:00-15:00,14:00-18:00"},
		"no such file":                {"--from", "2025-09-26", "--working-days", "1", "--rules", "/nonexistent/rules.json"},
		"unexpected argument":         {"--from", "2025-09-26", "--working-days", "1", "extra"},
		"flag provided but not defin": {"--from", "2025-09-26", "--weeks", "1"},
	}
	for want, args := range cases {
		code, out, errs := runDeadline(t, args...)
		if code != 2 || out != "" || !strings.Contains(errs, strings.TrimSpace(want)) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 mentioning %q", args, code, out, errs, want)
		}
	}
}

// FuzzCalcDeadlineFrom feeds arbitrary --from values through the command: it
// never panics, exits 0 or 2, and on success prints a due not before from.
func FuzzCalcDeadlineFrom(f *testing.F) {
	for _, s := range []string{"2025-09-26", "2025-09-26T16:30", "2025-09-26T16:30:00+08:00", "2025-09-26T16:30:00.5Z", "2025-02-29", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, out, _ := runDeadline(t, "--from", s, "--working-hours", "4")
		if code == 2 {
			return
		}
		if code != 0 {
			t.Fatalf("%q: exit %d", s, code)
		}
		var got struct{ From, Due string }
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%q: %v in %s", s, err, out)
		}
		from, err1 := time.Parse(time.RFC3339, got.From)
		due, err2 := time.Parse(time.RFC3339, got.Due)
		if err1 != nil || err2 != nil || due.Before(from) || !strings.HasSuffix(got.Due, "+08:00") {
			t.Fatalf("%q: from %s due %s", s, got.From, got.Due)
		}
	})
}
