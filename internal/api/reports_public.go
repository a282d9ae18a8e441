package api

import (
	"encoding/json"
	"encoding/xml"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/calendar"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/open311"
	"towngrid/internal/store"
)

// Transparency: the public feeds (GeoJSON, RSS) and indicators of residents'
// reports. They show what Open311 publishes and nothing personal.

func init() { register((*handlers).reportPublicRoutes) }

func (h *handlers) reportPublicRoutes() []*httpx.Route {
	const tag = "reports"
	return []*httpx.Route{
		{Method: "GET", Path: "/reports/feed.geojson", Perm: account.Public, Kind: httpx.Raw, Tag: tag, Summary: "Residents' reports of the last 90 days as GeoJSON (?service_code=&status=&bbox=)", Handle: h.reportGeoJSON},
		{Method: "GET", Path: "/reports/feed.rss", Perm: account.Public, Kind: httpx.Raw, Tag: tag, Summary: "The latest residents' reports as RSS 2.0", Handle: h.reportRSS},
		{Method: "GET", Path: "/api/v1/reports/indicators", Perm: account.Public, Tag: tag, Summary: "按期结案率 and 满意率 of residents' reports per area and month (?months=1..24)", Out: []PublicIndicator{}, Handle: h.reportIndicators},
	}
}

// PublicIndicator is one area and month.
type PublicIndicator struct {
	Period       string   `json:"period"`
	AreaID       int64    `json:"area_id"`
	Area         string   `json:"area"`
	Closed       int64    `json:"closed"`
	ClosedOnTime int64    `json:"closed_on_time"`
	OnTimeRate   *float64 `json:"on_time_rate"` // 按期结案率 % (null without closures)
	Surveys      int64    `json:"surveys"`
	Satisfied    int64    `json:"satisfied"`
	Basic        int64    `json:"basic"`
	// SatisfactionRate is (满意 + 基本满意) / answers, in %.
	SatisfactionRate *float64 `json:"satisfaction_rate"`
}

func rate(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	v := math.Round(float64(n)*10000/float64(d)) / 100
	return &v
}

func (h *handlers) reportIndicators(w http.ResponseWriter, r *httpx.Request) error {
	months := 6
	if s := r.URL.Query().Get("months"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 24 {
			return httpx.Invalid("months", "report.months", "months is 1 to 24")
		}
		months = n
	}
	now := time.UnixMilli(h.a.DB.Now()).In(calendar.Location())
	since := time.Date(now.Year(), now.Month()-time.Month(months-1), 1, 0, 0, 0, 0, calendar.Location()).Format("2006-01")
	cells, err := h.a.DB.ResidentCells(r.Context(), ResidentKind, since)
	if err != nil {
		return err
	}
	towns, err := h.a.DB.ListAreas(r.Context(), store.AreaFilter{Unscoped: true, Level: directory.Town, Limit: 1000})
	if err != nil {
		return err
	}
	// Each cell counts for the area just below its town (a community), or
	// for the town itself when the report was not placed in a grid.
	sum := map[[2]string]*PublicIndicator{}
	for _, c := range cells {
		id := int64(0)
		for _, t := range towns {
			if rest, ok := strings.CutPrefix(c.AreaPath, t.Path); ok {
				id = t.ID
				if seg, _, _ := strings.Cut(rest, "/"); seg != "" {
					id, _ = strconv.ParseInt(seg, 10, 64)
				}
			}
		}
		if id == 0 {
			continue
		}
		k := [2]string{c.Period, strconv.FormatInt(id, 10)}
		p := sum[k]
		if p == nil {
			p = &PublicIndicator{Period: c.Period, AreaID: id}
			if a, err := h.a.DB.Area(r.Context(), id); err == nil {
				p.Area = a.Name
			}
			sum[k] = p
		}
		p.Closed += c.Closed
		p.ClosedOnTime += c.ClosedOnTime
		p.Surveys += c.Surveys
		p.Satisfied += c.Satisfied
		p.Basic += c.Basic
	}
	out := make([]PublicIndicator, 0, len(sum))
	for _, p := range sum {
		p.OnTimeRate = rate(p.ClosedOnTime, p.Closed)
		p.SatisfactionRate = rate(p.Satisfied+p.Basic, p.Surveys)
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Period != out[j].Period {
			return out[i].Period > out[j].Period
		}
		return out[i].AreaID < out[j].AreaID
	})
	return r.JSON(w, http.StatusOK, out)
}

func (h *handlers) reportGeoJSON(w http.ResponseWriter, r *httpx.Request) error {
	flt, _, err := h.o311Filter(r.Context(), r.URL.Query())
	if err != nil {
		return reportErr(err, "query")
	}
	items, err := h.publicRequests(r.Context(), flt, false)
	if err != nil {
		return err
	}
	type feature struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	for _, it := range items {
		if it.Lat == nil || it.Long == nil {
			continue
		}
		fc.Features = append(fc.Features, feature{Type: "Feature",
			Geometry: map[string]any{"type": "Point", "coordinates": []float64{*it.Long, *it.Lat}},
			Properties: map[string]any{"id": it.ID, "service_code": it.ServiceCode, "service_name": it.ServiceName, "status": it.Status,
				"status_notes": it.StatusNotes, "requested_datetime": it.Requested, "updated_datetime": it.Updated}})
	}
	w.Header().Set("Content-Type", "application/geo+json")
	return json.NewEncoder(w).Encode(fc)
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Description string `xml:"description"`
	Category    string `xml:"category"`
}

type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title       string    `xml:"title"`
		Link        string    `xml:"link"`
		Description string    `xml:"description"`
		Items       []rssItem `xml:"item"`
	} `xml:"channel"`
}

func (h *handlers) reportRSS(w http.ResponseWriter, r *httpx.Request) error {
	q := r.URL.Query()
	q.Set("page_size", "50")
	flt, _, err := h.o311Filter(r.Context(), q)
	if err != nil {
		return reportErr(err, "query")
	}
	items, err := h.publicRequests(r.Context(), flt, false)
	if err != nil {
		return err
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host
	var doc rssDoc
	doc.Version = "2.0"
	doc.Channel.Title, doc.Channel.Link, doc.Channel.Description = "towngrid 群众诉求 / residents' reports", base+"/reports", "Open311 requests"
	for _, it := range items {
		t, _ := open311.ParseTime(it.Requested)
		doc.Channel.Items = append(doc.Channel.Items, rssItem{Title: it.ServiceName + " · " + it.StatusNotes, Link: base + "/reports#r" + it.ID,
			GUID: base + "/open311/v2/requests/" + it.ID + ".json", PubDate: t.Format(time.RFC1123Z), Description: it.Description, Category: it.ServiceCode})
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	if _, err := w.Write([]byte(xml.Header)); err != nil {
		return err
	}
	return xml.NewEncoder(w).Encode(doc)
}
