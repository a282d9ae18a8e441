package geo

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

func rect(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func codes(is []Issue) []string {
	var out []string
	for _, i := range is {
		out = append(out, fmt.Sprintf("%d:%s", i.Index, i.Code))
	}
	return out
}

func TestValidateGeometry(t *testing.T) {
	const x, y = 120.0, 30.0
	cases := []struct {
		name string
		geom orb.MultiPolygon
		want string // code expected, "" for valid
	}{
		{"valid", orb.MultiPolygon{{rect(x, y, x+0.01, y+0.01)}}, ""},
		{"valid hole", orb.MultiPolygon{{rect(x, y, x+0.01, y+0.01), rect(x+0.002, y+0.002, x+0.004, y+0.004).Clone()}}, CodeWinding},
		{"empty", orb.MultiPolygon{}, CodeGeomEmpty},
		{"short", orb.MultiPolygon{{{{x, y}, {x + 1, y}, {x, y}}}}, CodeRingTooShort},
		{"not closed", orb.MultiPolygon{{{{x, y}, {x + 0.01, y}, {x + 0.01, y + 0.01}, {x, y + 0.01}}}}, CodeRingNotClosed},
		{"range", orb.MultiPolygon{{rect(179.9, y, 180.1, y+0.01)}}, CodeCoordRange},
		{"bow tie", orb.MultiPolygon{{{{x, y}, {x + 0.01, y + 0.01}, {x + 0.01, y}, {x, y + 0.01}, {x, y}}}}, CodeSelfIntersection},
		{"spike", orb.MultiPolygon{{{{x, y}, {x + 0.01, y}, {x + 0.02, y}, {x + 0.015, y}, {x + 0.01, y + 0.01}, {x, y}}}}, CodeSelfIntersection},
		{"hole crosses shell", orb.MultiPolygon{{rect(x, y, x+0.01, y+0.01), reverse(rect(x+0.005, y+0.005, x+0.02, y+0.008))}}, CodeSelfIntersection},
		{"hole outside", orb.MultiPolygon{{rect(x, y, x+0.01, y+0.01), reverse(rect(x+0.02, y, x+0.03, y+0.01))}}, CodeHoleOutside},
	}
	for _, c := range cases {
		is := ValidateFeatures([]Feature{{ID: c.name, Geom: c.geom}}, ValidateOptions{})
		if c.want == "" {
			if len(is) != 0 {
				t.Errorf("%s: unexpected %v", c.name, codes(is))
			}
			continue
		}
		if len(is) == 0 || is[0].Code != c.want || is[0].ID != c.name || is[0].Index != 0 {
			t.Errorf("%s: got %v, want %s", c.name, codes(is), c.want)
		}
	}
	// A correctly wound hole is silent.
	ok := orb.MultiPolygon{{rect(x, y, x+0.01, y+0.01), reverse(rect(x+0.002, y+0.002, x+0.004, y+0.004))}}
	if is := ValidateFeatures([]Feature{{Geom: ok}}, ValidateOptions{}); len(is) != 0 {
		t.Errorf("valid hole: %v", codes(is))
	}
}

func reverse(r orb.Ring) orb.Ring {
	r = r.Clone()
	r.Reverse()
	return r
}

func TestValidateOverlap(t *testing.T) {
	const x, y, s = 120.0, 30.0, 0.002
	fs := []Feature{
		{ID: "a", Parent: "p", Geom: orb.MultiPolygon{{rect(x, y, x+s, y+s)}}},
		{ID: "b", Parent: "p", Geom: orb.MultiPolygon{{rect(x+s, y, x+2*s, y+s)}}},           // shares an edge with a
		{ID: "c", Parent: "p", Geom: orb.MultiPolygon{{rect(x+s/2, y+s/2, x+s*1.5, y+2*s)}}}, // overlaps a and b
		{ID: "d", Parent: "q", Geom: orb.MultiPolygon{{rect(x, y, x+s, y+s)}}},               // same as a, other parent
		// e shares half of b's top edge (a T-junction) without overlapping.
		{ID: "e", Parent: "p", Geom: orb.MultiPolygon{{rect(x+1.5*s, y+s, x+3*s, y+2*s)}}},
	}
	is := ValidateFeatures(fs, ValidateOptions{})
	want := map[string]orb.Ring{
		"a-c": rect(x+s/2, y+s/2, x+s, y+s),
		"b-c": rect(x+s, y+s/2, x+1.5*s, y+s),
	}
	if len(is) != len(want) {
		t.Fatalf("got %v", codes(is))
	}
	for _, i := range is {
		key := i.ID + "-" + i.OtherID
		r, ok := want[key]
		if !ok || i.Code != CodeOverlap {
			t.Errorf("unexpected %s %s", key, i.Code)
			continue
		}
		exp := orbgeo.Area(r) // spherical area, independent of our projection
		if math.Abs(i.AreaM2-exp)/exp > 0.005 {
			t.Errorf("%s overlap %.1f m², want %.1f", key, i.AreaM2, exp)
		}
	}
}

func TestIntersectionAreaDirect(t *testing.T) {
	// Triangle vs square, area checked with orb/geo on the clipped triangle.
	const x, y = 116.0, 40.0
	tri := orb.MultiPolygon{{{{x, y}, {x + 0.004, y}, {x, y + 0.004}, {x, y}}}}
	sq := orb.MultiPolygon{{rect(x, y, x+0.002, y+0.002)}}
	pr := newProjection(tri.Bound())
	got := intersectionArea(prepare(tri, pr), prepare(sq, pr))
	// tri ∩ sq is the square minus nothing: x+y ≤ 0.004 holds on the whole square.
	exp := orbgeo.Area(sq[0][0])
	if math.Abs(got-exp)/exp > 0.005 {
		t.Errorf("area %.1f, want %.1f", got, exp)
	}
	sq2 := orb.MultiPolygon{{rect(x+0.002, y+0.002, x+0.004, y+0.004)}} // touches tri at one point
	if a := intersectionArea(prepare(tri, pr), prepare(sq2, pr)); a > 1e-6 {
		t.Errorf("touching squares overlap %.6f", a)
	}
	sq3 := orb.MultiPolygon{{rect(x+0.001, y+0.001, x+0.003, y+0.003)}} // cut by the hypotenuse
	exp3 := orbgeo.Area(orb.Ring{{x + 0.001, y + 0.001}, {x + 0.003, y + 0.001}, {x + 0.001, y + 0.003}, {x + 0.001, y + 0.001}})
	if a := intersectionArea(prepare(tri, pr), prepare(sq3, pr)); math.Abs(a-exp3)/exp3 > 0.005 {
		t.Errorf("cut square %.1f, want %.1f", a, exp3)
	}
}

func TestCheckCoverage(t *testing.T) {
	const x, y, s = 120.0, 30.0, 0.002
	parent := Feature{ID: "town", Geom: orb.MultiPolygon{{rect(x, y, x+2*s, y+s)}}}
	full := []Feature{
		{ID: "g1", Geom: orb.MultiPolygon{{rect(x, y, x+s, y+s)}}},
		{ID: "g2", Geom: orb.MultiPolygon{{rect(x+s, y, x+2*s, y+s)}}},
	}
	if is := CheckCoverage(parent, full, ValidateOptions{}); len(is) != 0 {
		t.Errorf("full cover: %v", codes(is))
	}
	partial := []Feature{full[0], {ID: "g2", Geom: orb.MultiPolygon{{rect(x+s, y, x+1.5*s, y+s)}}}}
	is := CheckCoverage(parent, partial, ValidateOptions{})
	exp := orbgeo.Area(rect(x+1.5*s, y, x+2*s, y+s))
	if len(is) != 1 || is[0].Code != CodeGap || math.Abs(is[0].AreaM2-exp)/exp > 0.005 {
		t.Errorf("gap: %v (%+v), want %.0f m²", codes(is), is, exp)
	}
	out := []Feature{full[0], {ID: "g2", Geom: orb.MultiPolygon{{rect(x+s, y, x+2.5*s, y+s)}}}}
	is = CheckCoverage(parent, out, ValidateOptions{})
	exp = orbgeo.Area(rect(x+2*s, y, x+2.5*s, y+s))
	if len(is) != 1 || is[0].Code != CodeOutsideParent || is[0].Index != 1 || math.Abs(is[0].AreaM2-exp)/exp > 0.005 {
		t.Errorf("outside: %+v, want %.0f m²", is, exp)
	}
}

func TestValidateGeoJSON(t *testing.T) {
	doc := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":"g1","properties":{"parent":"c1"},"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.002,30],[120.002,30.002],[120,30.002],[120,30]]]}},
	 {"type":"Feature","properties":{"code":"g2","parent":"c1"},"geometry":{"type":"Point","coordinates":[120,30]}},
	 {"type":"Feature","properties":{"code":"g3","parent":"c1"},"geometry":{"type":"MultiPolygon","coordinates":[[[[120.001,30.001],[120.003,30.001],[120.003,30.003],[120.001,30.003],[120.001,30.001]]]]}}
	]}`
	fs, is, err := ValidateGeoJSON([]byte(doc), ParseOptions{}, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 || fs[1].ID != "g2" || fs[0].Parent != "c1" {
		t.Fatalf("features %+v", fs)
	}
	got := strings.Join(codes(is), ",")
	if got != "1:geom.type,0:area.overlap" || is[1].OtherIndex != 2 || is[1].OtherID != "g3" {
		t.Errorf("issues %s %+v", got, is)
	}
	if _, _, err := ParseFeatureCollection([]byte(`{"type":"Feature"}`), ParseOptions{}); err == nil {
		t.Error("a Feature accepted as a FeatureCollection")
	}
}

// An import of 10,000 grids must validate in a few seconds (the product brief);
// this logs the time and fails only far beyond it, timing is for benchmarks.
func TestValidateTenThousandGrids(t *testing.T) {
	items, _ := genGrids(10000, 4)
	fs := make([]Feature, len(items))
	for i, it := range items {
		fs[i] = Feature{ID: fmt.Sprint(it.ID), Parent: "c", Geom: it.Geom}
	}
	start := time.Now()
	is := ValidateFeatures(fs, ValidateOptions{})
	t.Logf("validated %d grids in %v", len(fs), time.Since(start))
	if len(is) != 0 {
		t.Fatalf("generated tiling has issues: %v", codes(is)[:min(5, len(is))])
	}
	// Push one grid onto its neighbour: exactly that pair must be reported.
	moved := fs[5].Geom.Clone()
	for _, r := range moved[0] {
		for k := range r {
			r[k][0] += 0.0005
		}
	}
	fs[5].Geom = moved
	is = ValidateFeatures(fs, ValidateOptions{})
	for _, i := range is {
		if i.Code != CodeOverlap || (i.Index != 5 && i.OtherIndex != 5) {
			t.Errorf("unexpected issue %+v", i)
		}
	}
	if len(is) == 0 {
		t.Error("moved grid not reported")
	}
}

func FuzzParseFeatureCollection(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[null]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]],[[5,5],[6,5],[6,6],[5,5]]]}}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		fs, is, err := ValidateGeoJSON([]byte(doc), ParseOptions{}, ValidateOptions{})
		if err != nil {
			return
		}
		for _, i := range is {
			if i.Index < -1 || i.Index >= len(fs) || i.Code == "" {
				t.Fatalf("bad issue %+v for %d features", i, len(fs))
			}
		}
	})
}
