package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"towngrid/internal/envstd"
)

func init() {
	Register(&Command{Name: "calc aqi", Short: "air quality index (HJ 633 / US EPA) from key=value concentrations", Run: runCalcAQI})
	Register(&Command{Name: "calc water", Short: "surface-water class (GB 3838-2002) from key=value factors", Run: runCalcWater})
	Register(&Command{Name: "calc noise", Short: "noise limit check (GB 3096-2008) for a zone and period", Run: runCalcNoise})
}

// envCST is China Standard Time: standards switch at local midnight and the
// noise day starts at local 06:00. A fixed zone avoids needing tzdata.
var envCST = time.FixedZone("CST", 8*3600)

// envParseArgs lets flags and key=value arguments interleave, since users
// write `calc aqi pm2_5=55 --period 1h` as readily as the other order.
func envParseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, Usagef("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// envParseKV parses `key=value` arguments: lower-case keys of [a-z0-9_.],
// finite values ≥ 0, no key twice.
func envParseKV(args []string) ([]envstd.Conc, error) {
	out := make([]envstd.Conc, 0, len(args))
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || k == "" {
			return nil, fmt.Errorf("argument %q is not key=value", a)
		}
		for _, r := range k {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
				return nil, fmt.Errorf("key %q: only letters, digits, '_' and '.'", k)
			}
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%s: %q is not a number", k, v)
		}
		if f < 0 {
			return nil, fmt.Errorf("%s: value %g is negative", k, f)
		}
		for _, c := range out {
			if c.Key == k {
				return nil, fmt.Errorf("%s given twice", k)
			}
		}
		out = append(out, envstd.Conc{Key: k, Value: f})
	}
	return out, nil
}

// envParseWhen reads --date/--at: a date, or a local time (CST unless an
// offset is given); empty means now.
func envParseWhen(s string) (time.Time, error) {
	if s == "" {
		return time.Now().In(envCST), nil
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, envCST); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(envCST), nil
	}
	return time.Time{}, Usagef("date %q: want YYYY-MM-DD, YYYY-MM-DDTHH:MM or RFC 3339", s)
}

// envUsage turns a validation error of envstd into a usage error (exit 2),
// keeping its machine code in the message.
func envUsage(err error) error {
	var e *envstd.Error
	if errors.As(err, &e) {
		return Usagef("%s (%s)", e.Detail, e.Code)
	}
	return Usagef("%v", err)
}

func envWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type aqiOut struct {
	Standard   string         `json:"standard"`
	Period     string         `json:"period"`
	AQI        int            `json:"aqi"`
	NA         bool           `json:"na"` // publish "NA" (HJ 633—2026 §5.3)
	Level      string         `json:"level"`
	LevelEn    string         `json:"level_en"`
	Category   string         `json:"category"`
	CategoryEn string         `json:"category_en"`
	Color      string         `json:"color"`
	ColorName  string         `json:"color_name"`
	Primary    []string       `json:"primary"`
	IAQI       map[string]int `json:"iaqi"`
	Complete   bool           `json:"complete"`
	Missing    []string       `json:"missing,omitempty"`
	Notes      []string       `json:"notes,omitempty"`
}

func runCalcAQI(_ context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("calc aqi", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	std := fs.String("standard", "", "standard id: HJ633-2012, HJ633-2026, US-EPA-2024 (default: in force on --date)")
	date := fs.String("date", "", "date of the readings, picks the standard in force (default today, China time)")
	period := fs.String("period", "24h", "1h (实时报), 24h (日报), or 8h (O3 8-hour values only)")
	country := fs.String("system", "cn", "cn (HJ 633) or us (US EPA), when --standard is not given")
	capOver := fs.Bool("cap-overflow", false, "SO2 1h > 800 / O3 8h > 800 without the substitute value: report the column's top index")
	pos, err := envParseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return Usagef("give concentrations as key=value, e.g. pm2_5=55 pm10=150 (µg/m³; CO mg/m³; US: O3/CO ppm, SO2/NO2 ppb)")
	}
	in, err := envParseKV(pos)
	if err != nil {
		return Usagef("%v", err)
	}
	when, err := envParseWhen(*date)
	if err != nil {
		return err
	}
	kind := envstd.KindAQICN
	switch *country {
	case "cn":
	case "us":
		kind = envstd.KindAQIUS
	default:
		return Usagef("--system must be cn or us")
	}
	s, err := envstd.Default().AQIFor(kind, *std, when)
	if err != nil {
		return envUsage(err)
	}
	per, ok := envstd.ParsePeriod(*period)
	if !ok || (per != envstd.Hour1 && per != envstd.Hour8 && per != envstd.Hour24) {
		return Usagef("--period must be 1h, 24h or 8h")
	}
	report := per
	if per == envstd.Hour8 {
		report = envstd.Hour24 // the O3 8h item belongs to the daily report
	}
	for i := range in {
		in[i].Key = envAQIKey(in[i].Key, per)
		if per == envstd.Hour8 && in[i].Key != "o3_8h" {
			return Usagef("--period 8h takes only o3 (the 8-hour O3 mean), not %s", in[i].Key)
		}
	}
	r, err := s.Compute(report, in, envstd.AQIOptions{CapOverflow: *capOver})
	if err != nil {
		return envUsage(err)
	}
	out := aqiOut{Standard: s.ID, Period: per.String(), AQI: r.AQI, NA: r.NA, Level: r.Level.NameZh, LevelEn: r.Level.NameEn,
		Category: r.Level.CategoryZh, CategoryEn: r.Level.CategoryEn, Color: r.Level.RGB.Hex(), ColorName: r.Level.ColorZh,
		Primary: r.PrimaryKeys(), IAQI: map[string]int{}, Complete: r.Complete}
	if per != envstd.Hour8 {
		out.Missing = s.Missing(&r)
	}
	for _, sub := range r.Items() {
		switch {
		case sub.Undefined:
			out.Notes = append(out.Notes, sub.Key+": below the table, no sub-index")
			continue
		case sub.SubstituteOnly:
			continue
		case sub.Substituted:
			out.Notes = append(out.Notes, sub.Key+": above the table, the other averaging period's sub-index is reported")
		case sub.Capped:
			out.Notes = append(out.Notes, sub.Key+": above the table, capped at the column's top index")
		}
		out.IAQI[sub.Key] = sub.IAQI
	}
	return envWriteJSON(env.Stdout, out)
}

// envAQIKey maps spellings onto report keys: pm2.5 → pm2_5, and a bare o3 to
// the O3 item of the period (1h in 实时报, the daily max 8h in 日报).
func envAQIKey(k string, per envstd.Period) string {
	switch k {
	case "pm2.5", "pm25":
		return "pm2_5"
	case "o3":
		if per == envstd.Hour1 {
			return "o3_1h"
		}
		return "o3_8h"
	}
	return k
}

func runCalcWater(_ context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("calc water", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	std := fs.String("standard", "", "standard id (default: in force on --date)")
	date := fs.String("date", "", "sampling date (default today, China time)")
	bodyFlag := fs.String("water-body", "river", "river, or lake (lakes and reservoirs: TP/TN limits differ)")
	pos, err := envParseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return Usagef("give factors as key=value (mg/L): ph do codmn cod bod5 nh3n tp tn fc")
	}
	in, err := envParseKV(pos)
	if err != nil {
		return Usagef("%v", err)
	}
	body, err := envstd.ParseWaterBody(*bodyFlag)
	if err != nil {
		return envUsage(err)
	}
	when, err := envParseWhen(*date)
	if err != nil {
		return err
	}
	s, err := envstd.Default().WaterFor(*std, when)
	if err != nil {
		return envUsage(err)
	}
	r, err := s.Classify(body, in)
	if err != nil {
		return envUsage(err)
	}
	out := struct {
		Standard    string            `json:"standard"`
		WaterBody   string            `json:"water_body"`
		Class       string            `json:"class"`
		Factors     map[string]string `json:"factors"`
		Worst       []string          `json:"worst"`
		NotAssessed []string          `json:"not_assessed,omitempty"`
	}{Standard: s.ID, WaterBody: string(body), Class: r.Class.String(), Factors: map[string]string{}, Worst: r.Worst}
	for _, f := range r.Factors {
		if !f.Assessed {
			out.NotAssessed = append(out.NotAssessed, f.Key)
			continue
		}
		out.Factors[f.Key] = f.Class.String()
	}
	return envWriteJSON(env.Stdout, out)
}

func runCalcNoise(_ context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("calc noise", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	std := fs.String("standard", "", "standard id (default: in force on the date)")
	zone := fs.String("zone", "", "声环境功能区 class: 0, 1, 2, 3, 4a, 4b")
	period := fs.String("period", "", "day (06:00–22:00) or night; or give --at")
	at := fs.String("at", "", "time of the measurement; sets the period and the date (China time unless an offset is given)")
	pos, err := envParseArgs(fs, args)
	if err != nil {
		return err
	}
	if *zone == "" {
		return Usagef("--zone is required (0, 1, 2, 3, 4a, 4b)")
	}
	in, err := envParseKV(pos)
	if err != nil {
		return Usagef("%v", err)
	}
	var leq, lmax *float64
	for i := range in {
		switch in[i].Key {
		case "leq":
			leq = &in[i].Value
		case "lmax":
			lmax = &in[i].Value
		default:
			return Usagef("unknown key %q: give leq=… (and lmax=… at night) in dB(A)", in[i].Key)
		}
	}
	if leq == nil {
		return Usagef("give leq=… in dB(A)")
	}
	when, err := envParseWhen(*at)
	if err != nil {
		return err
	}
	s, err := envstd.Default().NoiseFor(*std, when)
	if err != nil {
		return envUsage(err)
	}
	p := envstd.NoisePeriod(*period)
	switch {
	case *period == "" && *at != "":
		p = s.PeriodAt(when)
	case p != envstd.Day && p != envstd.Night:
		return Usagef("--period must be day or night (or give --at)")
	case *at != "" && s.PeriodAt(when) != p:
		return Usagef("--at %s is in the %s period, not %s", *at, s.PeriodAt(when), p)
	}
	r, err := s.Assess(*zone, p, *leq)
	if err != nil {
		return envUsage(err)
	}
	out := struct {
		envstd.NoiseResult
		Lmax *envstd.NoiseResult `json:"lmax,omitempty"`
	}{NoiseResult: r}
	if lmax != nil {
		if p != envstd.Night {
			return Usagef("lmax is assessed only at night (limit + %g dB(A))", s.NightLmaxAllowance)
		}
		lr, err := s.AssessNightLmax(*zone, *lmax)
		if err != nil {
			return envUsage(err)
		}
		out.Lmax = &lr
	}
	return envWriteJSON(env.Stdout, out)
}
