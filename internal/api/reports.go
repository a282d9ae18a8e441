package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/open311"
	"towngrid/internal/store"
	"towngrid/internal/workorders"
)

// The public report page's JSON (no account needed): nearby duplicates,
// filing, photos, following, tracking and the survey. Posts are Form routes,
// so the CSRF double-submit token is required even without a sign-in.

func init() { register((*handlers).reportRoutes) }

func (h *handlers) reportRoutes() []*httpx.Route {
	const tag = "reports"
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/reports/nearby", Perm: account.Public, Tag: tag, Summary: "Open reports of a category near a point (?category=&lat=&lon=): duplicates to follow", Out: []NearbyReport{}, Handle: h.reportNearby},
		{Method: "POST", Path: "/api/v1/reports", Perm: account.Public, Form: true, Tag: tag, Summary: "File a report (no account; rate-limited per address)", In: ReportIn{}, Out: ReportReceipt{}, Status: 201, Handle: h.reportFile},
		{Method: "POST", Path: "/api/v1/reports/{token}/photos", Perm: account.Public, Form: true, Tag: tag, Summary: "Add a photo to one's report (multipart field file)", Out: store.Attachment{}, Status: 201, Handle: h.reportPhoto},
		{Method: "POST", Path: "/api/v1/reports/follow", Perm: account.Public, Form: true, Tag: tag, Summary: "Follow an existing report instead of filing a duplicate", In: FollowIn{}, Out: ReportReceipt{}, Status: 201, Handle: h.reportFollow},
		{Method: "GET", Path: "/api/v1/reports/track", Perm: account.Public, Tag: tag, Summary: "Look a report up by its token or a follow token (?token=)", Out: TrackView{}, Handle: h.reportTrack},
		{Method: "POST", Path: "/api/v1/reports/survey", Perm: account.Public, Form: true, Tag: tag, Summary: "回访: satisfied | basic | unsatisfied after closure, by token", In: SurveyIn{}, Out: store.Survey{}, Status: 201, Handle: h.reportSurvey},
		{Method: "POST", Path: "/api/v1/reports/subscriptions", Perm: account.Public, Form: true, Tag: tag, Summary: "Subscribe to a report, an area or a category (e-mail or webhook)", In: SubscribeIn{}, Out: ReportReceipt{}, Status: 201, Handle: h.reportSubscribe},
		{Method: "POST", Path: "/api/v1/reports/unsubscribe", Perm: account.Public, Form: true, Tag: tag, Summary: "End a subscription by its token", In: UnsubscribeIn{}, Status: 204, Handle: h.reportUnsubscribe},
	}
}

// Rate limit: a few reports per address and hour. account.Throttle counts
// per key; the key carries the hour, so the allowance renews every hour.
const reportsPerHour = 5

var reportThrottles sync.Map // *app.App → *account.Throttle (one per running app)

func reportThrottle(a *app.App) *account.Throttle {
	if t, ok := reportThrottles.Load(a); ok {
		return t.(*account.Throttle)
	}
	t := account.NewThrottle()
	t.Free, t.Base, t.Max = reportsPerHour-1, time.Hour, time.Hour // the Free+1-th counts and blocks
	got, _ := reportThrottles.LoadOrStore(a, t)
	return got.(*account.Throttle)
}

// MinFillTime is the spam guard: a person takes longer than this to fill the form.
const MinFillTime = 3 * time.Second

// ReportIn is the page's report.
type ReportIn struct {
	Category    string              `json:"category"`
	Description string              `json:"description"`
	Lat         *float64            `json:"lat,omitempty"`
	Lon         *float64            `json:"lon,omitempty"`
	Address     string              `json:"address,omitempty"`
	Email       string              `json:"email,omitempty"`
	Phone       string              `json:"phone,omitempty"`
	Attributes  map[string][]string `json:"attributes,omitempty"`
	Website     string              `json:"website,omitempty"`    // honeypot: people leave it empty
	StartedAt   int64               `json:"started_at,omitempty"` // unix ms when the form opened
}

// ReportReceipt answers filing and following.
type ReportReceipt struct {
	ID    int64  `json:"id"`
	Token string `json:"token"`
}

// NearbyReport is a possible duplicate.
type NearbyReport struct {
	ID        int64   `json:"id"`
	Title     string  `json:"title"`
	Status    string  `json:"status"`
	State     string  `json:"state_label"`
	Distance  float64 `json:"distance_m"`
	CreatedAt int64   `json:"created_at"`
}

func (h *handlers) publicCaller(ctx context.Context, town *directory.Area) (workorders.Caller, error) {
	id, err := h.defaultArea(ctx, nil, town)
	if err != nil {
		return workorders.Caller{}, err
	}
	a, err := h.a.DB.Area(ctx, id)
	if err != nil {
		return workorders.Caller{}, err
	}
	// The page files as the flow's "system" opener (an automated channel),
	// scoped to the town; no account stands behind it.
	p := &account.Principal{Username: "public", Name: "public", Roles: []account.Role{"system"}, Scopes: []string{a.Path}}
	return workorders.Caller{P: p, Actor: store.Actor{Name: "public", Via: "web"}}, nil
}

func (h *handlers) reportFile(w http.ResponseWriter, r *httpx.Request) error {
	var in ReportIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	ip := clientIP(r.Request)
	th := reportThrottle(h.a)
	key := "report:" + ip + ":" + time.Now().Format("2006010215")
	if wait := th.Wait(key); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return httpx.Errorf(http.StatusTooManyRequests, "report.rate", "too many reports from your address: try again later")
	}
	// The fill time is the client's word: it stops naive robots, not a
	// determined one (the per-address limit bounds those).
	if fill := time.Since(time.UnixMilli(in.StartedAt)); in.Website != "" || fill < MinFillTime || fill > 24*time.Hour {
		return httpx.Invalid("website", "report.spam", "the form was filled too fast or by a robot")
	}
	loc := open311.Location{Lat: in.Lat, Long: in.Lon, Address: strings.TrimSpace(in.Address)}
	if (in.Lat == nil) != (in.Lon == nil) || (in.Lat == nil && loc.Address == "") {
		return httpx.Invalid("lat", "report.location", "drop a pin, use GPS or give an address")
	}
	if in.Lat != nil && (math.IsNaN(*in.Lat) || *in.Lat < -90 || *in.Lat > 90 || math.IsNaN(*in.Lon) || *in.Lon < -180 || *in.Lon > 180) {
		return httpx.Invalid("lat", "report.location", "lat in [-90, 90], lon in [-180, 180]")
	}
	cfg, err := h.o311Config(r.Context())
	if err != nil {
		return err
	}
	form := map[string][]string{}
	for k, v := range in.Attributes {
		form["attribute["+k+"][]"] = v
	}
	attrs, err := open311.ParseAttributes(form, cfg.Definition(in.Category))
	if err != nil {
		return reportErr(err, "attributes")
	}
	who, err := h.publicCaller(r.Context(), nil)
	if err != nil {
		return err
	}
	res := &residentInput{Channel: "web", Code: in.Category, Description: strings.TrimSpace(in.Description), Loc: loc, Attrs: attrs,
		Contact: map[string]string{}, IP: ip}
	if in.Email != "" {
		res.Contact["email"] = in.Email
	}
	if in.Phone != "" {
		res.Contact["phone"] = in.Phone
	}
	wo, o, err := h.submitResident(r.Context(), who, res)
	if err != nil {
		return reportErr(err, "category")
	}
	th.Fail(key) // counts a filed report against the hour's allowance
	return r.JSON(w, http.StatusCreated, ReportReceipt{ID: wo.ID, Token: o.Token})
}

// reportErr turns an Open311 refusal into a problem naming the field.
func reportErr(err error, field string) error {
	var oe *open311.Error
	if errors.As(err, &oe) {
		f := strings.TrimPrefix(oe.Code, "open311.")
		if i := strings.IndexByte(f, '_'); i > 0 && strings.HasPrefix(f, "attribute") {
			f = "attributes"
		}
		if f == "service_code" {
			f = "category"
		}
		if f == "" {
			f = field
		}
		return httpx.Invalid(f, "report."+strings.TrimPrefix(oe.Code, "open311."), oe.Detail)
	}
	return woErr(err)
}

// distance is the great-circle distance in metres (haversine; a report's
// radius is a few hundred metres, where the sphere is exact enough).
func distance(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

func (h *handlers) reportNearby(w http.ResponseWriter, r *httpx.Request) error {
	q := r.URL.Query()
	cat := q.Get("category")
	lat, err1 := strconv.ParseFloat(q.Get("lat"), 64)
	lon, err2 := strconv.ParseFloat(q.Get("lon"), 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) || lat < -89 || lat > 89 || lon < -180 || lon > 180 {
		return httpx.Invalid("lat", "report.location", "lat and lon are WGS-84 decimal degrees")
	}
	rc, err := h.residentCats(r.Context())
	if err != nil {
		return err
	}
	if _, ok := rc.get(cat); !ok {
		return httpx.Invalid("category", "report.category", "no such category")
	}
	cfg, err := h.o311Config(r.Context())
	if err != nil {
		return err
	}
	radius := cfg.RadiusOf(cat)
	dLat := radius / 111320
	dLon := radius / (111320 * math.Cos(lat*math.Pi/180))
	open := true
	ws, err := h.a.DB.PublicWorkOrders(r.Context(), store.PublicFilter{Kind: ResidentKind, Categories: []string{cat}, Open: &open,
		BBox: &[4]float64{lon - dLon, lat - dLat, lon + dLon, lat + dLat}, Limit: 200})
	if err != nil {
		return err
	}
	out := []NearbyReport{}
	for _, x := range ws {
		if x.Lat == nil || x.Lon == nil {
			continue
		}
		d := distance(lat, lon, *x.Lat, *x.Lon)
		if d > radius {
			continue
		}
		n := NearbyReport{ID: x.ID, Title: x.Title, Status: "open", Distance: math.Round(d), CreatedAt: x.CreatedAt}
		if st, ok := rc.flow.State(x.State); ok {
			n.State = st.Label
		}
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b NearbyReport) int { return int(a.Distance - b.Distance) })
	return r.JSON(w, http.StatusOK, out)
}

func (h *handlers) reportPhoto(w http.ResponseWriter, r *httpx.Request) error {
	o, err := h.a.DB.Open311ByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return httpx.Invalid("file", "attachment.missing", "send the photo in the multipart field file")
	}
	defer file.Close()
	who, err := h.publicCaller(r.Context(), nil)
	if err != nil {
		return err
	}
	a, err := h.wo().Attach(r.Context(), who, o.WorkOrderID, hdr.Filename, file)
	if err != nil {
		return woErr(err)
	}
	return r.JSON(w, http.StatusCreated, a)
}

// clean bounds a short free-text field.
func clean(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max || !utf8.ValidString(s) {
		return "", httpx.Invalid(field, "report."+field, "at most "+strconv.Itoa(max)+" characters")
	}
	return s, nil
}
