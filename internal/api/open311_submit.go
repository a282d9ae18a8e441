package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/open311"
	"towngrid/internal/store"
	"towngrid/internal/workorders"
)

// residentInput is a resident's request from any channel (Open311 or the
// public report page); both go through submitResident and the engine.
type residentInput struct {
	Channel     string // open311 | web
	Code        string
	Description string
	Loc         open311.Location
	Attrs       map[string][]string
	MediaURL    string
	Contact     map[string]string // email, first_name, last_name, phone
	DeviceID    string
	AccountID   string
	Town        *directory.Area
	IP          string
}

// htmlTag spots markup: the spec wants descriptions without HTML (§2.2 #3).
var htmlTag = regexp.MustCompile(`<\s*/?\s*[a-zA-Z!][^>]*>`)

func checkText(field, s string, max int) error {
	switch {
	case utf8.RuneCountInString(s) > max:
		return open311.Bad("open311."+field, "%s is at most %d characters", field, max)
	case !utf8.ValidString(s):
		return open311.Bad("open311."+field, "%s is not UTF-8", field)
	case htmlTag.MatchString(s):
		return open311.Bad("open311."+field, "%s must be plain text, without HTML", field)
	}
	return nil
}

func checkMediaURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 2000 {
		return open311.Bad("open311.media_url", "media_url must be an http(s) URL of at most 2000 bytes")
	}
	return nil
}

// defaultArea is where a request without a grid lands: the jurisdiction,
// else the submitter's first area, else the first town. The grid's
// 监督员 verifies it (核实) and corrects it there.
func (h *handlers) defaultArea(ctx context.Context, p *account.Principal, town *directory.Area) (int64, error) {
	if town != nil {
		return town.ID, nil
	}
	if p != nil && len(p.Scopes) > 0 {
		parts := strings.Split(strings.Trim(p.Scopes[0], "/"), "/")
		if id, err := strconv.ParseInt(parts[len(parts)-1], 10, 64); err == nil {
			return id, nil
		}
	}
	towns, err := h.a.DB.ListAreas(ctx, store.AreaFilter{Unscoped: true, Level: directory.Town, Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(towns) == 0 {
		return 0, open311.Bad("open311.location", "this server has no town yet")
	}
	return towns[0].ID, nil
}

// submitResident validates and files a request as a work order of the
// resident kind through the one engine, with its extras in the same transaction.
func (h *handlers) submitResident(ctx context.Context, who workorders.Caller, in *residentInput) (*store.WorkOrder, *store.Open311Request, error) {
	if err := checkText("description", in.Description, open311.MaxDescription); err != nil {
		return nil, nil, err
	}
	if err := checkMediaURL(in.MediaURL); err != nil {
		return nil, nil, err
	}
	for k, v := range in.Contact {
		if err := checkText(k, v, 100); err != nil {
			return nil, nil, err
		}
		if k == "email" && v != "" && !strings.Contains(v, "@") {
			return nil, nil, open311.Bad("open311.email", "email is not an e-mail address")
		}
	}
	if err := checkText("device_id", in.DeviceID+in.AccountID, 200); err != nil {
		return nil, nil, err
	}
	rc, err := h.residentCats(ctx)
	if err != nil {
		return nil, nil, err
	}
	cat, ok := rc.get(in.Code)
	if !ok {
		return nil, nil, open311.Bad("open311.service_code", "no service %q", in.Code)
	}
	rep := &workorders.Report{Kind: ResidentKind, Category: in.Code, Source: in.Channel, Description: in.Description,
		Lon: in.Loc.Long, Lat: in.Loc.Lat}
	if in.Channel == "web" {
		rep.Source = "resident"
	}
	title := cat.Name
	if d := strings.TrimSpace(in.Description); d != "" {
		title += "：" + string([]rune(d)[:min(40, utf8.RuneCountInString(d))])
	}
	rep.Title = title
	rep.Contact = in.Contact["phone"]
	if rep.Contact == "" {
		rep.Contact = in.Contact["email"]
	}
	switch {
	case in.Loc.AddressID != "":
		a, err := h.a.DB.AreaByCode(ctx, in.Loc.AddressID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && in.Town != nil && !strings.HasPrefix(a.Path, in.Town.Path)) {
			return nil, nil, open311.Bad("open311.address_id", "address_id %q is no grid of this jurisdiction", in.Loc.AddressID)
		}
		if err != nil {
			return nil, nil, err
		}
		rep.AreaID = a.ID
	case in.Loc.Lat != nil:
		if ix := h.a.Services.Grids.Load(); ix != nil {
			gid, ok := ix.Locate(*in.Loc.Long, *in.Loc.Lat)
			if !ok {
				return nil, nil, open311.Bad("open311.location", "the point lies in no grid of this town")
			}
			rep.AreaID = gid
		}
	}
	if rep.AreaID == 0 {
		if rep.AreaID, err = h.defaultArea(ctx, who.P, in.Town); err != nil {
			return nil, nil, err
		}
	}
	attrs, _ := json.Marshal(in.Attrs)
	contact, _ := json.Marshal(in.Contact)
	o := &store.Open311Request{Token: account.RandomToken(16), ServiceCode: in.Code, Channel: in.Channel, Attributes: attrs,
		Address: in.Loc.Address, AddressID: in.Loc.AddressID, MediaURL: in.MediaURL, DeviceID: in.DeviceID, AccountID: in.AccountID,
		Contact: contact, ClientIP: in.IP}
	var wo *store.WorkOrder
	err = h.a.DB.Write(ctx, who.Actor, func(tx *store.Tx) error {
		var err error
		if wo, err = h.wo().IntakeTx(ctx, tx, who, rep); err != nil {
			return err
		}
		o.WorkOrderID = wo.ID
		return tx.CreateOpen311Request(ctx, o)
	})
	if err != nil {
		return nil, nil, err
	}
	return wo, o, nil
}

func (h *handlers) o311Post(w http.ResponseWriter, r *httpx.Request, f open311.Format) error {
	if err := r.ParseForm(); err != nil {
		return open311.Bad("open311.form", "the body must be application/x-www-form-urlencoded")
	}
	form := r.Form
	p, err := h.o311Key(r, open311.Get(form, "api_key"))
	if err != nil {
		return err
	}
	town, err := h.jurisdiction(r.Context(), open311.Get(form, "jurisdiction_id"))
	if err != nil {
		return err
	}
	code := open311.Get(form, "service_code")
	if code == "" {
		return open311.Bad("open311.service_code", "service_code is required")
	}
	rc, err := h.residentCats(r.Context())
	if err != nil {
		return err
	}
	if _, ok := rc.get(code); !ok {
		return open311.Bad("open311.service_code", "no service %q", code)
	}
	loc, err := open311.ParseLocation(form)
	if err != nil {
		return err
	}
	cfg, err := h.o311Config(r.Context())
	if err != nil {
		return err
	}
	attrs, err := open311.ParseAttributes(form, cfg.Definition(code))
	if err != nil {
		return err
	}
	in := &residentInput{Channel: "open311", Code: code, Description: open311.Get(form, "description"), Loc: loc, Attrs: attrs,
		MediaURL: open311.Get(form, "media_url"), Contact: map[string]string{}, DeviceID: open311.Get(form, "device_id"),
		AccountID: open311.Get(form, "account_id"), Town: town, IP: clientIP(r.Request)}
	for _, k := range []string{"email", "first_name", "last_name", "phone"} {
		if v := open311.Get(form, k); v != "" {
			in.Contact[k] = v
		}
	}
	who := workorders.Caller{P: p, Actor: store.Actor{ID: p.UserID, Name: p.Username, Via: "open311"}}
	wo, o, err := h.submitResident(r.Context(), who, in)
	if err != nil {
		return err
	}
	return open311.Write(w, f, http.StatusOK, open311.Receipts{Items: []open311.Receipt{{
		ServiceRequestID: strconv.FormatInt(wo.ID, 10), Token: o.Token, AccountID: in.AccountID,
		ServiceNotice: "已受理，处置截止 " + ms(max(wo.Deadline, wo.ClockDeadline))}}})
}

// clientIP is the peer address (the proxy's, behind one: rate limits then
// apply per proxy unless the proxy is trusted, which is the operator's call).
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

func (h *handlers) o311Updates(w http.ResponseWriter, r *httpx.Request, f open311.Format) error {
	q := r.URL.Query()
	if _, err := h.o311Key(r, open311.Get(q, "api_key")); err != nil {
		return err
	}
	now := time.UnixMilli(h.a.DB.Now())
	end, start := now, now.Add(-o311Window)
	var err error
	if s := open311.Get(q, "end_date"); s != "" {
		if end, err = open311.ParseTime(s); err != nil {
			return err
		}
	}
	if s := open311.Get(q, "start_date"); s != "" {
		if start, err = open311.ParseTime(s); err != nil {
			return err
		}
	}
	if end.Before(start) || end.Sub(start) > o311Window {
		return open311.Bad("open311.date_range", "start_date ≤ end_date, at most 90 days apart")
	}
	evs, err := h.a.DB.KindEvents(r.Context(), ResidentKind, 0, start.UnixMilli(), end.UnixMilli()+1, o311MaxRows)
	if err != nil {
		return err
	}
	rc, err := h.residentCats(r.Context())
	if err != nil {
		return err
	}
	out := open311.Updates{Items: []open311.Update{}}
	for _, e := range evs {
		stage, label := "", ""
		if st, ok := rc.flow.State(e.To); ok {
			stage, label = string(st.Stage), st.Label
		}
		d := e.PublicComment
		if d == "" {
			d = label
		}
		out.Items = append(out.Items, open311.Update{UpdateID: strconv.FormatInt(e.ID, 10), ServiceRequestID: strconv.FormatInt(e.WorkOrderID, 10),
			Status: open311.UpdateStatus(e.Action, e.To, stage), Updated: ms(e.At), Description: d, ExternalStatusCode: e.To})
	}
	return open311.Write(w, f, http.StatusOK, out)
}

func (h *handlers) o311PostUpdate(w http.ResponseWriter, r *httpx.Request, f open311.Format) error {
	if err := r.ParseForm(); err != nil {
		return open311.Bad("open311.form", "the body must be application/x-www-form-urlencoded")
	}
	form := r.Form
	p, err := h.o311Key(r, open311.Get(form, "api_key"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(open311.Get(form, "service_request_id"), 10, 64)
	if err != nil || id <= 0 {
		return open311.Bad("open311.service_request_id", "service_request_id is required")
	}
	status := strings.ToUpper(open311.Get(form, "status"))
	if !slices.Contains(open311.UpdateStatuses, status) {
		return open311.Bad("open311.status", "status must be one of %s", strings.Join(open311.UpdateStatuses, ", "))
	}
	desc := open311.Get(form, "description")
	if desc == "" {
		return open311.Bad("open311.description", "description is required")
	}
	if err := checkText("description", desc, open311.MaxDescription); err != nil {
		return err
	}
	media := open311.Get(form, "media_url")
	if err := checkMediaURL(media); err != nil {
		return err
	}
	at := time.UnixMilli(h.a.DB.Now())
	if s := open311.Get(form, "updated_datetime"); s != "" {
		if at, err = open311.ParseTime(s); err != nil {
			return err
		}
	}
	ext := open311.Get(form, "update_id")
	if len(ext) > 64 {
		return open311.Bad("open311.update_id", "update_id is at most 64 bytes")
	}
	wo, err := h.a.DB.WorkOrder(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && wo.Kind != ResidentKind) {
		return open311.Errorf(http.StatusNotFound, "open311.service_request_id", "no request %d", id)
	}
	if err != nil {
		return err
	}
	u := &store.Open311Update{WorkOrderID: id, ExternalID: ext, Status: status, Description: desc, MediaURL: media, AuthorID: p.UserID, At: at.UnixMilli()}
	err = h.a.DB.Write(r.Context(), store.Actor{ID: p.UserID, Name: p.Username, Via: "open311"}, func(tx *store.Tx) error {
		return tx.AddOpen311Update(r.Context(), u)
	})
	if err != nil {
		return err
	}
	return open311.Write(w, f, http.StatusOK, open311.Updates{Items: []open311.Update{{UpdateID: "c" + strconv.FormatInt(u.ID, 10),
		ServiceRequestID: strconv.FormatInt(id, 10), Status: status, Updated: ms(u.At), Description: desc, MediaURL: media}}})
}
