package directory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// FormatError is an import file that cannot be read at all (as opposed to
// items that are wrong, which the report lists).
type FormatError struct {
	Code   string `json:"code"` // import.format, import.empty, import.too_many
	Detail string `json:"detail"`
}

func (e *FormatError) Error() string { return e.Code + ": " + e.Detail }

// MaxImportItems bounds one import; a province has about 25,000 grids.
const MaxImportItems = 200_000

// Reserved property names of an area feature; every other property is a prop.
var reservedProps = map[string]bool{"code": true, "name": true, "level": true, "parent_code": true, "parent": true}

type rawFeature struct {
	Type       string                     `json:"type"`
	ID         any                        `json:"id,omitempty"`
	Geometry   json.RawMessage            `json:"geometry"`
	Properties map[string]json.RawMessage `json:"properties"`
}

// ParseAreasGeoJSON reads a FeatureCollection whose features carry the
// properties code, name, level and parent_code (parent is accepted too); the
// other properties become the area's props.
func ParseAreasGeoJSON(data []byte) ([]ImportItem, error) {
	var fc struct {
		Type     string       `json:"type"`
		Features []rawFeature `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, &FormatError{"import.format", "not a GeoJSON FeatureCollection: " + err.Error()}
	}
	if fc.Type != "FeatureCollection" {
		return nil, &FormatError{"import.format", fmt.Sprintf("type is %q, want FeatureCollection", fc.Type)}
	}
	if len(fc.Features) == 0 {
		return nil, &FormatError{"import.empty", "the collection has no features"}
	}
	if len(fc.Features) > MaxImportItems {
		return nil, &FormatError{"import.too_many", fmt.Sprintf("%d features; at most %d per import", len(fc.Features), MaxImportItems)}
	}
	items := make([]ImportItem, len(fc.Features))
	for i, f := range fc.Features {
		it := ImportItem{Index: i, Geometry: f.Geometry}
		str := func(k string) string {
			var s any
			if v, ok := f.Properties[k]; ok && json.Unmarshal(v, &s) == nil && s != nil {
				if n, ok := s.(float64); ok { // codes written as numbers
					return strings.TrimSpace(fmt.Sprintf("%.0f", n))
				}
				return strings.TrimSpace(fmt.Sprint(s))
			}
			return ""
		}
		it.Code, it.Name, it.Level = str("code"), str("name"), Level(str("level"))
		if it.ParentCode = str("parent_code"); it.ParentCode == "" {
			it.ParentCode = str("parent")
		}
		if it.Code == "" && f.ID != nil {
			it.Code = strings.TrimSpace(fmt.Sprint(f.ID))
		}
		props := map[string]json.RawMessage{}
		for k, v := range f.Properties {
			if !reservedProps[k] {
				props[k] = v
			}
		}
		if len(props) > 0 {
			it.Props, _ = json.Marshal(props)
		}
		items[i] = it
	}
	return items, nil
}

// CodeOfID resolves a stored area's parent code for an export.
type CodeOfID func(id int64) string

// WriteAreasGeoJSON writes areas as an RFC 7946 FeatureCollection that
// ParseAreasGeoJSON reads back to the same items. Features are written one by
// one so that a province does not sit in memory twice.
func WriteAreasGeoJSON(w io.Writer, areas []*Area, parentCode CodeOfID) error {
	if _, err := io.WriteString(w, `{"type":"FeatureCollection","features":[`); err != nil {
		return err
	}
	for i, a := range areas {
		props := map[string]json.RawMessage{}
		if len(a.Props) > 0 {
			_ = json.Unmarshal(a.Props, &props)
		}
		for k := range reservedProps {
			delete(props, k)
		}
		str := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
		props["code"], props["name"], props["level"] = str(a.Code), str(a.Name), str(string(a.Level))
		if pc := parentCode(a.ParentID); pc != "" {
			props["parent_code"] = str(pc)
		}
		geom := json.RawMessage("null")
		if HasGeometry(a.Geometry) {
			geom = a.Geometry
		}
		b, err := json.Marshal(rawFeature{Type: "Feature", ID: a.Code, Geometry: geom, Properties: props})
		if err != nil {
			return err
		}
		if i > 0 {
			b = append([]byte{','}, b...)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]}\n")
	return err
}

// SortForExport orders areas parents first, then by code, so an export reads
// like the tree and imports in one pass.
func SortForExport(areas []*Area) {
	sort.SliceStable(areas, func(i, j int) bool {
		if di, dj := areas[i].Level.Depth(), areas[j].Level.Depth(); di != dj {
			return di < dj
		}
		return areas[i].Code < areas[j].Code
	})
}

// compactJSON is the one-line form of a JSON value for a spreadsheet cell.
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}
