package store_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

var importer = store.Actor{Name: "importer", Via: "cli"}

func geoAuditRows(t *testing.T, db *store.DB) int64 {
	t.Helper()
	res, err := db.VerifyAudit(ctx)
	if err != nil || !res.OK {
		t.Fatalf("audit: %+v %v", res, err)
	}
	return res.Rows
}

func areaCount(t *testing.T, db *store.DB) int {
	t.Helper()
	all, err := db.AllAreas(ctx, "", false)
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

func issueWith(is []directory.ImportIssue, code string) *directory.ImportIssue {
	for i := range is {
		if is[i].Code == code {
			return &is[i]
		}
	}
	return nil
}

func TestImportAreas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := directory.Sample{Town: "442000113", Lon: 113.3, Lat: 22.5, Communities: 3, GX: 3, GY: 2, CommunityGeometry: true, TownGeometry: true}
		items := s.Items()
		// Dry run: a report, nothing written.
		rep, err := db.ImportAreas(ctx, importer, items, nil, directory.ImportOptions{DryRun: true})
		if err != nil || !rep.OK() || rep.Created != len(items) || areaCount(t, db) != 0 {
			t.Fatalf("dry run: %+v %v", rep, err)
		}
		rep, err = db.ImportAreas(ctx, importer, items, nil, directory.ImportOptions{})
		if err != nil || !rep.OK() || rep.Created != len(items) || rep.Updated != 0 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		if n := areaCount(t, db); n != len(items) {
			t.Fatalf("%d areas stored, want %d", n, len(items))
		}
		town, err := db.AreaByCode(ctx, "442000113")
		if err != nil || !bytes.Contains(town.Props, []byte(`"kind":"镇"`)) {
			t.Errorf("town kind not recorded: %s %v", town.Props, err)
		}
		g, err := db.AreaByCode(ctx, "44200011300306")
		c, _ := db.AreaByCode(ctx, "442000113003")
		if err != nil || g.ParentID != c.ID || g.Path != c.Path+itoa(g.ID)+"/" {
			t.Errorf("grid not under its community: %+v %+v", g, c)
		}

		// A broken file is refused item by item and writes nothing.
		rows := geoAuditRows(t, db)
		bad := directory.Sample{Town: "442000114", Lon: 113.4, Lat: 22.5, Communities: 2, GX: 2, GY: 2}.Items()
		bad[2].Geometry = json.RawMessage(`{"type":"Polygon","coordinates":[[[113.4,22.5],[113.41,22.5],[113.41,22.51],[113.4,22.51]]]}`)              // not closed
		bad[3].Geometry = json.RawMessage(`{"type":"Polygon","coordinates":[[[113.4,22.5],[113.41,22.51],[113.41,22.5],[113.4,22.51],[113.4,22.5]]]}`) // bow tie
		bad[5].Geometry = bad[4].Geometry                                                                                                              // two grids on one place
		bad[7].Code = "4420001140020"                                                                                                                  // 13 digits
		bad[8].ParentCode = "442000114077"                                                                                                             // no such community
		rep, err = db.ImportAreas(ctx, importer, bad, nil, directory.ImportOptions{})
		if err != nil || rep.OK() || rep.Created != 0 {
			t.Fatalf("broken file: %+v %v", rep, err)
		}
		want := map[string]int{"geom.ring_not_closed": 2, "geom.self_intersection": 3, "area.overlap": 4, "grid.length": 7, "area.parent_unknown": 8}
		for code, idx := range want {
			is := issueWith(rep.Errors, code)
			if is == nil || is.Index != idx || is.ID != bad[idx].Code {
				t.Errorf("%s: %+v, want index %d", code, is, idx)
			}
		}
		if ov := issueWith(rep.Errors, "area.overlap"); ov != nil && (ov.OtherID != bad[5].Code || ov.OtherIndex == nil || *ov.OtherIndex != 5) {
			t.Errorf("overlap does not name both grids: %+v", ov)
		}
		if areaCount(t, db) != len(items) || geoAuditRows(t, db) != rows {
			t.Error("a refused file wrote something")
		}

		// A new grid that overlaps a stored sibling is refused, naming the stored one.
		over := []directory.ImportItem{{Code: "44200011300107", Name: "重叠", Level: directory.Grid, ParentCode: "442000113001", Geometry: items[2].Geometry}}
		rep, _ = db.ImportAreas(ctx, importer, over, nil, directory.ImportOptions{})
		if ov := issueWith(rep.Errors, "area.overlap"); ov == nil || ov.OtherID != items[2].Code {
			t.Errorf("overlap with a stored sibling: %+v", rep.Errors)
		}

		// Upsert by code: renaming updates, nothing is created.
		items[4].Name = "改名网格"
		rep, err = db.ImportAreas(ctx, importer, items, nil, directory.ImportOptions{})
		if err != nil || !rep.OK() || rep.Updated != len(items) || rep.Created != 0 {
			t.Fatalf("upsert: %+v %v", rep, err)
		}
		if a, _ := db.AreaByCode(ctx, items[4].Code); a.Name != "改名网格" || areaCount(t, db) != len(items) {
			t.Errorf("upsert did not rename: %+v", a)
		}

		// Export round trip: what comes out reads back as what went in.
		areas, err := db.AreasUnder(ctx, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		codes := map[int64]string{}
		for _, a := range areas {
			codes[a.ID] = a.Code
		}
		var buf bytes.Buffer
		if err := directory.WriteAreasGeoJSON(&buf, areas, func(id int64) string { return codes[id] }); err != nil {
			t.Fatal(err)
		}
		back, err := directory.ParseAreasGeoJSON(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string]directory.ImportItem{}
		for _, it := range back {
			byCode[it.Code] = it
		}
		for _, it := range items {
			b, ok := byCode[it.Code]
			if !ok || b.Name != it.Name || b.Level != it.Level || b.ParentCode != it.ParentCode || !sameJSON(b.Geometry, it.Geometry) {
				t.Errorf("round trip of %s: %+v", it.Code, b)
			}
		}
		rep, err = db.ImportAreas(ctx, importer, back, nil, directory.ImportOptions{DryRun: true})
		if err != nil || !rep.OK() || rep.Updated != len(items) {
			t.Errorf("re-import of the export: %+v %v", rep, err)
		}
	})
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// Creating and changing one area checks its code against its parent and its boundary.
func TestAreaCodeAndGeometryOnWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		town := mkArea(t, db, 0, directory.Town, "442000113", "古镇镇")
		com := mkArea(t, db, town.ID, directory.Community, "442000113001", "海洲村")
		try := func(a *directory.Area, opt directory.CodeOptions) string {
			return fieldCodeOf(db.Write(ctx, importer, func(tx *store.Tx) error { return tx.CreateAreaWith(ctx, a, opt) }))
		}
		if c := try(&directory.Area{ParentID: com.ID, Level: directory.Grid, Code: "44200011300201", Name: "x"}, directory.CodeOptions{}); c != "area.code_parent" {
			t.Errorf("grid of another community: %q", c)
		}
		if c := try(&directory.Area{ParentID: com.ID, Level: directory.Grid, Code: "442000113001001", Name: "x"}, directory.CodeOptions{}); c != "grid.length" {
			t.Errorf("DB11 code without the option: %q", c)
		}
		if c := try(&directory.Area{ParentID: com.ID, Level: directory.Grid, Code: "442000113001001", Name: "x"}, directory.CodeOptions{GridSeqWidth: 3}); c != "" {
			t.Errorf("DB11 code with the option: %q", c)
		}
		if c := try(&directory.Area{ParentID: com.ID, Level: directory.Grid, Code: "44200011300102", Name: "x",
			Geometry: json.RawMessage(`{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`)}, directory.CodeOptions{}); c != "geom.self_intersection" {
			t.Errorf("bow tie: %q", c)
		}
		town.Props = json.RawMessage(`{"kind":"街道"}`)
		err := db.Write(ctx, importer, func(tx *store.Tx) error { return tx.UpdateArea(ctx, town) })
		if c := fieldCodeOf(err); c != "area.town_kind" {
			t.Errorf("a 镇 code called 街道: %q", c)
		}
	})
}

func fieldCodeOf(err error) string {
	var fe *account.FieldError
	if errors.As(err, &fe) {
		return fe.Code
	}
	if err != nil {
		return "?" + err.Error()
	}
	return ""
}

// 10,000 grids in 125 communities, written in one transaction. The time is
// logged (docs/perf-directory.md), not asserted: the machine is shared.
func TestImportTenThousandGrids(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		items := directory.Sample{Town: "442000113", Lon: 113.0, Lat: 22.0, Cell: 0.002, Communities: 125, CommunityCols: 25, GX: 10, GY: 8, CommunityGeometry: true, TownGeometry: true}.Items()
		start := time.Now()
		rep, err := db.ImportAreas(ctx, importer, items, nil, directory.ImportOptions{})
		if err != nil || !rep.OK() {
			t.Fatalf("%+v %v", rep, err)
		}
		t.Logf("%s: imported %d areas (10,000 grids) in %v", db.Dialect(), rep.Created, time.Since(start).Round(time.Millisecond))
		grids, err := db.AllAreas(ctx, directory.Grid, false)
		if err != nil || len(grids) != 10000 {
			t.Fatalf("%d grids stored, %v", len(grids), err)
		}
	})
}
