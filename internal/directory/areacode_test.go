package directory

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/codes"
)

func fieldCode(err error) string {
	var fe *account.FieldError
	if errors.As(err, &fe) {
		return fe.Code
	}
	if err != nil {
		return "?" + err.Error()
	}
	return ""
}

// Codes by level, from case-management.md §5.1: 320508 姑苏区, 320508019044 (the
// 统计用区划代码 example), township ranges 001–099 街道 / 100–199 镇 / 200–399 乡 /
// 400–599 政企合一, grids 14 digits (CJ/T 213) or 15 (DB11).
func TestCheckCode(t *testing.T) {
	r := codes.DefaultRules()
	prov := &Area{Level: Province, Code: "440000"}
	city := &Area{Level: City, Code: "440100"}
	county := &Area{Level: County, Code: "320508"}
	town := &Area{Level: Town, Code: "320508019"}
	com := &Area{Level: Community, Code: "320508019044"}
	cases := []struct {
		name   string
		a      Area
		parent *Area
		width  int
		code   string
		kind   string
	}{
		{"county ok", Area{Level: County, Code: "320508"}, nil, 0, "", ""},
		{"county 5 digits", Area{Level: County, Code: "32050"}, nil, 0, "division.format", ""},
		{"unknown province", Area{Level: County, Code: "990508"}, nil, 0, "division.province", ""},
		{"prefecture code as county", Area{Level: County, Code: "320500"}, nil, 0, "area.code_level", ""},
		{"province ok", Area{Level: Province, Code: "440000"}, nil, 0, "", ""},
		{"city under province", Area{Level: City, Code: "440100"}, prov, 0, "", ""},
		{"city under another province", Area{Level: City, Code: "320500"}, prov, 0, "area.code_parent", ""},
		{"town 街道", Area{Level: Town, Code: "320508019"}, county, 0, "", "街道"},
		{"town 镇", Area{Level: Town, Code: "442000113"}, nil, 0, "", "镇"},
		{"town 乡", Area{Level: Town, Code: "320508250"}, county, 0, "", "乡"},
		{"town 政企合一", Area{Level: Town, Code: "320508450"}, county, 0, "", "政企合一"},
		{"town under a city", Area{Level: Town, Code: "440100001"}, city, 0, "", "街道"},
		{"township 600 out of range", Area{Level: Town, Code: "320508600"}, county, 0, "township.range", ""},
		{"township 000", Area{Level: Town, Code: "320508000"}, county, 0, "township.range", ""},
		{"town 8 digits", Area{Level: Town, Code: "32050801"}, county, 0, "area.code_length", ""},
		{"town of another county", Area{Level: Town, Code: "320509019"}, county, 0, "area.code_parent", ""},
		{"community ok", Area{Level: Community, Code: "320508019044"}, town, 0, "", ""},
		{"community 000", Area{Level: Community, Code: "320508019000"}, town, 0, "village.format", ""},
		{"community of another town", Area{Level: Community, Code: "320508020044"}, town, 0, "area.code_parent", ""},
		{"grid CJ/T 213", Area{Level: Grid, Code: "32050801904401"}, com, 2, "", ""},
		{"grid default width is 2", Area{Level: Grid, Code: "32050801904401"}, com, 0, "", ""},
		{"grid DB11", Area{Level: Grid, Code: "320508019044001"}, com, 3, "", ""},
		{"DB11 code with width 2", Area{Level: Grid, Code: "320508019044001"}, com, 2, "grid.length", ""},
		{"grid with a letter", Area{Level: Grid, Code: "3205080190440A"}, com, 2, "grid.format", ""},
		{"grid of another community", Area{Level: Grid, Code: "32050801904501"}, com, 2, "area.code_parent", ""},
	}
	for _, c := range cases {
		kind, err := CheckCode(r, &c.a, c.parent, CodeOptions{GridSeqWidth: c.width})
		if got := fieldCode(err); got != c.code {
			t.Errorf("%s: error %q, want %q (%v)", c.name, got, c.code, err)
		}
		if err == nil && kind != c.kind {
			t.Errorf("%s: kind %q, want %q", c.name, kind, c.kind)
		}
	}
}

func TestWithTownKind(t *testing.T) {
	p, err := WithTownKind(json.RawMessage(`{"population":5}`), "镇")
	if err != nil || !strings.Contains(string(p), `"kind":"镇"`) || !strings.Contains(string(p), `"population":5`) {
		t.Errorf("kind not added: %s %v", p, err)
	}
	if _, err := WithTownKind(json.RawMessage(`{"kind":"街道"}`), "镇"); fieldCode(err) != "area.town_kind" {
		t.Errorf("a kind the code contradicts passed: %v", err)
	}
	if _, err := WithTownKind(json.RawMessage(`[1]`), "镇"); fieldCode(err) != "area.props" {
		t.Errorf("props that are no object passed: %v", err)
	}
}

func TestCheckGeometry(t *testing.T) {
	cases := map[string]string{
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`:        "",
		`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]]]}`: "",
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`:              "geom.ring_not_closed",
		`{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`:        "geom.self_intersection",
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`:                    "geom.ring_too_short",
		`{"type":"Polygon","coordinates":[[[0,0],[200,0],[200,1],[0,1],[0,0]]]}`:    "geom.coord_range",
		`{"type":"Point","coordinates":[1,2]}`:                                      "geom.type",
		`"polygon"`:                                                                 "geom.type",
	}
	for g, want := range cases {
		_, err := CheckGeometry(json.RawMessage(g))
		if got := fieldCode(err); got != want {
			t.Errorf("%s: %q, want %q", g, got, want)
		}
	}
}

func findIssue(is []ImportIssue, code string) *ImportIssue {
	for i := range is {
		if is[i].Code == code {
			return &is[i]
		}
	}
	return nil
}

func TestCheckImport(t *testing.T) {
	r := codes.DefaultRules()
	s := Sample{Town: "442000113", Lon: 113.2, Lat: 22.6, Communities: 2, GX: 2, GY: 2, CommunityGeometry: true, TownGeometry: true}
	items := s.Items()
	pl := CheckImport(r, items, nil, nil, ImportOptions{})
	if !pl.Report.OK() || pl.Report.Created != len(items) || len(pl.Order) != len(items) {
		t.Fatalf("a generated tiling was refused: %+v", pl.Report)
	}
	if len(pl.Report.Warnings) != 0 {
		t.Errorf("an exact tiling has warnings: %+v", pl.Report.Warnings)
	}
	// Overlap: move grid 2 of community 1 onto grid 1; both are named.
	bad := s.Items()
	bad[3].Geometry = bad[2].Geometry
	pl = CheckImport(r, bad, nil, nil, ImportOptions{})
	ov := findIssue(pl.Report.Errors, "area.overlap")
	if ov == nil || ov.OtherIndex == nil {
		t.Fatalf("overlap not reported with both features: %+v", pl.Report.Errors)
	}
	if names := []string{ov.ID, ov.OtherID}; !(names[0] == bad[2].Code && names[1] == bad[3].Code || names[0] == bad[3].Code && names[1] == bad[2].Code) {
		t.Errorf("overlap names %v, want %s and %s", names, bad[2].Code, bad[3].Code)
	}
	// A missing grid leaves a gap in its community: a warning, not an error.
	gap := append(append([]ImportItem{}, items[:2]...), items[3:]...)
	pl = CheckImport(r, gap, nil, nil, ImportOptions{})
	if !pl.Report.OK() || findIssue(pl.Report.Warnings, "area.gap") == nil {
		t.Errorf("gap: %+v", pl.Report)
	}
	// Unknown parent, duplicate code.
	odd := s.Items()
	odd[2].ParentCode = "442000113099"
	odd[4].Code = odd[3].Code
	pl = CheckImport(r, odd, nil, nil, ImportOptions{})
	if findIssue(pl.Report.Errors, "area.parent_unknown") == nil || findIssue(pl.Report.Errors, "import.duplicate_code") == nil || pl.Report.Created != 0 {
		t.Errorf("unknown parent / duplicate: %+v", pl.Report.Errors)
	}
	// Upsert: a stored grid with the same code is replaced, not created; a
	// stored area may not move to another parent.
	stored := []*Area{{ID: 7, Level: Town, Code: "442000113", Path: "/7/"}}
	pl = CheckImport(r, items, stored, nil, ImportOptions{})
	if pl.Report.Updated != 1 || pl.Report.Created != len(items)-1 {
		t.Errorf("upsert counts: %+v", pl.Report)
	}
	moved := s.Items()
	moved[0].ParentCode = "442000"
	stored = append(stored, &Area{ID: 1, Level: City, Code: "442000", Path: "/1/"})
	pl = CheckImport(r, moved, stored, nil, ImportOptions{})
	if findIssue(pl.Report.Errors, "area.parent_change") == nil {
		t.Errorf("moving a stored town passed: %+v", pl.Report.Errors)
	}
}

func TestGeoJSONRoundTrip(t *testing.T) {
	s := Sample{Town: "442000113", Lon: 113.2, Lat: 22.6, Communities: 1, GX: 2, GY: 1}
	items, err := ParseAreasGeoJSON(s.FeatureCollection())
	if err != nil || len(items) != 4 {
		t.Fatalf("%d items, %v", len(items), err)
	}
	var areas []*Area
	code := map[int64]string{}
	for i, it := range items {
		a := &Area{ID: int64(i + 1), Level: it.Level, Code: it.Code, Name: it.Name, Geometry: it.Geometry, Props: json.RawMessage(`{"households":3}`)}
		if it.ParentCode != "" {
			for j := range items[:i] {
				if items[j].Code == it.ParentCode {
					a.ParentID = int64(j + 1)
				}
			}
		}
		code[a.ID] = a.Code
		areas = append(areas, a)
	}
	var buf bytes.Buffer
	if err := WriteAreasGeoJSON(&buf, areas, func(id int64) string { return code[id] }); err != nil {
		t.Fatal(err)
	}
	back, err := ParseAreasGeoJSON(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i := range items {
		if back[i].Code != items[i].Code || back[i].ParentCode != items[i].ParentCode || back[i].Level != items[i].Level || string(back[i].Props) != `{"households":3}` {
			t.Errorf("item %d: %+v, want %+v", i, back[i], items[i])
		}
	}
	// The spreadsheet carries the same rows.
	buf.Reset()
	if _, err := WriteAreasXLSX(&buf, areas, func(id int64) string { return code[id] }); err != nil {
		t.Fatal(err)
	}
	rows, issues, err := ParseAreasXLSX(&buf)
	if err != nil || len(issues) > 0 || len(rows) != len(items) {
		t.Fatalf("xlsx: %d rows, %v, %v", len(rows), issues, err)
	}
	for i := range rows {
		if rows[i].Code != items[i].Code || rows[i].ParentCode != items[i].ParentCode || rows[i].Row != i+2 {
			t.Errorf("xlsx row %d: %+v", i, rows[i])
		}
	}
}

func TestXLSXTemplateAndWKT(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteAreasTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	rows, issues, err := ParseAreasXLSX(&buf)
	if err != nil || len(issues) > 0 || len(rows) != 3 {
		t.Fatalf("template: %v %v %v", rows, issues, err)
	}
	if pl := CheckImport(codes.DefaultRules(), rows, nil, nil, ImportOptions{}); !pl.Report.OK() {
		t.Errorf("the template's own examples are refused: %+v", pl.Report.Errors)
	}
	g, err := geometryText("POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))")
	if err != nil || !strings.Contains(string(g), `"Polygon"`) {
		t.Errorf("WKT: %s %v", g, err)
	}
	if _, err := geometryText("CIRCLE(1)"); err == nil {
		t.Error("nonsense geometry text passed")
	}
}

// FuzzParseAreasGeoJSON: any bytes give items or a FormatError, never a panic;
// every item keeps its index, and checking the items does not panic either.
func FuzzParseAreasGeoJSON(f *testing.F) {
	f.Add(Sample{Town: "442000113", Lon: 113, Lat: 22, Communities: 1, GX: 1, GY: 2, CommunityGeometry: true}.FeatureCollection())
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]},"properties":{"code":1,"level":"grid"}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := ParseAreasGeoJSON(data)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error of another type: %v", err)
			}
			return
		}
		for i, it := range items {
			if it.Index != i {
				t.Fatalf("item %d has index %d", i, it.Index)
			}
		}
		pl := CheckImport(codes.DefaultRules(), items, nil, nil, ImportOptions{})
		if pl.Report.OK() != (len(pl.Order) == len(items)) {
			t.Fatalf("order and report disagree")
		}
	})
}

// FuzzParseAreasXLSX: any bytes give rows or a FormatError, never a panic;
// rows keep their spreadsheet row numbers in order.
func FuzzParseAreasXLSX(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteAreasTemplate(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, _, err := ParseAreasXLSX(bytes.NewReader(data))
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error of another type: %v", err)
			}
			return
		}
		for i := 1; i < len(rows); i++ {
			if rows[i].Row <= rows[i-1].Row || rows[i].Index != i {
				t.Fatalf("rows out of order: %+v", rows)
			}
		}
	})
}
