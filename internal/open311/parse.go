package open311

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxDescription is the spec's bound on a request's description (§2.2 #3).
const MaxDescription = 4000

// Limits on attribute answers: a string is a line, a text a paragraph.
const (
	maxString = 200
	maxText   = 4000
	maxValues = 50
)

// ParseTime parses a W3C datetime that must carry a timezone (§2.1).
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, Bad("open311.datetime", "%q is not a W3C datetime with a timezone (e.g. 2026-05-01T08:30:00+08:00)", clip(s))
}

// FormatTime writes a datetime as the spec wants it (with its offset).
func FormatTime(t time.Time) string { return t.Format(time.RFC3339) }

// Get returns a form value, treating an empty one as absent (§2.1).
func Get(f url.Values, key string) string { return strings.TrimSpace(f.Get(key)) }

// Location is the one location form of a POST (§2.2 #3).
type Location struct {
	Lat, Long *float64
	Address   string // address_string
	AddressID string // address_id
}

// ParseLocation requires exactly one of lat+long, address_string and address_id.
func ParseLocation(f url.Values) (Location, error) {
	var l Location
	lat, long := Get(f, "lat"), Get(f, "long")
	l.Address, l.AddressID = Get(f, "address_string"), Get(f, "address_id")
	forms := 0
	if lat != "" || long != "" {
		forms++
		if lat == "" || long == "" {
			return l, Bad("open311.location", "give both lat and long")
		}
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(long, 64)
		if err1 != nil || err2 != nil || math.IsNaN(la) || math.IsNaN(lo) || la < -90 || la > 90 || lo < -180 || lo > 180 {
			return l, Bad("open311.location", "lat must be in [-90, 90] and long in [-180, 180] (WGS-84 decimal degrees)")
		}
		l.Lat, l.Long = &la, &lo
	}
	if l.Address != "" {
		forms++
	}
	if l.AddressID != "" {
		forms++
	}
	switch {
	case forms == 0:
		return l, Bad("open311.location", "a location is required: lat and long, address_string or address_id")
	case forms > 1:
		return l, Bad("open311.location", "give exactly one location: lat and long, address_string or address_id")
	case utf8.RuneCountInString(l.Address) > 500 || len(l.AddressID) > 64:
		return l, Bad("open311.location", "address_string is at most 500 characters and address_id at most 64 bytes")
	}
	return l, nil
}

// attrKey recognises attribute[code] and attribute[code][].
func attrKey(k string) (code string, multi, ok bool) {
	rest, ok := strings.CutPrefix(k, "attribute[")
	if !ok {
		return "", false, false
	}
	if c, cut := strings.CutSuffix(rest, "][]"); cut {
		return c, true, c != "" && !strings.ContainsAny(c, "[]")
	}
	c, cut := strings.CutSuffix(rest, "]")
	return c, false, cut && c != "" && !strings.ContainsAny(c, "[]")
}

// ParseAttributes reads attribute[code]=v and attribute[code][]=v answers
// (§2.2 #3) and checks them against a definition: known variable codes only,
// required ones present, each value valid for its datatype. The result maps
// codes to their values (one for every datatype but multivaluelist).
func ParseAttributes(f url.Values, defs []Attribute) (map[string][]string, error) {
	by := map[string]*Attribute{}
	for i := range defs {
		by[defs[i].Code] = &defs[i]
	}
	out := map[string][]string{}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic first error
	for _, k := range keys {
		code, multi, ok := attrKey(k)
		if !ok {
			if strings.HasPrefix(k, "attribute") {
				return nil, Bad("open311.attribute", "%q is not attribute[code] or attribute[code][]", clip(k))
			}
			continue
		}
		a := by[code]
		if a == nil || !a.Variable {
			return nil, Bad("open311.attribute_unknown", "attribute %q is not a question of this service", clip(code))
		}
		var vs []string
		for _, v := range f[k] {
			if v = strings.TrimSpace(v); v != "" {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			continue // empty = absent (§2.1)
		}
		if a.Datatype != "multivaluelist" && (multi || len(vs) > 1) {
			return nil, Bad("open311.attribute_value", "attribute %s takes one value", code)
		}
		if len(vs) > maxValues {
			return nil, Bad("open311.attribute_value", "attribute %s: at most %d values", code, maxValues)
		}
		if err := checkValues(a, vs); err != nil {
			return nil, err
		}
		out[code] = append(out[code], vs...)
	}
	for _, a := range defs {
		if a.Required && len(out[a.Code]) == 0 {
			return nil, Bad("open311.attribute_required", "attribute %s is required", a.Code)
		}
	}
	return out, nil
}

func checkValues(a *Attribute, vs []string) error {
	seen := map[string]bool{}
	for _, v := range vs {
		switch a.Datatype {
		case "number":
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				return Bad("open311.attribute_value", "attribute %s must be a number", a.Code)
			}
		case "datetime":
			if _, err := ParseTime(v); err != nil {
				return Bad("open311.attribute_value", "attribute %s must be a W3C datetime with a timezone", a.Code)
			}
		case "string":
			if utf8.RuneCountInString(v) > maxString || strings.ContainsAny(v, "\r\n") {
				return Bad("open311.attribute_value", "attribute %s is one line of at most %d characters", a.Code, maxString)
			}
		case "text":
			if utf8.RuneCountInString(v) > maxText {
				return Bad("open311.attribute_value", "attribute %s is at most %d characters", a.Code, maxText)
			}
		default: // the two lists
			if !slices.ContainsFunc(a.Values, func(x Value) bool { return x.Key == v }) {
				return Bad("open311.attribute_value", "attribute %s has no value %q", a.Code, clip(v))
			}
			if seen[v] {
				return Bad("open311.attribute_value", "attribute %s: value %q given twice", a.Code, clip(v))
			}
			seen[v] = true
		}
		if !utf8.ValidString(v) {
			return Bad("open311.attribute_value", "attribute %s is not UTF-8", a.Code)
		}
	}
	return nil
}

// ParseIDs parses a comma list of service request ids (§2.2 #5).
func ParseIDs(s string) ([]int64, error) {
	var out []int64
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return nil, Bad("open311.service_request_id", "%q is not a service request id", clip(p))
		}
		out = append(out, id)
	}
	if len(out) > 1000 {
		return nil, Bad("open311.service_request_id", "at most 1000 ids")
	}
	return out, nil
}

// ParseBBox parses Mark-a-Spot's bbox=minLng,minLat,maxLng,maxLat (§2.3).
func ParseBBox(s string) (b [4]float64, err error) {
	ps := strings.Split(s, ",")
	if len(ps) != 4 {
		return b, Bad("open311.bbox", "bbox is minLng,minLat,maxLng,maxLat")
	}
	for i, p := range ps {
		v, e := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if e != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return b, Bad("open311.bbox", "bbox is four numbers")
		}
		b[i] = v
	}
	if b[0] > b[2] || b[1] > b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 {
		return b, Bad("open311.bbox", "bbox must be minLng,minLat,maxLng,maxLat within WGS-84 bounds")
	}
	return b, nil
}

// clip shortens outside text quoted in an error.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	for i := 64; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return ""
}
