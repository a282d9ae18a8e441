package directory

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"towngrid/internal/account"
	"towngrid/internal/codes"
	"towngrid/internal/geo"
)

// CodeOptions are the settings of code validation that differ between places.
type CodeOptions struct {
	// GridSeqWidth is the width of a grid code's sequence: 2 (CJ/T 213, 14
	// digits) or 3 (Beijing DB11, 15 digits). 0 means 2.
	GridSeqWidth int
}

func (o CodeOptions) width() int {
	if o.GridSeqWidth == 0 {
		return codes.SeqWidthCJT213
	}
	return o.GridSeqWidth
}

func codeErr(err error) error {
	if ce, ok := err.(*codes.Error); ok {
		return &account.FieldError{Field: "code", Code: ce.Code, Detail: ce.Detail}
	}
	return &account.FieldError{Field: "code", Code: "area.code", Detail: err.Error()}
}

// CodePrefix is the part of an area's code that every descendant's code starts
// with: the significant digits of a GB/T 2260 code (44 for 440000, 4401 for
// 440100) and the whole code below the county.
func CodePrefix(level Level, code string) string {
	switch level {
	case Province:
		if len(code) >= 2 {
			return code[:2]
		}
	case City:
		if len(code) >= 4 {
			return code[:4]
		}
	}
	return code
}

// CheckCode validates an area's code against the standard of its level
// (case-management.md §5.1) and against its parent's code. For a town it
// returns the GB/T 10114 kind (街道, 镇, 乡, 政企合一) the code denotes.
func CheckCode(r *codes.Rules, a *Area, parent *Area, opt CodeOptions) (kind string, err error) {
	c := a.Code
	switch a.Level {
	case Province, City, County:
		d, err := r.ParseDivision(c)
		if err != nil {
			return "", codeErr(err)
		}
		want := map[Level]codes.DivisionLevel{Province: codes.LevelProvince, City: codes.LevelPrefecture, County: codes.LevelCounty}[a.Level]
		if d.Level != want {
			return "", &account.FieldError{Field: "code", Code: "area.code_level",
				Detail: fmt.Sprintf("%s is a %s code in GB/T 2260, not a %s code", c, d.Level, want)}
		}
	case Town:
		if len(c) != 9 {
			return "", &account.FieldError{Field: "code", Code: "area.code_length", Detail: "a town code is 9 digits: 6 GB/T 2260 + 3 GB/T 10114"}
		}
		if _, err := r.ParseDivision(c[:6]); err != nil {
			return "", codeErr(err)
		}
		t, err := r.ParseTownship(c[6:])
		if err != nil {
			return "", codeErr(err)
		}
		kind = t.Kind
	case Community:
		if len(c) != 12 {
			return "", &account.FieldError{Field: "code", Code: "area.code_length", Detail: "a community code is 12 digits: the town's 9 + 3"}
		}
		if _, err := r.ParseStatsCode(c); err != nil {
			return "", codeErr(err)
		}
	case Grid:
		if _, err := r.ParseGridCode(c, opt.width()); err != nil {
			return "", codeErr(err)
		}
	}
	if parent != nil {
		if p := CodePrefix(parent.Level, parent.Code); len(c) <= len(p) || c[:len(p)] != p {
			return "", &account.FieldError{Field: "code", Code: "area.code_parent",
				Detail: fmt.Sprintf("%s does not start with its parent's code %s", c, p)}
		}
	}
	return kind, nil
}

// WithTownKind records a town's kind in its props, or refuses props that name
// another kind than the code does.
func WithTownKind(props json.RawMessage, kind string) (json.RawMessage, error) {
	m := map[string]any{}
	if len(props) > 0 {
		if err := json.Unmarshal(props, &m); err != nil || m == nil {
			return nil, &account.FieldError{Field: "props", Code: "area.props", Detail: "props must be a JSON object"}
		}
	}
	if k, ok := m["kind"]; ok {
		if k != kind {
			return nil, &account.FieldError{Field: "props", Code: "area.town_kind",
				Detail: fmt.Sprintf("props.kind is %v but the township code denotes %s (GB/T 10114)", k, kind)}
		}
		return props, nil
	}
	m["kind"] = kind
	return json.Marshal(m)
}

// ParseGeometry decodes a GeoJSON Polygon or MultiPolygon geometry.
func ParseGeometry(raw json.RawMessage) (orb.MultiPolygon, error) {
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil || g == nil || g.Coordinates == nil {
		return nil, &account.FieldError{Field: "geometry", Code: geo.CodeGeomType, Detail: "not a GeoJSON geometry"}
	}
	switch v := g.Coordinates.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{v}, nil
	case orb.MultiPolygon:
		return v, nil
	}
	return nil, &account.FieldError{Field: "geometry", Code: geo.CodeGeomType,
		Detail: fmt.Sprintf("geometry is %s, want Polygon or MultiPolygon", g.Coordinates.GeoJSONType())}
}

// CheckGeometry validates one boundary (closed rings, ranges, no
// self-intersection, holes inside their shell). Warnings (winding) pass.
func CheckGeometry(raw json.RawMessage) (orb.MultiPolygon, error) {
	mp, err := ParseGeometry(raw)
	if err != nil {
		return nil, err
	}
	for _, is := range geo.ValidateFeatures([]geo.Feature{{Geom: mp}}, geo.ValidateOptions{}) {
		if is.Severity == geo.SevError {
			return nil, &account.FieldError{Field: "geometry", Code: is.Code, Detail: is.Detail}
		}
	}
	return mp, nil
}
