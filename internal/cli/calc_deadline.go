package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"sort"
	"strconv"
	"strings"

	"towngrid/internal/calendar"
)

func init() {
	Register(&Command{
		Name:  "calc deadline",
		Short: "due instant of a time limit on the working-day calendar",
		Run:   runCalcDeadline,
	})
}

func runCalcDeadline(_ context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("calc deadline", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	from := fs.String("from", "", "acceptance instant: YYYY-MM-DD, YYYY-MM-DDTHH:MM or RFC 3339 (default zone Asia/Shanghai)")
	units := []struct {
		flag string
		unit calendar.Unit
		val  *int
	}{
		{"working-days", calendar.WorkDays, nil},
		{"working-hours", calendar.WorkHours, nil},
		{"working-minutes", calendar.WorkMinutes, nil},
		{"natural-hours", calendar.NaturalHours, nil},
		{"natural-days", calendar.NaturalDays, nil},
	}
	for i := range units {
		units[i].val = fs.Int(units[i].flag, 0, "limit in "+string(units[i].unit))
	}
	rulesFile := fs.String("rules", "", "JSON file with a []DayRule used instead of the seeded holidays")
	hours := fs.String("hours", "", `working periods, e.g. "08:00-12:00,14:00-18:00" (default)`)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return Usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected argument %q", fs.Arg(0))
	}
	if *from == "" {
		return Usagef("--from is required")
	}
	start, err := calendar.ParseInstant(*from)
	if err != nil {
		return Usagef("--from: %v", err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var limit calendar.Limit
	n := 0
	for _, u := range units {
		if set[u.flag] {
			limit, n = calendar.Limit{Value: *u.val, Unit: u.unit}, n+1
		}
	}
	if n != 1 {
		return Usagef("give exactly one of --working-days, --working-hours, --working-minutes, --natural-hours, --natural-days")
	}
	if err := limit.Validate(); err != nil {
		return Usagef("%v", err)
	}
	cal, err := buildCalendar(*rulesFile, *hours)
	if err != nil {
		return err
	}
	out := cal.Explain(start, limit)
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// buildCalendar is the default calendar unless --rules or --hours is given.
// With --rules, the years of the listed dates count as loaded (Known).
func buildCalendar(rulesFile, hours string) (*calendar.Calendar, error) {
	if rulesFile == "" && hours == "" {
		return calendar.Default(), nil
	}
	cfg := calendar.Config{Name: "custom", Hours: calendar.DefaultHours(), Rules: calendar.Seed(), Years: calendar.SeedYears()}
	if hours != "" {
		hs, err := calendar.ParseHours(hours)
		if err != nil {
			return nil, Usagef("--hours: %v", err)
		}
		cfg.Hours = hs
	}
	if rulesFile != "" {
		b, err := os.ReadFile(rulesFile)
		if err != nil {
			return nil, Usagef("--rules: %v", err)
		}
		var rules []calendar.DayRule
		if err := json.Unmarshal(b, &rules); err != nil {
			return nil, Usagef("--rules %s: not a JSON array of {date, kind, name}: %v", rulesFile, err)
		}
		years := map[int]bool{}
		for _, r := range rules {
			y, _, _ := strings.Cut(r.Date, "-")
			if n, err := strconv.Atoi(y); err == nil {
				years[n] = true
			}
		}
		cfg.Rules, cfg.Years = rules, nil
		for y := range years {
			cfg.Years = append(cfg.Years, y)
		}
		sort.Ints(cfg.Years)
	}
	cal, err := calendar.New(cfg)
	if err != nil {
		return nil, Usagef("calendar: %v", err)
	}
	return cal, nil
}
