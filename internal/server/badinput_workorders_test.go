package server_test

import (
	"fmt"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Bad input to the work-order, rules, calendar and indicator routes: a 4xx
// problem+json naming the field, and nothing written.
func TestBadInputWorkOrders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		var v woView
		woDecode(t, f.do("POST", "/api/v1/workorders", account.Intake,
			fmt.Sprintf(`{"kind":"citycase","category":"C0301","title":"x","source":"hotline","area_id":%d}`, f.g1.ID)), 201, &v)
		g1, g2, wo := itoa(f.g1.ID), itoa(f.g2.ID), itoa(v.ID)
		long := strings.Repeat("字", 4001)
		cases := []struct {
			name, method, path string
			role               account.Role
			body               string
			status             int
			code, field        string
		}{
			{"unknown kind", "POST", "/api/v1/workorders", account.Intake, `{"kind":"ufo","title":"x","area_id":` + g1 + `}`, 422, "validation", "kind"},
			{"unknown category", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","category":"E9999","title":"x","area_id":` + g1 + `}`, 422, "validation", "category"},
			{"component for alarm", "POST", "/api/v1/workorders", account.Admin, `{"kind":"alarm","category":"C0101","title":"x","area_id":` + g1 + `}`, 422, "validation", "category"},
			{"bad urgency", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","category":"E0102","urgency":"asap","title":"x","area_id":` + g1 + `}`, 422, "validation", "urgency"},
			{"long description", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","category":"E0102","title":"x","description":"` + long + `","area_id":` + g1 + `}`, 422, "validation", "description"},
			{"no title", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","category":"E0102","area_id":` + g1 + `}`, 422, "validation", "title"},
			{"bad source", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","category":"E0102","title":"x","source":"pigeon","area_id":` + g1 + `}`, 422, "validation", "source"},
			{"no area", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","category":"E0102","title":"x"}`, 422, "validation", "area_id"},
			{"point without grid map", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","category":"E0102","title":"x","lon":113.2,"lat":22.6}`, 422, "validation", "area_id"},
			{"half a point", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","category":"E0102","title":"x","lon":113.2,"area_id":` + g1 + `}`, 422, "validation", "lat"},
			{"point off earth", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","category":"E0102","title":"x","lon":200,"lat":22,"area_id":` + g1 + `}`, 422, "validation", "lon"},
			{"area out of scope", "POST", "/api/v1/workorders", account.GridWorker, `{"kind":"citycase","category":"E0102","title":"x","area_id":` + g2 + `}`, 422, "validation", "area_id"},
			{"wrong type", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","title":5}`, 400, "json_type", "title"},
			{"unknown field", "POST", "/api/v1/workorders", account.Intake, `{"kind":"citycase","titel":"x"}`, 400, "json_unknown_field", "titel"},
			{"action without seq", "POST", "/api/v1/workorders/" + wo + "/actions", account.Intake, `{"action":"accept"}`, 422, "validation", "seq"},
			{"action without name", "POST", "/api/v1/workorders/" + wo + "/actions", account.Intake, `{"seq":1}`, 422, "validation", "action"},
			{"bad extension", "POST", "/api/v1/workorders/" + wo + "/actions", account.Intake, `{"action":"accept","seq":1,"inputs":{"extension":{"value":1,"unit":"fortnight"}}}`, 422, "validation", "inputs"},
			{"foreign photo", "POST", "/api/v1/workorders/" + wo + "/actions", account.GridWorker, `{"action":"self_handle","seq":1,"inputs":{"photos":[99999]}}`, 422, "validation", "inputs.photos"},
			{"bad queue", "GET", "/api/v1/workorders?queue=everything", account.Intake, ``, 422, "validation", "queue"},
			{"bad light", "GET", "/api/v1/workorders?light=blue", account.Intake, ``, 422, "validation", "light"},
			{"bad area filter", "GET", "/api/v1/workorders?area_id=x", account.Intake, ``, 422, "validation", "area_id"},
			{"bad cursor", "GET", "/api/v1/workorders?cursor=!!", account.Intake, ``, 422, "validation", "cursor"},
			{"not multipart", "POST", "/api/v1/workorders/" + wo + "/attachments", account.Intake, `{}`, 415, "content_type", ""},
			{"bad flow", "POST", "/api/v1/rules/flow/citycase", account.Admin, `{"effective_from":"2027-01-01","body":{"id":"citycase","initial":"nowhere"}}`, 422, "validation", "body"},
			{"flow key mismatch", "POST", "/api/v1/rules/flow/resident", account.Admin, `{"effective_from":"2027-01-01","body":{"id":"x"}}`, 422, "validation", "body"},
			{"bad categories", "POST", "/api/v1/rules/categories/cityparts", account.Admin, `{"effective_from":"2027-01-01","body":{"id":"cityparts","categories":[{"code":"Z1"}]}}`, 422, "validation", "body"},
			{"unknown rule kind", "POST", "/api/v1/rules/aqi/default", account.Admin, `{"effective_from":"2027-01-01","body":{}}`, 422, "validation", "kind"},
			{"bad effective date", "POST", "/api/v1/rules/flow/citycase", account.Admin, `{"effective_from":"next year","body":{}}`, 422, "validation", "effective_from"},
			{"bad calendar", "POST", "/api/v1/calendar/versions", account.Admin, `{"effective_from":"2027-01-01","body":{"name":"default","hours":[{"start":600,"end":500}],"rules":[]}}`, 422, "validation", "body"},
			{"deadline: no unit", "GET", "/api/v1/calendar/deadline?from=2025-09-26", account.Intake, ``, 422, "validation", "working_days"},
			{"deadline: bad from", "GET", "/api/v1/calendar/deadline?from=yesterday&working_days=1", account.Intake, ``, 422, "validation", "from"},
			{"days: bad year", "GET", "/api/v1/calendar/days?year=99", account.Intake, ``, 422, "validation", "year"},
			{"indicators: no area", "GET", "/api/v1/indicators?period=2025-09", account.Leader, ``, 422, "validation", "area_id"},
			{"indicators: bad period", "GET", "/api/v1/indicators?area_id=" + itoa(f.town.ID) + "&period=2025-13", account.Leader, ``, 422, "validation", "period"},
			{"indicators: bad group", "GET", "/api/v1/indicators?area_id=" + itoa(f.town.ID) + "&period=2025-09&group=moon", account.Leader, ``, 422, "validation", "group"},
			{"posts: bad period", "GET", "/api/v1/indicators/posts?area_id=" + itoa(f.town.ID) + "&period=x", account.Leader, ``, 422, "validation", "period"},
		}
		for _, c := range cases {
			before := f.auditRows()
			f.refused(t, c.name, f.do(c.method, c.path, c.role, c.body), c.status, c.code, c.field, before)
		}
		// A bad upload: a text file posing as a photo.
		resp := f.woUpload(v.ID, account.Intake, "x.jpg", []byte("just text, not a photo"))
		if body := readAll(resp); resp.StatusCode != 422 || !strings.Contains(body, "attachment.type") {
			t.Errorf("text as photo: %d %s", resp.StatusCode, body)
		}
	})
}
