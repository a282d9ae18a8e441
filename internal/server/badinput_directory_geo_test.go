package server_test

import (
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

func TestBadInputDirectoryGeo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		cases := []struct {
			name, method, path, body string
			status                   int
			code, field              string
		}{
			{"locate: no lon", "GET", "/api/v1/locate?lat=22", "", 422, "validation", "lon"},
			{"locate: lat out of range", "GET", "/api/v1/locate?lon=113&lat=91", "", 422, "validation", "lat"},
			{"locate: NaN", "GET", "/api/v1/locate?lon=NaN&lat=22", "", 422, "validation", "lon"},
			{"locate: unknown crs", "GET", "/api/v1/locate?lon=113&lat=22&crs=cgcs2000", "", 422, "validation", "crs"},
			{"import: not JSON", "POST", "/api/v1/areas/import", `{"type":`, 422, "validation", "file"},
			{"import: not a collection", "POST", "/api/v1/areas/import", `{"type":"Feature"}`, 422, "validation", "file"},
			{"import: no features", "POST", "/api/v1/areas/import", `{"type":"FeatureCollection","features":[]}`, 422, "validation", "file"},
			{"import: bad dry_run", "POST", "/api/v1/areas/import?dry_run=maybe", `{"type":"FeatureCollection","features":[]}`, 422, "validation", "dry_run"},
			{"import: bad width", "POST", "/api/v1/areas/import?grid_code_width=4", `{}`, 422, "validation", "grid_code_width"},
			{"import: bad code", "POST", "/api/v1/areas/import", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"code":"12","name":"x","level":"town"}}]}`, 422, "import.rejected", "code"},
			{"import.xlsx: not a workbook", "POST", "/api/v1/areas/import.xlsx", `hello`, 422, "validation", "file"},
			{"export: bad root", "GET", "/api/v1/areas/export.geojson?root=x", "", 422, "validation", "root"},
			{"export: bad level", "GET", "/api/v1/areas/export.xlsx?level=planet", "", 422, "validation", "level"},
			{"areas: bad width", "POST", "/api/v1/areas?grid_code_width=9", `{"level":"town","code":"442000115","name":"x"}`, 422, "validation", "grid_code_width"},
			{"areas: bad town code", "POST", "/api/v1/areas", `{"level":"town","code":"442000999","name":"x"}`, 422, "validation", "code"},
			{"areas: bow tie", "POST", "/api/v1/areas", `{"level":"town","code":"442000115","name":"x","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}`, 422, "validation", "geometry"},
		}
		for _, c := range cases {
			before := f.auditRows()
			f.refused(t, c.name, f.do(c.method, c.path, account.Admin, c.body), c.status, c.code, c.field, before)
		}
	})
}
