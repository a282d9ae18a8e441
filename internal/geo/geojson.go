package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ParseOptions names the properties that carry a feature's id and parent.
type ParseOptions struct {
	IDProperty     string // used when the feature has no "id" member; default "code"
	ParentProperty string // default "parent"
}

// ParseFeatureCollection decodes an RFC 7946 FeatureCollection of Polygon or
// MultiPolygon features. Features with another geometry type are reported as
// geom.type issues (with their index) and returned with an empty geometry, so
// that indexes in later issues still match the input. A document that is not a
// FeatureCollection at all is an error.
func ParseFeatureCollection(data []byte, opt ParseOptions) ([]Feature, []Issue, error) {
	if opt.IDProperty == "" {
		opt.IDProperty = "code"
	}
	if opt.ParentProperty == "" {
		opt.ParentProperty = "parent"
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, nil, fmt.Errorf("geo: not a GeoJSON FeatureCollection: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, nil, fmt.Errorf("geo: type is %q, want FeatureCollection", fc.Type)
	}
	out := make([]Feature, len(fc.Features))
	var issues []Issue
	for i, f := range fc.Features {
		if f == nil {
			issues = append(issues, Issue{Severity: SevError, Code: CodeGeomEmpty, Index: i, Detail: "null feature"})
			continue
		}
		id := ""
		if f.ID != nil {
			id = fmt.Sprint(f.ID)
		} else if v, ok := f.Properties[opt.IDProperty]; ok && v != nil {
			id = fmt.Sprint(v)
		}
		out[i].ID = id
		if v, ok := f.Properties[opt.ParentProperty]; ok && v != nil {
			out[i].Parent = fmt.Sprint(v)
		}
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			out[i].Geom = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			out[i].Geom = g
		default:
			t := "null"
			if g != nil {
				t = g.GeoJSONType()
			}
			issues = append(issues, Issue{Severity: SevError, Code: CodeGeomType, Index: i, ID: id,
				Detail: fmt.Sprintf("geometry is %s, want Polygon or MultiPolygon", t)})
		}
	}
	return out, issues, nil
}

// ValidateGeoJSON parses and validates a FeatureCollection in one call.
func ValidateGeoJSON(data []byte, popt ParseOptions, vopt ValidateOptions) ([]Feature, []Issue, error) {
	fs, issues, err := ParseFeatureCollection(data, popt)
	if err != nil {
		return nil, nil, err
	}
	bad := map[int]bool{}
	for _, is := range issues {
		bad[is.Index] = true
	}
	var keep []Feature
	var idx []int
	for i, f := range fs {
		if !bad[i] {
			keep, idx = append(keep, f), append(idx, i)
		}
	}
	for _, is := range ValidateFeatures(keep, vopt) {
		is.Index = idx[is.Index]
		if is.Code == CodeOverlap {
			is.OtherIndex = idx[is.OtherIndex]
		}
		issues = append(issues, is)
	}
	return fs, issues, nil
}
