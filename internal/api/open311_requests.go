package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"towngrid/internal/calendar"
	"towngrid/internal/httpx"
	"towngrid/internal/open311"
	"towngrid/internal/store"
)

// Defaults of GET requests (§2.2 #5): the last 90 days or 1000 rows,
// whichever is smaller.
const (
	o311Window   = 90 * 24 * time.Hour
	o311MaxRows  = 1000
	o311MaxNotes = 200
)

func ms(t int64) string {
	if t <= 0 {
		return ""
	}
	return open311.FormatTime(time.UnixMilli(t).In(calendar.Location()))
}

// publicView builds the published request: never the reporter's name,
// contact or account, never internal comments or staff names.
func (h *handlers) publicView(ctx context.Context, rc *residentCats, w *store.WorkOrder, o *store.Open311Request, ext bool) (open311.Request, error) {
	v := open311.Request{ID: strconv.FormatInt(w.ID, 10), Status: "closed", ServiceCode: w.Category, Description: w.Description,
		Requested: ms(w.CreatedAt), Updated: ms(w.UpdatedAt), Lat: w.Lat, Long: w.Lon}
	if w.Open {
		v.Status = "open"
		v.Expected = ms(w.Deadline)
		if w.ClockDeadline > 0 {
			v.Expected = ms(w.ClockDeadline)
		}
	}
	if rc != nil {
		if c, ok := rc.get(w.Category); ok {
			v.ServiceName = c.Name
		}
		if st, ok := rc.flow.State(w.State); ok {
			v.StatusNotes = st.Label
		}
	}
	if w.DepartmentID > 0 {
		if d, err := h.a.DB.Department(ctx, w.DepartmentID, store.Scope{All: true}); err == nil {
			v.AgencyResponsible = d.Name
		}
	}
	if o != nil {
		v.Address, v.AddressID, v.MediaURL = o.Address, o.AddressID, o.MediaURL
		if o.ServiceCode != "" {
			v.ServiceCode = o.ServiceCode
		}
	}
	if !ext {
		return v, nil
	}
	v.Extended = &open311.Extended{DetailedStatus: open311.DetailedStatus(w.Stage), Stage: w.Stage, State: w.State, Channel: w.Source}
	if o != nil {
		var attrs map[string][]string
		_ = json.Unmarshal(o.Attributes, &attrs)
		for _, code := range sortedKeys(attrs) {
			v.Attributes = append(v.Attributes, open311.AttributeValue{Code: code, Value: attrs[code]})
		}
		if o.MediaURL != "" {
			v.Extended.Photos = []string{o.MediaURL}
		}
	}
	evs, err := h.a.DB.WorkOrderEvents(ctx, w.ID, 0, o311MaxNotes)
	if err != nil {
		return v, err
	}
	for _, e := range evs {
		d := e.PublicComment
		if d == "" && rc != nil {
			if st, ok := rc.flow.State(e.To); ok && e.To != e.From {
				d = st.Label
			}
		}
		if d == "" {
			continue // notices without a public word stay internal
		}
		v.Notes = append(v.Notes, open311.Note{Datetime: ms(e.At), Description: d, Type: "status"})
	}
	ups, err := h.a.DB.Open311Updates(ctx, w.ID)
	if err != nil {
		return v, err
	}
	for _, u := range ups {
		v.Notes = append(v.Notes, open311.Note{Datetime: ms(u.At), Description: u.Description, Type: "comment"})
	}
	return v, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// o311Filter reads the query of GET requests into a store filter.
func (h *handlers) o311Filter(ctx context.Context, q url.Values) (store.PublicFilter, bool, error) {
	f := store.PublicFilter{Kind: ResidentKind, Limit: o311MaxRows}
	town, err := h.jurisdiction(ctx, open311.Get(q, "jurisdiction_id"))
	if err != nil {
		return f, false, err
	}
	if town != nil {
		f.AreaPath = town.Path
	}
	ext := open311.Get(q, "extensions") == "true"
	if s := open311.Get(q, "page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > o311MaxRows {
			return f, ext, open311.Bad("open311.page_size", "page_size must be 1 to %d", o311MaxRows)
		}
		f.Limit = n
	}
	if s := open311.Get(q, "page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			return f, ext, open311.Bad("open311.page", "page must be a whole number from 1")
		}
		f.Offset = (n - 1) * f.Limit
	}
	if s := open311.Get(q, "service_request_id"); s != "" {
		// The id list overrides every other filter (§2.2 #5).
		f.IDs, err = open311.ParseIDs(s)
		return f, ext, err
	}
	if s := open311.Get(q, "service_code"); s != "" {
		for c := range strings.SplitSeq(s, ",") {
			if c = strings.TrimSpace(c); c != "" {
				f.Categories = append(f.Categories, c)
			}
		}
	}
	now := time.UnixMilli(h.a.DB.Now())
	end, start := now, time.Time{}
	if s := open311.Get(q, "end_date"); s != "" {
		if end, err = open311.ParseTime(s); err != nil {
			return f, ext, err
		}
	}
	if s := open311.Get(q, "start_date"); s != "" {
		if start, err = open311.ParseTime(s); err != nil {
			return f, ext, err
		}
	} else {
		start = end.Add(-o311Window)
	}
	if end.Before(start) {
		return f, ext, open311.Bad("open311.date_range", "end_date is before start_date")
	}
	if end.Sub(start) > o311Window {
		return f, ext, open311.Bad("open311.date_range", "start_date to end_date spans at most 90 days")
	}
	f.From, f.To = start.UnixMilli(), end.UnixMilli()+1
	if s := open311.Get(q, "status"); s != "" {
		open, closed := false, false
		for st := range strings.SplitSeq(s, ",") {
			switch strings.TrimSpace(st) {
			case "open":
				open = true
			case "closed":
				closed = true
			default:
				return f, ext, open311.Bad("open311.status", "status is open, closed or both")
			}
		}
		if open != closed {
			f.Open = &open
		}
	}
	if s := open311.Get(q, "bbox"); s != "" {
		b, err := open311.ParseBBox(s)
		if err != nil {
			return f, ext, err
		}
		f.BBox = &b
	}
	f.Q = open311.Get(q, "q")
	if len([]rune(f.Q)) > 100 {
		return f, ext, open311.Bad("open311.q", "q is at most 100 characters")
	}
	return f, ext, nil
}

// publicRequests runs a filter and builds the published views.
func (h *handlers) publicRequests(ctx context.Context, f store.PublicFilter, ext bool) ([]open311.Request, error) {
	ws, err := h.a.DB.PublicWorkOrders(ctx, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ws))
	for i, w := range ws {
		ids[i] = w.ID
	}
	os, err := h.a.DB.Open311Requests(ctx, ids)
	if err != nil {
		return nil, err
	}
	rc, err := h.residentCats(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]open311.Request, 0, len(ws))
	for _, w := range ws {
		v, err := h.publicView(ctx, rc, w, os[w.ID], ext)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (h *handlers) o311List(w http.ResponseWriter, r *httpx.Request, f open311.Format) error {
	flt, ext, err := h.o311Filter(r.Context(), r.URL.Query())
	if err != nil {
		return err
	}
	items, err := h.publicRequests(r.Context(), flt, ext)
	if err != nil {
		return err
	}
	return open311.Write(w, f, http.StatusOK, open311.Requests{Items: items})
}

func (h *handlers) o311One(w http.ResponseWriter, r *httpx.Request, f open311.Format) error {
	q := r.URL.Query()
	town, err := h.jurisdiction(r.Context(), open311.Get(q, "jurisdiction_id"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return open311.Errorf(http.StatusNotFound, "open311.service_request_id", "no request %q", r.PathValue("id"))
	}
	flt := store.PublicFilter{Kind: ResidentKind, IDs: []int64{id}, Limit: 1}
	if town != nil {
		flt.AreaPath = town.Path
	}
	items, err := h.publicRequests(r.Context(), flt, open311.Get(q, "extensions") == "true")
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return open311.Errorf(http.StatusNotFound, "open311.service_request_id", "no request %d", id)
	}
	return open311.Write(w, f, http.StatusOK, open311.Requests{Items: items})
}
