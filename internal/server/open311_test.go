package server_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// A conformance suite for Open311 GeoReport v2 written from the spec tables
// (case-management.md §2.1–2.4) and the SeeClickFix validator's checklist
// (discovery, services, service definition, create). Every check runs in
// XML and in JSON. The test types below are the spec's fields, not the
// server's own types, so that a drift in the server is caught.

type specEndpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

type specDiscovery struct {
	Changeset  string         `xml:"changeset" json:"changeset"`
	Contact    string         `xml:"contact" json:"contact"`
	KeyService string         `xml:"key_service" json:"key_service"`
	Endpoints  []specEndpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

type specService struct {
	Code     string `xml:"service_code" json:"service_code"`
	Name     string `xml:"service_name" json:"service_name"`
	Metadata bool   `xml:"metadata" json:"metadata"`
	Type     string `xml:"type" json:"type"`
	Keywords string `xml:"keywords" json:"keywords"`
	Group    string `xml:"group" json:"group"`
}

type specAttr struct {
	Variable bool   `xml:"variable" json:"variable"`
	Code     string `xml:"code" json:"code"`
	Datatype string `xml:"datatype" json:"datatype"`
	Required bool   `xml:"required" json:"required"`
	Order    int    `xml:"order" json:"order"`
	Values   []struct {
		Key  string `xml:"key" json:"key"`
		Name string `xml:"name" json:"name"`
	} `xml:"values>value" json:"values"`
}

type specDefinition struct {
	Code       string     `xml:"service_code" json:"service_code"`
	Attributes []specAttr `xml:"attributes>attribute" json:"attributes"`
}

type specRequest struct {
	ID          string   `xml:"service_request_id" json:"service_request_id"`
	Token       string   `xml:"token" json:"token"`
	Status      string   `xml:"status" json:"status"`
	StatusNotes string   `xml:"status_notes" json:"status_notes"`
	ServiceName string   `xml:"service_name" json:"service_name"`
	ServiceCode string   `xml:"service_code" json:"service_code"`
	Description string   `xml:"description" json:"description"`
	Requested   string   `xml:"requested_datetime" json:"requested_datetime"`
	Updated     string   `xml:"updated_datetime" json:"updated_datetime"`
	Expected    string   `xml:"expected_datetime" json:"expected_datetime"`
	Address     string   `xml:"address" json:"address"`
	AddressID   string   `xml:"address_id" json:"address_id"`
	Lat         *float64 `xml:"lat" json:"lat"`
	Long        *float64 `xml:"long" json:"long"`
	MediaURL    string   `xml:"media_url" json:"media_url"`
	Extended    *struct {
		DetailedStatus string `xml:"detailed_status" json:"detailed_status"`
	} `xml:"extended_attributes" json:"extended_attributes"`
	Notes []struct {
		Datetime    string `xml:"datetime" json:"datetime"`
		Description string `xml:"description" json:"description"`
	} `xml:"notes>note" json:"notes"`
}

type specUpdate struct {
	UpdateID         string `xml:"update_id" json:"update_id"`
	ServiceRequestID string `xml:"service_request_id" json:"service_request_id"`
	Status           string `xml:"status" json:"status"`
	Updated          string `xml:"updated_datetime" json:"updated_datetime"`
}

type specError struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

// o311Call sends a request the way an Open311 client does: no cookie, no
// Authorization header, a form body.
func o311Call(t *testing.T, f *fixture, method, path string, form url.Values) (int, string, string) {
	t.Helper()
	var req *http.Request
	var err error
	if method == "POST" {
		req, err = http.NewRequest(method, f.http.URL+path, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		}
	} else {
		if len(form) > 0 {
			path += "?" + form.Encode()
		}
		req, err = http.NewRequest(method, f.http.URL+path, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(resp)
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

// decodeSpec decodes a document: a JSON value as is, or an XML document whose
// root must be root; for lists, the XML items are the root's item children
// and the JSON form is a bare array (§2.1 "Spark convention").
func decodeSpec[T any](t *testing.T, fmtName, body, root, item string) []T {
	t.Helper()
	if fmtName == "json" {
		if item == "" {
			var v T
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatalf("json %s: %v: %s", root, err, body)
			}
			return []T{v}
		}
		var vs []T
		if err := json.Unmarshal([]byte(body), &vs); err != nil {
			t.Fatalf("json list %s: %v: %s", root, err, body)
		}
		return vs
	}
	dec := xml.NewDecoder(strings.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("xml %s: %v: %s", root, err, body)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != root || se.Name.Space != "" {
			t.Fatalf("xml root %q (ns %q), want %q without namespace", se.Name.Local, se.Name.Space, root)
		}
		if item == "" {
			var v T
			if err := dec.DecodeElement(&v, &se); err != nil {
				t.Fatal(err)
			}
			return []T{v}
		}
		var vs []T
		for {
			tok, err := dec.Token()
			if err != nil {
				t.Fatalf("xml %s: %v", root, err)
			}
			if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == root {
				return vs
			}
			if ie, ok := tok.(xml.StartElement); ok {
				if ie.Name.Local != item {
					t.Fatalf("xml %s holds <%s>, want <%s>", root, ie.Name.Local, item)
				}
				var v T
				if err := dec.DecodeElement(&v, &ie); err != nil {
					t.Fatal(err)
				}
				vs = append(vs, v)
			}
		}
	}
}

// wantErrors checks the spec's error array and its status.
func wantErrors(t *testing.T, fmtName string, status int, got int, ctype, body string, want int, what string) {
	t.Helper()
	if got != want {
		t.Errorf("%s (%s): %d %s, want %d", what, fmtName, got, body, want)
		return
	}
	wantCT := map[string]string{"xml": "text/xml", "json": "application/json"}[fmtName]
	if !strings.HasPrefix(ctype, wantCT) {
		t.Errorf("%s (%s): content type %q", what, fmtName, ctype)
	}
	errs := decodeSpec[specError](t, fmtName, body, "errors", "error")
	if len(errs) == 0 || errs[0].Code != want || errs[0].Description == "" {
		t.Errorf("%s (%s): errors %+v, want code %d with a description", what, fmtName, errs, want)
	}
}

// w3c checks a datetime carries a timezone (§2.1).
func w3c(t *testing.T, what, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil || !(strings.HasSuffix(s, "Z") || strings.Contains(s[10:], "+") || strings.Contains(s[10:], "-")) {
		t.Errorf("%s = %q: not a W3C datetime with a timezone", what, s)
	}
	return tm
}

func open311Key(t *testing.T, f *fixture, role account.Role, perms ...account.Perm) string {
	t.Helper()
	var uid int64
	if err := f.db.QueryRow(ctx, `SELECT id FROM users WHERE username = ?`, string(role)).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	var key string
	err := f.db.Write(ctx, store.Actor{Name: "test", Via: "cli"}, func(tx *store.Tx) error {
		var err error
		key, err = tx.CreateAPIKey(ctx, &store.APIKey{UserID: uid, Name: "open311", Perms: perms})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestOpen311Conformance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		key := open311Key(t, f, account.Intake, account.Open311Submit)
		for _, fm := range []string{"xml", "json"} {
			t.Run(fm, func(t *testing.T) { open311Suite(t, f, fm, key) })
		}
	})
}

func open311Suite(t *testing.T, f *fixture, fm, key string) {
	base := "/open311/v2/"
	// 0. Discovery: every field required, both formats announced.
	st, ct, body := o311Call(t, f, "GET", base+"discovery."+fm, nil)
	if st != 200 || !strings.HasPrefix(ct, map[string]string{"xml": "text/xml", "json": "application/json"}[fm]) || !strings.Contains(ct, "utf-8") {
		t.Fatalf("discovery: %d %s %s", st, ct, body)
	}
	d := decodeSpec[specDiscovery](t, fm, body, "discovery", "")[0]
	if d.Changeset == "" || d.Contact == "" || d.KeyService == "" || len(d.Endpoints) == 0 {
		t.Errorf("discovery lacks a required field: %+v", d)
	}
	for _, e := range d.Endpoints {
		if e.Specification != "http://wiki.open311.org/GeoReport_v2" || e.URL == "" || e.Changeset == "" ||
			(e.Type != "production" && e.Type != "test") || !slices.Contains(e.Formats, "text/xml") || !slices.Contains(e.Formats, "application/json") {
			t.Errorf("discovery endpoint %+v", e)
		}
	}

	// 1. Services: the resident categories with group and keywords.
	st, _, body = o311Call(t, f, "GET", base+"services."+fm, nil)
	if st != 200 {
		t.Fatalf("services: %d %s", st, body)
	}
	svcs := decodeSpec[specService](t, fm, body, "services", "service")
	byCode := map[string]specService{}
	for _, s := range svcs {
		if s.Code == "" || s.Name == "" || s.Group == "" || !slices.Contains([]string{"realtime", "batch", "blackbox"}, s.Type) {
			t.Errorf("service %+v lacks a required field", s)
		}
		byCode[s.Code] = s
	}
	// §4.3: 上水井盖 is a 小类 of 公用设施; E0102 暴露垃圾 of 市容环境.
	if s := byCode["C0101"]; s.Name != "上水井盖" || s.Group != "公用设施" || !s.Metadata || !strings.Contains(s.Keywords, "井盖") {
		t.Errorf("C0101 = %+v", s)
	}
	if s := byCode["E0102"]; s.Name != "暴露垃圾" || s.Group != "市容环境" {
		t.Errorf("E0102 = %+v", s)
	}

	// 2. Service definitions: the six datatypes, unique orders ≥ 1.
	seen := map[string]bool{}
	for _, code := range []string{"C0101", "C0201", "E0102", "E0503"} {
		st, _, body = o311Call(t, f, "GET", base+"services/"+code+"."+fm, nil)
		if st != 200 {
			t.Fatalf("definition %s: %d %s", code, st, body)
		}
		def := decodeSpec[specDefinition](t, fm, body, "service_definition", "")[0]
		orders := map[int]bool{}
		if def.Code != code || len(def.Attributes) == 0 {
			t.Errorf("definition %s = %+v", code, def)
		}
		for _, a := range def.Attributes {
			seen[a.Datatype] = true
			if a.Order < 1 || orders[a.Order] || a.Code == "" {
				t.Errorf("%s attribute %+v: order must be unique ≥ 1, code set", code, a)
			}
			orders[a.Order] = true
			if strings.HasSuffix(a.Datatype, "valuelist") != (len(a.Values) > 0) {
				t.Errorf("%s attribute %s: values only (and always) for lists", code, a.Code)
			}
		}
	}
	for _, dt := range []string{"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"} {
		if !seen[dt] {
			t.Errorf("no service definition uses datatype %s", dt)
		}
	}
	st, ct, body = o311Call(t, f, "GET", base+"services/X9999."+fm, nil)
	wantErrors(t, fm, 404, st, ct, body, 404, "unknown service definition")

	// 3. POST requests: the refusals first (nothing is filed by them).
	good := func() url.Values {
		return url.Values{"api_key": {key}, "service_code": {"E0102"}, "address_id": {f.g1.Code},
			"attribute[waste_kinds][]": {"household", "kitchen"}, "description": {"垃圾桶旁堆了三天的垃圾"},
			"email": {"resident@example.org"}, "phone": {"13800000000"}, "first_name": {"三"}, "last_name": {"张"},
			"media_url": {"https://example.org/p.jpg"}}
	}
	without := func(k string) url.Values { v := good(); v.Del(k); return v }
	with := func(kv ...string) url.Values {
		v := good()
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	refusals := []struct {
		what string
		form url.Values
		want int
	}{
		{"missing api_key", without("api_key"), 403},
		{"invalid api_key", with("api_key", "tgk_nope"), 403},
		{"key without open311.submit", with("api_key", f.keys[account.Resident]), 403},
		{"missing service_code", without("service_code"), 400},
		{"unknown service_code", with("service_code", "X9999"), 400},
		{"no location", without("address_id"), 400},
		{"two location forms", with("address_string", "古镇大道1号"), 400},
		{"lat without long", with("lat", "22.6"), 400},
		{"description over 4000", with("description", strings.Repeat("长", 4001)), 400},
		{"description with HTML", with("description", "<script>alert(1)</script>"), 400},
		{"required attribute missing", without("attribute[waste_kinds][]"), 400},
		{"list value not offered", with("attribute[waste_kinds][]", "gold"), 400},
		{"unknown attribute", with("attribute[colour]", "red"), 400},
		{"bad media_url", with("media_url", "javascript:alert(1)"), 400},
		{"unknown jurisdiction", with("jurisdiction_id", "nowhere.example"), 404},
		{"address_id of no grid", with("address_id", "99999999999999"), 400},
	}
	before := f.auditRows()
	for _, c := range refusals {
		st, ct, body := o311Call(t, f, "POST", base+"requests."+fm, c.form)
		wantErrors(t, fm, c.want, st, ct, body, c.want, c.what)
	}
	if after := f.auditRows(); after != before {
		t.Errorf("refused requests wrote %d audit rows", after-before)
	}
	// C0101 asks a singlevaluelist (required) and a number.
	c0101 := url.Values{"api_key": {key}, "service_code": {"C0101"}, "address_string": {"古镇大道1号"}, "attribute[cover_state]": {"missing"}}
	for _, bad := range [][2]string{{"attribute[diameter_cm]", "wide"}, {"attribute[observed_at]", "2026-05-01T08:30:00"}} {
		v := url.Values{}
		for k, vs := range c0101 {
			v[k] = vs
		}
		v.Set(bad[0], bad[1])
		st, ct, body := o311Call(t, f, "POST", base+"requests."+fm, v)
		wantErrors(t, fm, 400, st, ct, body, 400, "bad "+bad[0])
	}

	// A good request: an id and a token.
	st, _, body = o311Call(t, f, "POST", base+"requests."+fm, with("description", strings.Repeat("长", 4000)))
	if st != 200 {
		t.Fatalf("4000-character description: %d %s", st, body)
	}
	st, _, body = o311Call(t, f, "POST", base+"requests."+fm, good())
	if st != 200 {
		t.Fatalf("post: %d %s", st, body)
	}
	rec := decodeSpec[specRequest](t, fm, body, "service_requests", "request")
	if len(rec) != 1 || (rec[0].ID == "" && rec[0].Token == "") {
		t.Fatalf("post answered %+v", rec)
	}
	id, token := rec[0].ID, rec[0].Token
	c0101.Set("attribute[diameter_cm]", "70")
	c0101.Set("attribute[observed_at]", "2026-05-01T08:30:00+08:00")
	st, _, body = o311Call(t, f, "POST", base+"requests."+fm, c0101)
	if st != 200 {
		t.Fatalf("post C0101: %d %s", st, body)
	}
	other := decodeSpec[specRequest](t, fm, body, "service_requests", "request")[0].ID
	st, _, body = o311Call(t, f, "POST", base+"requests."+fm, url.Values{"api_key": {key}, "service_code": {"E0106"}, "lat": {"22.6"}, "long": {"113.2"}})
	if st != 200 {
		t.Fatalf("post with lat/long: %d %s", st, body)
	}
	pointID := decodeSpec[specRequest](t, fm, body, "service_requests", "request")[0].ID

	// 4. Tokens.
	if token != "" {
		st, _, body = o311Call(t, f, "GET", base+"tokens/"+token+"."+fm, nil)
		if st != 200 {
			t.Fatalf("token: %d %s", st, body)
		}
		if got := decodeSpec[specRequest](t, fm, body, "service_requests", "request"); len(got) != 1 || got[0].ID != id || got[0].Token != token {
			t.Errorf("token lookup = %+v, want id %s", got, id)
		}
	}
	st, ct, body = o311Call(t, f, "GET", base+"tokens/nosuchtoken."+fm, nil)
	wantErrors(t, fm, 404, st, ct, body, 404, "unknown token")

	// 6. One request: the spec's fields, no personal data.
	st, _, body = o311Call(t, f, "GET", base+"requests/"+id+"."+fm, nil)
	if st != 200 {
		t.Fatalf("one: %d %s", st, body)
	}
	one := decodeSpec[specRequest](t, fm, body, "service_requests", "request")
	if len(one) != 1 || one[0].ID != id || one[0].Status != "open" || one[0].ServiceCode != "E0102" || one[0].ServiceName != "暴露垃圾" ||
		one[0].AddressID != f.g1.Code || one[0].MediaURL != "https://example.org/p.jpg" {
		t.Fatalf("one = %+v", one)
	}
	req := w3c(t, "requested_datetime", one[0].Requested)
	if exp := w3c(t, "expected_datetime", one[0].Expected); !exp.After(req) {
		t.Errorf("expected_datetime %s is not after requested %s", one[0].Expected, one[0].Requested)
	}
	w3c(t, "updated_datetime", one[0].Updated)
	for _, private := range []string{"resident@example.org", "13800000000", "张"} {
		if strings.Contains(body, private) {
			t.Errorf("a published request shows %q", private)
		}
	}
	st, ct, body = o311Call(t, f, "GET", base+"requests/987654."+fm, nil)
	wantErrors(t, fm, 404, st, ct, body, 404, "unknown request")
	st, _, body = o311Call(t, f, "GET", base+"requests/"+pointID+"."+fm, nil)
	if p := decodeSpec[specRequest](t, fm, body, "service_requests", "request"); st != 200 || len(p) != 1 || p[0].Lat == nil || *p[0].Lat != 22.6 || *p[0].Long != 113.2 {
		t.Errorf("lat/long request: %d %s", st, body)
	}

	// Void the C0101 one through the engine: it is then closed.
	var seq int
	resp := f.do("GET", "/api/v1/workorders/"+other, account.Intake, "")
	var v struct{ Seq int }
	_ = json.Unmarshal([]byte(readAll(resp)), &v)
	seq = v.Seq
	resp = f.do("POST", "/api/v1/workorders/"+other+"/actions", account.Intake, fmt.Sprintf(`{"action":"void","seq":%d,"inputs":{"reason":"重复上报"}}`, seq))
	if b := readAll(resp); resp.StatusCode != 200 {
		t.Fatalf("void: %d %s", resp.StatusCode, b)
	}

	// 5. GET requests with its filters.
	list := func(q url.Values) []specRequest {
		t.Helper()
		st, _, body := o311Call(t, f, "GET", base+"requests."+fm, q)
		if st != 200 {
			t.Fatalf("list %v: %d %s", q, st, body)
		}
		return decodeSpec[specRequest](t, fm, body, "service_requests", "request")
	}
	ids := func(rs []specRequest) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		slices.Sort(out)
		return out
	}
	if all := list(nil); len(all) < 4 {
		t.Errorf("default list has %d requests, want the 4 of this run at least", len(all))
	}
	if got := ids(list(url.Values{"service_request_id": {id + "," + other}, "service_code": {"C0201"}, "status": {"closed"}})); !slices.Equal(got, ids([]specRequest{{ID: id}, {ID: other}})) {
		t.Errorf("service_request_id must override the other filters: %v", got)
	}
	for _, r := range list(url.Values{"service_code": {"C0101"}}) {
		if r.ServiceCode != "C0101" {
			t.Errorf("service_code filter let %s through", r.ServiceCode)
		}
	}
	closed := list(url.Values{"status": {"closed"}})
	if !slices.ContainsFunc(closed, func(r specRequest) bool { return r.ID == other }) || slices.ContainsFunc(closed, func(r specRequest) bool { return r.ID == id }) {
		t.Errorf("status=closed = %v", ids(closed))
	}
	for _, r := range list(url.Values{"status": {"open"}}) {
		if r.Status != "open" || r.ID == other {
			t.Errorf("status=open let %+v through", r)
		}
	}
	future := time.Now().Add(48 * time.Hour)
	if got := list(url.Values{"start_date": {future.Format(time.RFC3339)}, "end_date": {future.Add(time.Hour).Format(time.RFC3339)}}); len(got) != 0 {
		t.Errorf("a future window lists %v", ids(got))
	}
	if got := list(url.Values{"start_date": {time.Now().Add(-time.Hour).Format(time.RFC3339)}, "end_date": {time.Now().Add(time.Hour).Format(time.RFC3339)}}); len(got) < 4 {
		t.Errorf("this hour lists %d", len(got))
	}
	p1, p2 := list(url.Values{"page_size": {"1"}, "page": {"1"}}), list(url.Values{"page_size": {"1"}, "page": {"2"}})
	if len(p1) != 1 || len(p2) != 1 || p1[0].ID == p2[0].ID {
		t.Errorf("pages %v %v", ids(p1), ids(p2))
	}
	inBox := list(url.Values{"bbox": {"113.1,22.5,113.3,22.7"}})
	if !slices.ContainsFunc(inBox, func(r specRequest) bool { return r.ID == pointID }) {
		t.Errorf("bbox = %v, want %s among them", ids(inBox), pointID)
	}
	for _, r := range inBox {
		if r.Lat == nil || *r.Lat < 22.5 || *r.Lat > 22.7 || *r.Long < 113.1 || *r.Long > 113.3 {
			t.Errorf("bbox let %s through", r.ID)
		}
	}
	if got := list(url.Values{"q": {"三天"}}); len(got) == 0 || !slices.ContainsFunc(got, func(r specRequest) bool { return r.ID == id }) {
		t.Errorf("q found %v", ids(got))
	}
	ext := list(url.Values{"service_request_id": {other}, "extensions": {"true"}})
	if len(ext) != 1 || ext[0].Extended == nil || ext[0].Extended.DetailedStatus != "REJECTED" || len(ext[0].Notes) == 0 {
		t.Errorf("extensions=true = %+v", ext)
	}
	for _, bad := range []url.Values{
		{"start_date": {"2026-01-01"}},
		{"start_date": {time.Now().Add(-100 * 24 * time.Hour).Format(time.RFC3339)}},
		{"status": {"pending"}},
		{"page_size": {"5000"}},
		{"bbox": {"1,2,3"}},
		{"service_request_id": {"abc"}},
	} {
		st, ct, body := o311Call(t, f, "GET", base+"requests."+fm, bad)
		wantErrors(t, fm, 400, st, ct, body, 400, fmt.Sprint("list ", bad))
	}
	st, ct, body = o311Call(t, f, "GET", base+"requests."+fm, url.Values{"jurisdiction_id": {"nowhere.example"}})
	wantErrors(t, fm, 404, st, ct, body, 404, "unknown jurisdiction")
	if got := list(url.Values{"jurisdiction_id": {f.town.Code}}); len(got) < 4 {
		t.Errorf("the town's jurisdiction lists %d", len(got))
	}

	// mySociety updates: the engine's events (api_key), and posted comments.
	st, ct, body = o311Call(t, f, "GET", base+"servicerequestupdates."+fm, nil)
	wantErrors(t, fm, 403, st, ct, body, 403, "updates without api_key")
	st, _, body = o311Call(t, f, "GET", base+"servicerequestupdates."+fm, url.Values{"api_key": {key}})
	if st != 200 {
		t.Fatalf("updates: %d %s", st, body)
	}
	ups := decodeSpec[specUpdate](t, fm, body, "service_request_updates", "request_update")
	if !slices.ContainsFunc(ups, func(u specUpdate) bool {
		return u.ServiceRequestID == other && u.Status == "CANCELLED" && u.UpdateID != ""
	}) {
		t.Errorf("updates lack the void of %s: %+v", other, ups)
	}
	st, _, body = o311Call(t, f, "POST", base+"servicerequestupdates."+fm, url.Values{"api_key": {key}, "service_request_id": {id},
		"status": {"OPEN"}, "description": {"垃圾还在"}, "updated_datetime": {time.Now().Format(time.RFC3339)}})
	if st != 200 {
		t.Fatalf("post update: %d %s", st, body)
	}
	if u := decodeSpec[specUpdate](t, fm, body, "service_request_updates", "request_update"); len(u) != 1 || u[0].UpdateID == "" {
		t.Errorf("post update answered %+v", u)
	}
	for _, c := range []struct {
		form url.Values
		want int
	}{
		{url.Values{"service_request_id": {id}, "status": {"OPEN"}, "description": {"x"}}, 403},
		{url.Values{"api_key": {key}, "service_request_id": {"987654"}, "status": {"OPEN"}, "description": {"x"}}, 404},
		{url.Values{"api_key": {key}, "service_request_id": {id}, "status": {"MAYBE"}, "description": {"x"}}, 400},
		{url.Values{"api_key": {key}, "service_request_id": {id}, "status": {"OPEN"}}, 400},
	} {
		st, ct, body := o311Call(t, f, "POST", base+"servicerequestupdates."+fm, c.form)
		wantErrors(t, fm, c.want, st, ct, body, c.want, fmt.Sprint("post update ", c.form))
	}
	if e := list(url.Values{"service_request_id": {id}, "extensions": {"true"}}); len(e) != 1 ||
		!slices.ContainsFunc(e[0].Notes, func(n struct {
			Datetime    string `xml:"datetime" json:"datetime"`
			Description string `xml:"description" json:"description"`
		}) bool {
			return n.Description == "垃圾还在"
		}) {
		t.Errorf("the posted update is not among the notes: %+v", e)
	}
}

// Without .xml or .json the format is unknown, so the 404 is a problem.
func TestOpen311NoFormatIsNotFound(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	for _, p := range []string{"/open311/v2/requests/1", "/open311/v2/services/C0101", "/open311/v2/tokens/abc"} {
		resp := f.do("GET", p, "", "")
		if b := readAll(resp); resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s", p, resp.StatusCode, b)
		}
	}
}
