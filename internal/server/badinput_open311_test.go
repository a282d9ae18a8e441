package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Bad input to the report page's JSON routes: a 4xx problem+json naming the
// field, and nothing written. Open311's own refusals (the spec's error
// arrays) follow, each naming its argument in the description.
func TestBadInputReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ok := filled()
		cases := []struct {
			name, method, path, body string
			status                   int
			code, field              string
		}{
			{"honeypot", "POST", "/api/v1/reports", fmt.Sprintf(`{"category":"E0106","lat":22.6,"lon":113.2,"website":"x","started_at":%d}`, ok), 422, "validation", "website"},
			{"too fast", "POST", "/api/v1/reports", `{"category":"E0106","lat":22.6,"lon":113.2,"started_at":1}`, 422, "validation", "website"},
			{"no place", "POST", "/api/v1/reports", fmt.Sprintf(`{"category":"E0106","started_at":%d}`, ok), 422, "validation", "lat"},
			{"half a point", "POST", "/api/v1/reports", fmt.Sprintf(`{"category":"E0106","lat":22.6,"started_at":%d}`, ok), 422, "validation", "lat"},
			{"point off earth", "POST", "/api/v1/reports", fmt.Sprintf(`{"category":"E0106","lat":95,"lon":113.2,"started_at":%d}`, ok), 422, "validation", "lat"},
			{"unknown category", "POST", "/api/v1/reports", fmt.Sprintf(`{"category":"Z1","lat":22.6,"lon":113.2,"started_at":%d}`, ok), 422, "validation", "category"},
			{"long description", "POST", "/api/v1/reports", fmt.Sprintf(`{"category":"E0106","lat":22.6,"lon":113.2,"description":%q,"started_at":%d}`, strings.Repeat("长", 4001), ok), 422, "validation", "description"},
			{"html description", "POST", "/api/v1/reports", fmt.Sprintf(`{"category":"E0106","lat":22.6,"lon":113.2,"description":"<b>x</b>","started_at":%d}`, ok), 422, "validation", "description"},
			{"bad attribute", "POST", "/api/v1/reports", fmt.Sprintf(`{"category":"C0101","lat":22.6,"lon":113.2,"attributes":{"cover_state":["gone"]},"started_at":%d}`, ok), 422, "validation", "attributes"},
			{"bad email", "POST", "/api/v1/reports", fmt.Sprintf(`{"category":"E0106","lat":22.6,"lon":113.2,"email":"nobody","started_at":%d}`, ok), 422, "validation", "email"},
			{"unknown field", "POST", "/api/v1/reports", `{"categroy":"E0106"}`, 400, "json_unknown_field", "categroy"},
			{"nearby: bad point", "GET", "/api/v1/reports/nearby?category=E0106&lat=x&lon=1", ``, 422, "validation", "lat"},
			{"nearby: bad category", "GET", "/api/v1/reports/nearby?category=Z&lat=22&lon=113", ``, 422, "validation", "category"},
			{"follow: no such report", "POST", "/api/v1/reports/follow", `{"id":987654}`, 422, "validation", "id"},
			{"track: no token", "GET", "/api/v1/reports/track", ``, 422, "validation", "token"},
			{"survey: bad rating", "POST", "/api/v1/reports/survey", `{"token":"x","rating":"meh"}`, 422, "validation", "rating"},
			{"subscribe: bad scope", "POST", "/api/v1/reports/subscriptions", `{"scope":"planet","target":"1","channel":"email","address":"a@b.c"}`, 422, "validation", "scope"},
			{"subscribe: bad channel", "POST", "/api/v1/reports/subscriptions", `{"scope":"category","target":"E0106","channel":"pigeon","address":"a@b.c"}`, 422, "validation", "channel"},
			{"subscribe: bad address", "POST", "/api/v1/reports/subscriptions", `{"scope":"category","target":"E0106","channel":"webhook","address":"ftp://x"}`, 422, "validation", "address"},
			{"subscribe: unknown target", "POST", "/api/v1/reports/subscriptions", `{"scope":"category","target":"Z1","channel":"email","address":"a@b.c"}`, 422, "validation", "target"},
			{"unsubscribe: no secret", "POST", "/api/v1/reports/unsubscribe", `{}`, 422, "validation", "secret"},
			{"indicators: bad months", "GET", "/api/v1/reports/indicators?months=99", ``, 422, "validation", "months"},
		}
		for _, c := range cases {
			before := f.auditRows()
			f.refused(t, c.name, f.do(c.method, c.path, "", c.body), c.status, c.code, c.field, before)
		}
		key := open311Key(t, f, account.Intake, account.Open311Submit)
		for _, c := range []struct {
			name string
			form url.Values
			word string
		}{
			{"no service_code", url.Values{"api_key": {key}, "lat": {"22"}, "long": {"113"}}, "service_code"},
			{"bad lat", url.Values{"api_key": {key}, "service_code": {"E0106"}, "lat": {"north"}, "long": {"113"}}, "lat"},
			{"bad media_url", url.Values{"api_key": {key}, "service_code": {"E0106"}, "address_string": {"x"}, "media_url": {"file:///etc/passwd"}}, "media_url"},
			{"bad attribute key", url.Values{"api_key": {key}, "service_code": {"E0106"}, "address_string": {"x"}, "attribute[a][b]": {"1"}}, "attribute"},
		} {
			before := f.auditRows()
			st, _, body := o311Call(t, f, "POST", "/open311/v2/requests.json", c.form)
			var errs []struct {
				Code        int
				Description string
			}
			_ = json.Unmarshal([]byte(body), &errs)
			if st != 400 || len(errs) != 1 || errs[0].Code != 400 || !strings.Contains(errs[0].Description, c.word) {
				t.Errorf("%s: %d %s, want 400 naming %s", c.name, st, body, c.word)
			}
			if after := f.auditRows(); after != before {
				t.Errorf("%s wrote %d audit rows", c.name, after-before)
			}
		}
	})
}
