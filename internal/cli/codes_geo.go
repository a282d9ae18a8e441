package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"towngrid/internal/codes"
	"towngrid/internal/geo"
)

func init() {
	Register(&Command{Name: "code check", Short: "validate and parse standard codes (uscc, idcard, grid, component, case, division)", Run: runCodeCheck})
	Register(&Command{Name: "geo convert", Short: "convert a point between wgs84, gcj02 and bd09", Run: runGeoConvert})
	Register(&Command{Name: "geo validate", Short: "validate a GeoJSON FeatureCollection of area boundaries", Run: runGeoValidate})
}

func cgParseFlags(fs *flag.FlagSet, env *Env, args []string) (done bool, err error) {
	fs.SetOutput(env.Stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return true, Usagef("%v", err)
	}
	return false, nil
}

type codeResult struct {
	Input  string       `json:"input"`
	Valid  bool         `json:"valid"`
	Parsed any          `json:"parsed,omitempty"`
	Masked string       `json:"masked,omitempty"`
	Error  *codes.Error `json:"error,omitempty"`
}

// runCodeCheck prints one JSON result per value and fails (exit 1) if any is invalid.
func runCodeCheck(_ context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("code check", flag.ContinueOnError)
	kind := fs.String("kind", "", "uscc | idcard | grid | component | case | division | stats")
	seqWidth := fs.Int("seq-width", codes.SeqWidthCJT213, "grid sequence digits: 2 (CJ/T 213) or 3 (DB11)")
	if done, err := cgParseFlags(fs, env, args); done {
		return err
	}
	if fs.NArg() == 0 {
		return Usagef("give one or more codes to check")
	}
	r := codes.DefaultRules()
	var parse func(string) (any, string, error)
	switch *kind {
	case "uscc":
		parse = func(s string) (any, string, error) { v, err := r.ParseUSCC(s); return v, "", err }
	case "idcard":
		parse = func(s string) (any, string, error) {
			v, err := r.ParseIDCard(s)
			v.Number = codes.MaskIDCard(v.Number) // personal data is masked by default
			return v, v.Number, err
		}
	case "grid":
		parse = func(s string) (any, string, error) { v, err := r.ParseGridCode(s, *seqWidth); return v, "", err }
	case "component":
		parse = func(s string) (any, string, error) { v, err := r.ParseComponentCode(s); return v, "", err }
	case "case":
		parse = func(s string) (any, string, error) { v, err := codes.ParseCaseNumber(s); return v, "", err }
	case "division":
		parse = func(s string) (any, string, error) { v, err := r.ParseDivision(s); return v, "", err }
	case "stats":
		parse = func(s string) (any, string, error) { v, err := r.ParseStatsCode(s); return v, "", err }
	default:
		return Usagef("unknown -kind %q", *kind)
	}
	out := make([]codeResult, 0, fs.NArg())
	bad := 0
	for _, s := range fs.Args() {
		v, masked, err := parse(s)
		res := codeResult{Input: s, Valid: err == nil}
		if err != nil {
			bad++
			var ce *codes.Error
			if !errors.As(err, &ce) {
				ce = &codes.Error{Code: "internal", Detail: err.Error()}
			}
			res.Error = ce
		} else {
			res.Parsed, res.Masked = v, masked
		}
		if *kind == "idcard" {
			res.Input = codes.MaskIDCard(s) // never echo a personal number
		}
		out = append(out, res)
	}
	if err := cgWriteJSON(env.Stdout, out); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d codes invalid", bad, len(out))
	}
	return nil
}

func runGeoConvert(_ context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("geo convert", flag.ContinueOnError)
	from := fs.String("from", "wgs84", "source system: wgs84 | gcj02 | bd09")
	to := fs.String("to", "gcj02", "target system: wgs84 | gcj02 | bd09")
	if done, err := cgParseFlags(fs, env, args); done {
		return err
	}
	if fs.NArg() != 2 {
		return Usagef("give LON LAT")
	}
	lon, err1 := strconv.ParseFloat(fs.Arg(0), 64)
	lat, err2 := strconv.ParseFloat(fs.Arg(1), 64)
	if err1 != nil || err2 != nil || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return Usagef("LON LAT must be numbers within ±180 and ±90")
	}
	x, y, ok := geo.Convert(geo.CRS(*from), geo.CRS(*to), lon, lat)
	if !ok {
		return Usagef("unknown coordinate system %q or %q", *from, *to)
	}
	return cgWriteJSON(env.Stdout, map[string]any{"from": *from, "to": *to, "lon": x, "lat": y})
}

func runGeoValidate(_ context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("geo validate", flag.ContinueOnError)
	file := fs.String("file", "-", "GeoJSON FeatureCollection file, - for stdin")
	idProp := fs.String("id-property", "code", "property holding the id when a feature has no id")
	parentProp := fs.String("parent-property", "parent", "property naming the parent area (siblings must not overlap)")
	overlap := fs.Float64("overlap-tolerance", 1, "overlap tolerance in m²")
	if done, err := cgParseFlags(fs, env, args); done {
		return err
	}
	var in io.Reader = env.Stdin
	if *file != "-" {
		f, err := os.Open(*file)
		if err != nil {
			return Usagef("%v", err)
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, 512<<20))
	if err != nil {
		return err
	}
	feats, issues, err := geo.ValidateGeoJSON(data, geo.ParseOptions{IDProperty: *idProp, ParentProperty: *parentProp},
		geo.ValidateOptions{OverlapToleranceM2: *overlap})
	if err != nil {
		return Usagef("%v", err)
	}
	errs := 0
	for _, is := range issues {
		if is.Severity == geo.SevError {
			errs++
		}
	}
	if issues == nil {
		issues = []geo.Issue{}
	}
	if err := cgWriteJSON(env.Stdout, map[string]any{"features": len(feats), "errors": errs, "issues": issues}); err != nil {
		return err
	}
	if errs > 0 {
		return fmt.Errorf("%d geometry errors", errs)
	}
	return nil
}

func cgWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
