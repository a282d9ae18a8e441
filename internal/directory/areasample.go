package directory

import (
	"encoding/json"
	"fmt"
)

// Sample describes a generated town for tests, benchmarks and documentation:
// a town split into communities laid out Cols×Rows, each split into GX×GY
// square unit grids of Cell degrees, tiling exactly (no gap, no overlap).
type Sample struct {
	Town              string // 9-digit town code, e.g. 442000113
	Lon, Lat, Cell    float64
	Communities       int
	CommunityCols     int // communities per row
	GX, GY            int // grids per community: GX columns × GY rows (GX·GY ≤ 99)
	CommunityGeometry bool
	TownGeometry      bool
}

func rect(x0, y0, x1, y1 float64) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}})
	return b
}

// Items generates the town, its communities and their grids, parents first.
func (s Sample) Items() []ImportItem {
	if s.Cell == 0 {
		s.Cell = 0.002
	}
	if s.CommunityCols == 0 {
		s.CommunityCols = 10
	}
	rows := (s.Communities + s.CommunityCols - 1) / s.CommunityCols
	x := func(i int) float64 { return s.Lon + float64(i)*s.Cell }
	y := func(j int) float64 { return s.Lat + float64(j)*s.Cell }
	town := ImportItem{Code: s.Town, Name: "样例镇" + s.Town[6:], Level: Town}
	if s.TownGeometry {
		town.Geometry = rect(x(0), y(0), x(min(s.Communities, s.CommunityCols)*s.GX), y(rows*s.GY))
	}
	items := []ImportItem{town}
	for c := 0; c < s.Communities; c++ {
		cc := fmt.Sprintf("%s%03d", s.Town, c+1)
		ci, cj := (c%s.CommunityCols)*s.GX, (c/s.CommunityCols)*s.GY
		com := ImportItem{Code: cc, Name: fmt.Sprintf("样例社区%d", c+1), Level: Community, ParentCode: s.Town}
		if s.CommunityGeometry {
			com.Geometry = rect(x(ci), y(cj), x(ci+s.GX), y(cj+s.GY))
		}
		items = append(items, com)
		seq := 1
		for j := 0; j < s.GY; j++ {
			for i := 0; i < s.GX; i++ {
				items = append(items, ImportItem{Code: fmt.Sprintf("%s%02d", cc, seq), Name: fmt.Sprintf("样例社区%d第%d网格", c+1, seq),
					Level: Grid, ParentCode: cc, Geometry: rect(x(ci+i), y(cj+j), x(ci+i+1), y(cj+j+1))})
				seq++
			}
		}
	}
	for i := range items {
		items[i].Index = i
	}
	return items
}

// FeatureCollection writes the sample as an import file.
func (s Sample) FeatureCollection() []byte {
	type feat struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	fc := struct {
		Type     string `json:"type"`
		Features []feat `json:"features"`
	}{Type: "FeatureCollection"}
	for _, it := range s.Items() {
		g := it.Geometry
		if g == nil {
			g = json.RawMessage("null")
		}
		p := map[string]any{"code": it.Code, "name": it.Name, "level": it.Level}
		if it.ParentCode != "" {
			p["parent_code"] = it.ParentCode
		}
		fc.Features = append(fc.Features, feat{"Feature", g, p})
	}
	b, _ := json.Marshal(fc)
	return b
}
