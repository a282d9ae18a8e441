package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/calendar"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/open311"
	"towngrid/internal/store"
	"towngrid/internal/workflow"
	"towngrid/internal/workorders"
)

// Open311 GeoReport v2 (case-management.md §2) at /open311/v2/. The routes
// are public (Raw): the api_key of a POST is checked here, against the
// api_keys table, and every refusal is the spec's error array.

// ResidentKind is the work-order kind residents' requests open.
const ResidentKind = "resident"

const o311Base = "/open311/v2/"

func init() { register((*handlers).open311Routes) }

func (h *handlers) open311Routes() []*httpx.Route {
	var rs []*httpx.Route
	add := func(method, name, summary string, fn o311Handler) {
		for _, f := range []open311.Format{open311.XML, open311.JSON} {
			rs = append(rs, &httpx.Route{Method: method, Path: o311Base + name + "." + string(f), Perm: account.Public, Kind: httpx.Raw,
				Tag: "open311", Summary: summary, Handle: h.o311(fn, f)})
		}
	}
	addID := func(name, summary string, fn o311Handler) {
		rs = append(rs, &httpx.Route{Method: "GET", Path: o311Base + name + "/{id}", Perm: account.Public, Kind: httpx.Raw,
			Tag: "open311", Summary: summary, Handle: h.o311(fn, "")})
	}
	add("GET", "discovery", "Open311 service discovery", h.o311Discovery)
	add("GET", "services", "Open311 services: the categories residents may report", h.o311Services)
	addID("services", "Open311 service definition ({code}.xml|.json): the category's questions", h.o311Definition)
	add("POST", "requests", "Open311 submit a request (api_key; one location; attribute[code])", h.o311Post)
	add("GET", "requests", "Open311 requests (service_request_id, service_code, start_date, end_date, status, page, page_size, bbox, q, extensions)", h.o311List)
	addID("requests", "Open311 one request ({id}.xml|.json)", h.o311One)
	addID("tokens", "Open311 token lookup ({token}.xml|.json)", h.o311Token)
	add("GET", "servicerequestupdates", "mySociety request updates (api_key, start_date, end_date)", h.o311Updates)
	add("POST", "servicerequestupdates", "mySociety post an update on a request (api_key)", h.o311PostUpdate)
	return rs
}

type o311Handler func(w http.ResponseWriter, r *httpx.Request, f open311.Format) error

// o311 fixes the format (from the route, or from the {id} suffix) and
// answers every error in the spec's format.
func (h *handlers) o311(fn o311Handler, fixed open311.Format) func(w http.ResponseWriter, r *httpx.Request) error {
	return func(w http.ResponseWriter, r *httpx.Request) error {
		f := fixed
		if f == "" {
			base, ff, ok := open311.SplitFormat(r.PathValue("id"))
			if !ok || base == "" {
				// Without a format the spec's error body has no form either.
				return httpx.Errorf(http.StatusNotFound, "not_found", "add .xml or .json to the resource name")
			}
			f = ff
			r.SetPathValue("id", base)
		}
		if err := fn(w, r, f); err != nil {
			open311.WriteError(w, f, h.o311Error(r, err))
		}
		return nil
	}
}

// o311Error maps any error onto the three statuses of §2.1.
func (h *handlers) o311Error(r *httpx.Request, err error) *open311.Error {
	var oe *open311.Error
	var we *workorders.Error
	var fe *account.FieldError
	var pr *httpx.Problem
	switch {
	case errors.As(err, &oe):
		return oe
	case errors.As(err, &we):
		st := http.StatusBadRequest
		if we.Status == http.StatusForbidden || we.Status == http.StatusNotFound {
			st = we.Status
		}
		d := we.Detail
		if we.Field != "" {
			d = we.Field + ": " + d
		}
		return &open311.Error{Status: st, Code: we.Code, Detail: d}
	case errors.As(err, &fe):
		return &open311.Error{Status: http.StatusBadRequest, Code: fe.Code, Detail: fe.Field + ": " + fe.Detail}
	case errors.Is(err, store.ErrNotFound):
		return &open311.Error{Status: http.StatusNotFound, Code: "open311.not_found", Detail: "no such resource"}
	case errors.As(err, &pr) && pr.Status < 500:
		st := http.StatusBadRequest
		if pr.Status == http.StatusNotFound || pr.Status == http.StatusForbidden {
			st = pr.Status
		}
		return &open311.Error{Status: st, Code: pr.Code, Detail: pr.Detail}
	}
	h.a.Log.Error("open311 failed", slog.String("path", r.URL.Path), slog.String("request_id", r.ID), slog.Any("err", err))
	return &open311.Error{Status: http.StatusInternalServerError, Code: "internal", Detail: "internal error (request " + r.ID + ")"}
}

// o311Config is the configuration in force: the rules table's version when
// an administrator added one, else the embedded seed.
func (h *handlers) o311Config(ctx context.Context) (*open311.Config, error) {
	rule, err := h.a.DB.RuleInForce(ctx, open311.RuleKind, "default", time.Now().In(calendar.Location()).Format("2006-01-02"))
	if err == nil {
		return open311.ParseConfig([]byte(rule.Body))
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return open311.Seed()
}

// residentCats are the categories of the resident kind (what residents may report).
type residentCats struct {
	flow   *workflow.Flow
	cats   *workflow.Categories
	allow  []workflow.Category
	majors map[string]string // class+major → 大类 name
}

func (h *handlers) residentCats(ctx context.Context) (*residentCats, error) {
	e := h.wo()
	now := e.Now()
	k, err := e.KindConfig(ctx, ResidentKind, now)
	if err != nil {
		return nil, err
	}
	out := &residentCats{majors: map[string]string{}}
	m, err := e.Machine(ctx, k.Flow, 0, nil, now)
	if err != nil {
		return nil, err
	}
	out.flow = m.Flow
	if k.Categories == "" {
		return out, nil
	}
	if out.cats, err = e.Categories(ctx, k.Categories, now); err != nil {
		return nil, err
	}
	for _, mj := range out.cats.Majors {
		out.majors[mj.Class+mj.Code] = mj.Name
	}
	for _, c := range out.cats.Categories {
		if len(k.Classes) == 0 || slices.Contains(k.Classes, c.Class) {
			out.allow = append(out.allow, c)
		}
	}
	return out, nil
}

func (rc *residentCats) get(code string) (*workflow.Category, bool) {
	for i := range rc.allow {
		if rc.allow[i].Code == code {
			return &rc.allow[i], true
		}
	}
	return nil, false
}

// jurisdiction resolves jurisdiction_id (a town's code or name, §2.1); ""
// means every town. An unknown one is 404.
func (h *handlers) jurisdiction(ctx context.Context, id string) (*directory.Area, error) {
	if id == "" {
		return nil, nil
	}
	towns, err := h.a.DB.ListAreas(ctx, store.AreaFilter{Unscoped: true, Level: directory.Town, Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, t := range towns {
		if t.Code == id || t.Name == id {
			return t, nil
		}
	}
	return nil, open311.Errorf(http.StatusNotFound, "open311.jurisdiction", "no jurisdiction %q here", id)
}

func (h *handlers) o311Discovery(w http.ResponseWriter, r *httpx.Request, f open311.Format) error {
	base := "https://" + r.Host + o311Base
	if r.TLS == nil {
		base = "http://" + r.Host + o311Base
	}
	d := open311.Discovery{Changeset: "2026-01-01T00:00:00+08:00", Contact: "towngrid operators (see the town's web site)",
		KeyService: "Ask the town's administrator for an API key with the open311.submit permission",
		Endpoints: []open311.Endpoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: base, Changeset: "2026-01-01T00:00:00+08:00",
			Type: "production", Formats: []string{"text/xml", "application/json"}}}}
	return open311.Write(w, f, http.StatusOK, d)
}

func (h *handlers) o311Services(w http.ResponseWriter, r *httpx.Request, f open311.Format) error {
	if _, err := h.jurisdiction(r.Context(), open311.Get(r.URL.Query(), "jurisdiction_id")); err != nil {
		return err
	}
	rc, err := h.residentCats(r.Context())
	if err != nil {
		return err
	}
	cfg, err := h.o311Config(r.Context())
	if err != nil {
		return err
	}
	out := open311.Services{Items: []open311.Service{}}
	for _, c := range rc.allow {
		out.Items = append(out.Items, open311.Service{Code: c.Code, Name: c.Name, Description: c.RegisterCondition,
			Metadata: len(cfg.Definition(c.Code)) > 0, Type: "realtime", Keywords: strings.Join(cfg.Keywords[c.Code], ","),
			Group: rc.majors[c.Class+c.Major]})
	}
	return open311.Write(w, f, http.StatusOK, out)
}

func (h *handlers) o311Definition(w http.ResponseWriter, r *httpx.Request, f open311.Format) error {
	if _, err := h.jurisdiction(r.Context(), open311.Get(r.URL.Query(), "jurisdiction_id")); err != nil {
		return err
	}
	code := r.PathValue("id")
	rc, err := h.residentCats(r.Context())
	if err != nil {
		return err
	}
	if _, ok := rc.get(code); !ok {
		return open311.Errorf(http.StatusNotFound, "open311.service_code", "no service %q", code)
	}
	cfg, err := h.o311Config(r.Context())
	if err != nil {
		return err
	}
	return open311.Write(w, f, http.StatusOK, open311.Definition{Code: code, Attributes: cfg.Definition(code)})
}

func (h *handlers) o311Token(w http.ResponseWriter, r *httpx.Request, f open311.Format) error {
	if _, err := h.jurisdiction(r.Context(), open311.Get(r.URL.Query(), "jurisdiction_id")); err != nil {
		return err
	}
	o, err := h.a.DB.Open311ByToken(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return open311.Write(w, f, http.StatusOK, open311.Receipts{Items: []open311.Receipt{{
		ServiceRequestID: strconv.FormatInt(o.WorkOrderID, 10), Token: o.Token}}})
}

// o311Key checks the api_key of a request (§2.2 #3): a key of the api_keys
// table whose user and key both carry open311.submit.
func (h *handlers) o311Key(r *httpx.Request, key string) (*account.Principal, error) {
	if key == "" {
		return nil, open311.Errorf(http.StatusForbidden, "open311.api_key", "api_key is required")
	}
	u, k, err := h.a.DB.APIKeyUser(r.Context(), key)
	if err != nil {
		return nil, open311.Errorf(http.StatusForbidden, "open311.api_key", "api_key is not valid")
	}
	p, err := h.a.DB.Principal(r.Context(), u)
	if err != nil {
		return nil, err
	}
	p.KeyPerms, p.KeyID = k.Perms, k.ID
	if !p.Can(account.Open311Submit) {
		return nil, open311.Errorf(http.StatusForbidden, "open311.api_key", "this api_key may not submit requests")
	}
	return p, nil
}
