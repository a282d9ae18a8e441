package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/geo"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// geoTown is a town beside the fixture's (which has no boundaries): 2
// communities of 2×2 grids of 0.002° at 113.30 E, 22.50 N.
var geoTown = directory.Sample{Town: "442000114", Lon: 113.30, Lat: 22.50, Communities: 2, GX: 2, GY: 2, CommunityGeometry: true, TownGeometry: true}

func importGeo(t *testing.T, f *fixture) {
	t.Helper()
	resp := f.do("POST", "/api/v1/areas/import", account.Admin, string(geoTown.FeatureCollection()))
	if body := readAll(resp); resp.StatusCode != 200 {
		t.Fatalf("import: %d %s", resp.StatusCode, body)
	}
}

type locateAnswer struct {
	Grid struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
	} `json:"grid"`
	Ancestors []struct {
		Code  string `json:"code"`
		Level string `json:"level"`
	} `json:"ancestors"`
	WGS84 struct{ Lon, Lat float64 } `json:"wgs84"`
}

func TestLocate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		importGeo(t, f)
		// Community 1 (x 0–2, y 0–2 cells); its grid 4 is cell (1, 1): seq = y·GX + x + 1.
		lon, lat := 113.30+1.5*0.002, 22.50+1.5*0.002
		resp := f.do("GET", "/api/v1/locate?lon="+ftoa(lon)+"&lat="+ftoa(lat), account.GridWorker, "")
		body := readAll(resp)
		if resp.StatusCode != 200 {
			t.Fatalf("locate: %d %s", resp.StatusCode, body)
		}
		var a locateAnswer
		_ = json.Unmarshal([]byte(body), &a)
		if a.Grid.Code != "44200011400104" || len(a.Ancestors) != 2 || a.Ancestors[0].Code != "442000114" || a.Ancestors[1].Code != "442000114001" || a.Ancestors[1].Level != "community" {
			t.Errorf("locate answered %s", body)
		}
		// The same place as AMap (GCJ-02) would report it.
		gLon, gLat := geo.WGS84ToGCJ02(lon, lat)
		resp = f.do("GET", "/api/v1/locate?crs=gcj02&lon="+ftoa(gLon)+"&lat="+ftoa(gLat), account.Admin, "")
		body = readAll(resp)
		_ = json.Unmarshal([]byte(body), &a)
		if resp.StatusCode != 200 || a.Grid.Code != "44200011400104" || geo.DistanceMeters(a.WGS84.Lon, a.WGS84.Lat, lon, lat) > 0.1 {
			t.Errorf("GCJ-02 input: %d %s", resp.StatusCode, body)
		}
		// Outside every grid: 404 problem.
		resp = f.do("GET", "/api/v1/locate?lon=100&lat=30", account.Admin, "")
		if body := readAll(resp); resp.StatusCode != 404 || !strings.Contains(body, "locate.no_grid") {
			t.Errorf("outside: %d %s", resp.StatusCode, body)
		}
		// A grid created through the API is found at once (the index is rebuilt).
		com, _ := db.AreaByCode(ctx, "442000114002")
		g := `{"parent_id":` + itoa(com.ID) + `,"level":"grid","code":"44200011400205","name":"新网格","geometry":{"type":"Polygon","coordinates":[[[113.308,22.5],[113.31,22.5],[113.31,22.502],[113.308,22.502],[113.308,22.5]]]}}`
		if resp := f.do("POST", "/api/v1/areas", account.Admin, g); resp.StatusCode != 201 {
			t.Fatalf("create: %d %s", resp.StatusCode, readAll(resp))
		}
		resp = f.do("GET", "/api/v1/locate?lon=113.309&lat=22.501", account.Admin, "")
		body = readAll(resp)
		if resp.StatusCode != 200 || !strings.Contains(body, "44200011400205") {
			t.Errorf("new grid not located: %d %s", resp.StatusCode, body)
		}
	})
}

func ftoa(v float64) string { b, _ := json.Marshal(v); return string(b) }

func TestAreaImportAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		rows := f.auditRows()
		// Dry run writes nothing.
		resp := f.do("POST", "/api/v1/areas/import?dry_run=true", account.Admin, string(geoTown.FeatureCollection()))
		var rep directory.ImportReport
		_ = json.Unmarshal([]byte(readAll(resp)), &rep)
		if resp.StatusCode != 200 || !rep.DryRun || rep.Created != 11 || f.auditRows() != rows {
			t.Fatalf("dry run: %d %+v", resp.StatusCode, rep)
		}
		// A broken file: 422 problem+json listing each feature; nothing written.
		items := geoTown.Items()
		fc := map[string]any{"type": "FeatureCollection"}
		var feats []map[string]any
		for _, it := range items {
			feats = append(feats, map[string]any{"type": "Feature", "geometry": it.Geometry, "properties": map[string]any{"code": it.Code, "name": it.Name, "level": it.Level, "parent_code": it.ParentCode}})
		}
		feats[3]["geometry"] = items[2].Geometry
		feats[4]["properties"].(map[string]any)["code"] = "123"
		fc["features"] = feats
		b, _ := json.Marshal(fc)
		resp = f.do("POST", "/api/v1/areas/import", account.Admin, string(b))
		body := readAll(resp)
		var p struct {
			Code   string                  `json:"code"`
			Title  string                  `json:"title"`
			Errors []directory.ImportIssue `json:"errors"`
		}
		_ = json.Unmarshal([]byte(body), &p)
		if resp.StatusCode != 422 || resp.Header.Get("Content-Type") != "application/problem+json" || p.Code != "import.rejected" || p.Title == "" || len(p.Errors) < 2 {
			t.Fatalf("broken file: %d %s", resp.StatusCode, body)
		}
		if f.auditRows() != rows {
			t.Error("a refused import wrote")
		}
		importGeo(t, f)
		// Export as GeoJSON and re-import: every feature is an update.
		resp = f.do("GET", "/api/v1/areas/export.geojson?root="+itoa(mustCode(t, db, "442000114").ID), account.Admin, "")
		exp := readAll(resp)
		if resp.StatusCode != 200 || !strings.Contains(exp, `"44200011400204"`) || strings.Contains(exp, `"442000113"`) {
			t.Fatalf("export: %d %.300s", resp.StatusCode, exp)
		}
		resp = f.do("POST", "/api/v1/areas/import?dry_run=true", account.Admin, exp)
		_ = json.Unmarshal([]byte(readAll(resp)), &rep)
		if rep.Updated != 11 || rep.Created != 0 {
			t.Errorf("re-import of the export: %+v", rep)
		}
		// Spreadsheet export → multipart import.
		resp = f.do("GET", "/api/v1/areas/export.xlsx?level=grid", account.Admin, "")
		xl, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(xl) < 100 {
			t.Fatalf("xlsx export: %d", resp.StatusCode)
		}
		var mp bytes.Buffer
		mw := multipart.NewWriter(&mp)
		fw, _ := mw.CreateFormFile("file", "areas.xlsx")
		_, _ = fw.Write(xl)
		mw.Close()
		req, _ := http.NewRequest("POST", f.http.URL+"/api/v1/areas/import.xlsx?dry_run=true", &mp)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+f.keys[account.Admin])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal([]byte(readAll(resp)), &rep)
		if resp.StatusCode != 200 || rep.Updated != 10 { // 8 imported grids + the fixture's 2
			t.Errorf("xlsx re-import: %d %+v", resp.StatusCode, rep)
		}
		// A grid worker sees only their community in an export.
		resp = f.do("GET", "/api/v1/areas/export.geojson", account.GridWorker, "")
		exp = readAll(resp)
		if resp.StatusCode != 200 || strings.Contains(exp, "442000114") || !strings.Contains(exp, "44200011300101") {
			t.Errorf("grid worker export: %.300s", exp)
		}
		if resp := f.do("GET", "/api/v1/areas/template.xlsx", account.GridWorker, ""); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("template: %d", resp.StatusCode)
		}
	})
}

func mustCode(t *testing.T, db *store.DB, code string) *directory.Area {
	t.Helper()
	a, err := db.AreaByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
