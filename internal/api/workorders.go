package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/calendar"
	"towngrid/internal/httpx"
	"towngrid/internal/store"
	"towngrid/internal/workflow"
	"towngrid/internal/workorders"
)

func init() { register((*handlers).workOrderRoutes) }

func (h *handlers) workOrderRoutes() []*httpx.Route {
	const tag = "workorders"
	return []*httpx.Route{
		{Method: "POST", Path: "/api/v1/workorders", Perm: account.WorkOrdersCreate, Tag: tag, Summary: "Report (intake): validate, locate the grid, open the case, compute deadlines", In: workorders.Report{}, Out: workorders.View{}, Status: 201, Handle: h.woCreate},
		{Method: "GET", Path: "/api/v1/workorders", Perm: account.WorkOrdersRead, Tag: tag, Summary: "Work orders in your areas (?queue=open (default)|intake|verify|register|dispatch|department|check|mine|all, ?state=, ?category=, ?light=, ?kind=, ?area_id=, ?department_id=, cursor)", Out: httpx.List[*store.WorkOrder]{}, Handle: h.woList},
		{Method: "GET", Path: "/api/v1/workorders/kinds", Perm: account.WorkOrdersRead, Tag: tag, Summary: "Kinds of work order with their flow and categories in force", Out: []KindInfo{}, Handle: h.woKinds},
		{Method: "GET", Path: "/api/v1/workorders/{id}", Perm: account.WorkOrdersRead, Tag: tag, Summary: "One work order: case, timers with traffic lights, deadlines, the actions you may take", Out: workorders.View{}, Handle: h.woGet},
		{Method: "POST", Path: "/api/v1/workorders/{id}/actions", Perm: account.WorkOrdersAct, Tag: tag, Summary: "Take an action (seq = the sequence you saw; a stale one is 409)", In: workorders.ActionRequest{}, Out: workorders.View{}, Handle: h.woAct},
		{Method: "GET", Path: "/api/v1/workorders/{id}/events", Perm: account.WorkOrdersRead, Tag: tag, Summary: "The work order's history (timeline)", Out: httpx.List[*store.WorkOrderEvent]{}, Handle: h.woEvents},
		{Method: "GET", Path: "/api/v1/workorders/{id}/timers", Perm: account.WorkOrdersRead, Tag: tag, Summary: "The work order's timers (pending and fired)", Out: []store.TimerRow{}, Handle: h.woTimers},
		{Method: "POST", Path: "/api/v1/workorders/{id}/attachments", Perm: account.WorkOrdersCreate, Tag: tag, Summary: "Attach a photo or PDF (multipart field file; JPEG, PNG, WebP, PDF; ≤ 10 MB)", Out: store.Attachment{}, Status: 201, Handle: h.woAttach},
		{Method: "GET", Path: "/api/v1/workorders/{id}/attachments", Perm: account.WorkOrdersRead, Tag: tag, Summary: "The work order's attachments", Out: []store.Attachment{}, Handle: h.woAttachments},
		{Method: "GET", Path: "/api/v1/workorders/{id}/attachments/{aid}", Perm: account.WorkOrdersRead, Kind: httpx.Raw, Tag: tag, Summary: "Download an attachment", Handle: h.woDownload},

		{Method: "GET", Path: "/api/v1/rules", Perm: account.RulesRead, Tag: "rules", Summary: "Rule versions (?kind=, ?key=, cursor)", Out: httpx.List[*store.Rule]{}, Handle: h.rulesList},
		{Method: "GET", Path: "/api/v1/rules/{kind}/{key}", Perm: account.RulesRead, Tag: "rules", Summary: "One rule with its body (?version=; default the latest)", Out: store.Rule{}, Handle: h.ruleGet},
		{Method: "POST", Path: "/api/v1/rules/{kind}/{key}", Perm: account.WorkOrdersAdmin, Tag: "rules", Summary: "Add a version of a flow, category table, kind, timer policy or post scheme (validated)", In: workorders.NewRule{}, Out: store.Rule{}, Status: 201, Handle: h.ruleAdd},
		{Method: "POST", Path: "/api/v1/calendar/versions", Perm: account.CalendarWrite, Tag: "calendar", Summary: "Add a version of the holiday calendar (DayRules + hours); in force today it replaces the calendar in use", In: workorders.NewRule{}, Out: store.Rule{}, Status: 201, Handle: h.calendarAdd},
		{Method: "GET", Path: "/api/v1/calendar/deadline", Perm: account.SignedIn, Tag: "calendar", Summary: "Due instant (?from=&working_days=|working_hours=|working_minutes=|natural_hours=|natural_days=)", Out: calendar.Answer{}, Handle: h.calendarDeadline},
		{Method: "GET", Path: "/api/v1/calendar/days", Perm: account.SignedIn, Tag: "calendar", Summary: "Holidays and make-up working days of a year (?year=)", Out: CalendarDays{}, Handle: h.calendarDays},

		{Method: "GET", Path: "/api/v1/indicators", Perm: account.IndicatorsRead, Tag: "indicators", Summary: "结案率, 按期结案率 … of an area for a period with 环比/同比 (?area_id=&period=YYYY-MM&group=category|source|area)", Out: workorders.IndicatorReport{}, Handle: h.indicators},
		{Method: "GET", Path: "/api/v1/indicators/posts", Perm: account.IndicatorsRead, Tag: "indicators", Summary: "Post and region evaluations with A–E grades (?area_id=&period=)", Out: workorders.PostReport{}, Handle: h.indicatorPosts},
	}
}

func (h *handlers) wo() *workorders.Engine { return workorders.For(h.a) }

func (h *handlers) caller(r *httpx.Request) workorders.Caller {
	return workorders.Caller{P: r.P, Actor: h.actor(r)}
}

// woErr turns the engine's refusals into problems.
func woErr(err error) error {
	var we *workorders.Error
	if !errors.As(err, &we) {
		return err
	}
	if we.Status == http.StatusUnprocessableEntity {
		field := we.Field
		if field == "" {
			field = "(body)"
		}
		p := httpx.Invalid(field, we.Code, we.Detail)
		return p
	}
	p := httpx.Errorf(we.Status, we.Code, "%s", we.Detail)
	if we.Field != "" {
		p.Errors = []account.FieldError{{Field: we.Field, Code: we.Code, Detail: we.Detail}}
	}
	return p
}

func (h *handlers) woView(w http.ResponseWriter, r *httpx.Request, status int, wo *store.WorkOrder) error {
	v, err := h.wo().View(r.Context(), h.caller(r), wo)
	if err != nil {
		return err
	}
	return r.JSON(w, status, v)
}

func (h *handlers) woCreate(w http.ResponseWriter, r *httpx.Request) error {
	var in workorders.Report
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	wo, err := h.wo().Intake(r.Context(), h.caller(r), &in)
	if err != nil {
		return woErr(err)
	}
	return h.woView(w, r, http.StatusCreated, wo)
}

func (h *handlers) woGet(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	wo, err := h.wo().Visible(r.Context(), h.caller(r), id)
	if err != nil {
		return err
	}
	return h.woView(w, r, http.StatusOK, wo)
}

func (h *handlers) woAct(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	var in workorders.ActionRequest
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	wo, err := h.wo().Act(r.Context(), h.caller(r), id, &in)
	if err != nil {
		return woErr(err)
	}
	return h.woView(w, r, http.StatusOK, wo)
}

func positiveParam(r *httpx.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, httpx.Invalid(name, "param.id", "a positive whole number")
	}
	return n, nil
}

func (h *handlers) woList(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.WorkOrderFilter{After: pg.After, Limit: pg.Limit + 1, Category: q.Get("category"), Kind: q.Get("kind")}
	switch qu := q.Get("queue"); qu {
	case "", "open":
		f.OpenOnly = true
	case "all":
	case "mine":
		f.Reporter = r.P.UserID
	default:
		st, ok := workorders.Queues[qu]
		if !ok {
			return httpx.Invalid("queue", "workorder.queue", "one of "+workorders.QueueNames())
		}
		f.Stages = st
	}
	if s := q.Get("state"); s != "" {
		f.States = strings.Split(s, ",")
	}
	switch l := q.Get("light"); l {
	case "", string(workflow.Green), string(workflow.Yellow), string(workflow.Red):
		f.Light = l
	default:
		return httpx.Invalid("light", "workorder.light", "one of green, yellow, red")
	}
	if f.Department, err = positiveParam(r, "department_id"); err != nil {
		return err
	}
	aid, err := positiveParam(r, "area_id")
	if err != nil {
		return err
	}
	if aid > 0 {
		a, err := VisibleArea(r, h.a.DB, aid)
		if err != nil {
			return err
		}
		f.AreaPath = a.Path
	}
	f.Window = store.ListWindow
	items, scannedTo, err := h.wo().List(r.Context(), h.caller(r), f)
	if err != nil {
		return err
	}
	l := httpx.NewList(items, pg, func(x *store.WorkOrder) int64 { return x.ID })
	if scannedTo > 0 {
		l.NextCursor, l.Partial = httpx.EncodeCursor(scannedTo), true
	}
	return r.JSON(w, http.StatusOK, l)
}

func (h *handlers) woEvents(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	who := h.caller(r)
	if _, err := h.wo().Visible(r.Context(), who, id); err != nil {
		return err
	}
	evs, err := h.a.DB.WorkOrderEvents(r.Context(), id, pg.After, pg.Limit+1)
	if err != nil {
		return err
	}
	if who.Own() { // the public timeline: no internal comments, no staff names
		for _, e := range evs {
			e.Comment, e.Actor, e.ActorID, e.Inputs = "", "", 0, []byte("{}")
		}
	}
	return r.JSON(w, http.StatusOK, httpx.NewList(evs, pg, func(x *store.WorkOrderEvent) int64 { return x.ID }))
}

func (h *handlers) woTimers(w http.ResponseWriter, r *httpx.Request) error {
	id, err := h.visibleWorkOrder(r)
	if err != nil {
		return err
	}
	ts, err := h.a.DB.WorkOrderTimers(r.Context(), id)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, ts)
}

func (h *handlers) woAttach(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return httpx.Errorf(http.StatusUnsupportedMediaType, "content_type", "send multipart/form-data with a field named file")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return httpx.Invalid("file", "attachment.multipart", err.Error())
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return httpx.Invalid("file", "attachment.missing", "no part named file")
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return httpx.Errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the body is larger than %d bytes", mbe.Limit)
			}
			return httpx.Invalid("file", "attachment.multipart", err.Error())
		}
		if part.FormName() != "file" {
			continue
		}
		a, err := h.wo().Attach(r.Context(), h.caller(r), id, part.FileName(), part)
		if err != nil {
			return woErr(err)
		}
		return r.JSON(w, http.StatusCreated, a)
	}
}

func (h *handlers) woAttachments(w http.ResponseWriter, r *httpx.Request) error {
	id, err := h.visibleWorkOrder(r)
	if err != nil {
		return err
	}
	as, err := h.a.DB.Attachments(r.Context(), id)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, as)
}

func (h *handlers) woDownload(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	aid, err := r.PathID("aid")
	if err != nil {
		return err
	}
	if _, err := h.wo().Visible(r.Context(), h.caller(r), id); err != nil {
		return err
	}
	a, err := h.a.DB.Attachment(r.Context(), id, aid)
	if err != nil {
		return err
	}
	f, err := h.wo().Blobs.Open(a.SHA256)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	w.Header().Set("Cache-Control", "private, max-age=86400")
	http.ServeContent(w, r.Request, "", time.UnixMilli(a.CreatedAt), f)
	return nil
}

// KindInfo is a kind with what a form needs to report one.
type KindInfo struct {
	workorders.Kind
	Flow       *workflow.Flow       `json:"flow_def"`
	Categories *workflow.Categories `json:"categories,omitempty"`
}

func (h *handlers) woKinds(w http.ResponseWriter, r *httpx.Request) error {
	ctx, e := r.Context(), h.wo()
	now := e.Now()
	keys, err := h.a.DB.RuleKeys(ctx, workorders.KindWOKind)
	if err != nil {
		return err
	}
	out := []KindInfo{}
	for _, k := range keys {
		kc, err := e.KindConfig(ctx, k, now)
		if err != nil {
			return err
		}
		m, err := e.Machine(ctx, kc.Flow, 0, nil, now)
		if err != nil {
			return err
		}
		ki := KindInfo{Kind: *kc, Flow: m.Flow}
		if kc.Categories != "" {
			if ki.Categories, err = e.Categories(ctx, kc.Categories, now); err != nil {
				return err
			}
		}
		out = append(out, ki)
	}
	return r.JSON(w, http.StatusOK, out)
}

func (h *handlers) rulesList(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rs, err := h.a.DB.ListRules(r.Context(), store.RuleFilter{Kind: q.Get("kind"), Key: q.Get("key"), After: pg.After, Limit: pg.Limit + 1})
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, httpx.NewList(rs, pg, func(x *store.Rule) int64 { return x.ID }))
}

func (h *handlers) ruleGet(w http.ResponseWriter, r *httpx.Request) error {
	v := 0
	if s := r.URL.Query().Get("version"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return httpx.Invalid("version", "rule.version", "a positive whole number")
		}
		v = n
	}
	rule, err := h.a.DB.RuleVersion(r.Context(), r.PathValue("kind"), r.PathValue("key"), v)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, rule)
}

func (h *handlers) ruleAdd(w http.ResponseWriter, r *httpx.Request) error {
	var in workorders.NewRule
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	kind := r.PathValue("kind")
	if kind == workorders.KindCalendar {
		return httpx.Invalid("kind", "rule.kind", "calendars are added with POST /api/v1/calendar/versions")
	}
	rule, err := h.wo().AddRule(r.Context(), h.caller(r), kind, r.PathValue("key"), &in)
	if err != nil {
		return woErr(err)
	}
	return r.JSON(w, http.StatusCreated, rule)
}

func (h *handlers) calendarAdd(w http.ResponseWriter, r *httpx.Request) error {
	var in workorders.NewRule
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	rule, err := h.wo().AddRule(r.Context(), h.caller(r), workorders.KindCalendar, "default", &in)
	if err != nil {
		return woErr(err)
	}
	return r.JSON(w, http.StatusCreated, rule)
}

func (h *handlers) calendarDeadline(w http.ResponseWriter, r *httpx.Request) error {
	q := r.URL.Query()
	from, err := calendar.ParseInstant(q.Get("from"))
	if err != nil {
		return httpx.Invalid("from", "calendar.instant_format", "YYYY-MM-DD, YYYY-MM-DDTHH:MM or RFC 3339")
	}
	var limit calendar.Limit
	n := 0
	for _, u := range []struct {
		param string
		unit  calendar.Unit
	}{{"working_days", calendar.WorkDays}, {"working_hours", calendar.WorkHours}, {"working_minutes", calendar.WorkMinutes},
		{"natural_hours", calendar.NaturalHours}, {"natural_days", calendar.NaturalDays}} {
		if s := q.Get(u.param); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil {
				return httpx.Invalid(u.param, "calendar.limit_value", "a whole number")
			}
			limit, n = calendar.Limit{Value: v, Unit: u.unit}, n+1
		}
	}
	if n != 1 {
		return httpx.Invalid("working_days", "calendar.limit_unit", "give exactly one of working_days, working_hours, working_minutes, natural_hours, natural_days")
	}
	if err := limit.Validate(); err != nil {
		code := "calendar.limit_value"
		var ce *calendar.Error
		if errors.As(err, &ce) {
			code = ce.Code
		}
		return httpx.Invalid(string(limit.Unit), code, err.Error())
	}
	return r.JSON(w, http.StatusOK, h.wo().Calendar().Explain(from, limit))
}

// CalendarDays is the answer of GET /api/v1/calendar/days.
type CalendarDays struct {
	Year  int              `json:"year"`
	Known bool             `json:"known"` // the year's State Council notice is loaded
	Days  []workorders.Day `json:"days"`
}

func (h *handlers) calendarDays(w http.ResponseWriter, r *httpx.Request) error {
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || y < 1900 || y > 2200 {
		return httpx.Invalid("year", "calendar.year_range", "a year from 1900 to 2200")
	}
	days, known, err := h.wo().Days(r.Context(), y)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, CalendarDays{Year: y, Known: known, Days: days})
}

func (h *handlers) indicatorArea(r *httpx.Request) (int64, error) {
	id, err := positiveParam(r, "area_id")
	if err == nil && id == 0 {
		err = httpx.Invalid("area_id", "param.id", "the area to report on is required")
	}
	return id, err
}

func (h *handlers) indicators(w http.ResponseWriter, r *httpx.Request) error {
	id, err := h.indicatorArea(r)
	if err != nil {
		return err
	}
	a, err := VisibleArea(r, h.a.DB, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rep, err := h.wo().Indicators(r.Context(), a, q.Get("period"), q.Get("group"))
	if err != nil {
		return woErr(err)
	}
	return r.JSON(w, http.StatusOK, rep)
}

func (h *handlers) indicatorPosts(w http.ResponseWriter, r *httpx.Request) error {
	id, err := h.indicatorArea(r)
	if err != nil {
		return err
	}
	a, err := VisibleArea(r, h.a.DB, id)
	if err != nil {
		return err
	}
	rep, err := h.wo().Posts(r.Context(), a, r.URL.Query().Get("period"))
	if err != nil {
		return woErr(err)
	}
	return r.JSON(w, http.StatusOK, rep)
}

// visibleWorkOrder reads the {id} of the path and checks that the caller may
// see that work order (404 outside their areas or their own reports).
func (h *handlers) visibleWorkOrder(r *httpx.Request) (int64, error) {
	id, err := r.PathID("id")
	if err != nil {
		return 0, err
	}
	if _, err := h.wo().Visible(r.Context(), h.caller(r), id); err != nil {
		return 0, err
	}
	return id, nil
}
