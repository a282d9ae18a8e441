package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/store"
)

// Residents' pages, no account needed: file a report (phone-first), track it,
// and the transparency map, list and indicators. The pages are shells; the
// script (static/report.js) reads the Open311 services and the report API.

func init() {
	register(func(u *UI) []*httpx.Route {
		return []*httpx.Route{
			{Method: "GET", Path: "/report", Perm: account.Public, Kind: httpx.Page, Summary: "File a report: category, pin or GPS, photos, nearby duplicates to follow", Handle: u.reportPage},
			{Method: "GET", Path: "/report/track", Perm: account.Public, Kind: httpx.Page, Summary: "Track a report by its token (?token=), answer the survey", Handle: u.reportTrack},
			{Method: "GET", Path: "/reports", Perm: account.Public, Kind: httpx.Page, Summary: "Public map and list of residents' reports", Handle: u.reportsMap},
			{Method: "GET", Path: "/reports/indicators", Perm: account.Public, Kind: httpx.Page, Summary: "Public indicators: 按期结案率 and 满意率 per area and month", Handle: u.reportsIndicators},
		}
	})
}

// reportView tells the script where to centre the map.
type reportView struct {
	Lat, Lon string
	Token    string
}

// center is the middle of the first town's boundary, else of the newest
// located report, else empty (the script then shows the whole world).
func (u *UI) center(ctx context.Context) (string, string) {
	towns, err := u.a.DB.ListAreas(ctx, store.AreaFilter{Unscoped: true, Level: directory.Town, WithGeometry: true, Limit: 1})
	if err == nil && len(towns) == 1 && len(towns[0].Geometry) > 0 {
		var g struct {
			Coordinates json.RawMessage `json:"coordinates"`
		}
		if json.Unmarshal(towns[0].Geometry, &g) == nil {
			var lo, la, n float64
			walk(g.Coordinates, func(x, y float64) { lo, la, n = lo+x, la+y, n+1 })
			if n > 0 {
				return ftoa(la / n), ftoa(lo / n)
			}
		}
	}
	ws, err := u.a.DB.PublicWorkOrders(ctx, store.PublicFilter{Kind: "resident", Limit: 20})
	if err == nil {
		for _, w := range ws {
			if w.Lat != nil && w.Lon != nil {
				return ftoa(*w.Lat), ftoa(*w.Lon)
			}
		}
	}
	return "", ""
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) }

// walk visits the positions of nested GeoJSON coordinate arrays.
func walk(raw json.RawMessage, fn func(x, y float64)) {
	var pos []float64
	if json.Unmarshal(raw, &pos) == nil && len(pos) >= 2 {
		fn(pos[0], pos[1])
		return
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for _, x := range list {
			walk(x, fn)
		}
	}
}

func (u *UI) reportPage(w http.ResponseWriter, r *httpx.Request) error {
	lat, lon := u.center(r.Context())
	return u.render(w, r, http.StatusOK, "report", Page{Title: "report.title", Data: reportView{Lat: lat, Lon: lon}})
}

func (u *UI) reportTrack(w http.ResponseWriter, r *httpx.Request) error {
	tok := r.URL.Query().Get("token")
	if len(tok) > 100 {
		tok = ""
	}
	return u.render(w, r, http.StatusOK, "report_track", Page{Title: "report.track.title", Data: reportView{Token: tok}})
}

func (u *UI) reportsMap(w http.ResponseWriter, r *httpx.Request) error {
	lat, lon := u.center(r.Context())
	return u.render(w, r, http.StatusOK, "reports_map", Page{Title: "reports.title", Data: reportView{Lat: lat, Lon: lon}})
}

func (u *UI) reportsIndicators(w http.ResponseWriter, r *httpx.Request) error {
	return u.render(w, r, http.StatusOK, "reports_indicators", Page{Title: "reports.ind.title"})
}
