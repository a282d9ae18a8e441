package server_test

import (
	"fmt"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store/storetest"
)

// The case page follows the API's scope: a case in another community is 404
// for a grid worker of community 1, as it is in GET /api/v1/workorders/{id};
// bad ids are refused before anything is read.
func TestWorkOrderPagesScope(t *testing.T) {
	f, _ := woFixture(t, storetest.SQLite(t, 0), "2025-09-29T09:00")
	var v woView
	woDecode(t, f.do("POST", "/api/v1/workorders", account.Intake,
		fmt.Sprintf(`{"kind":"citycase","category":"E0102","title":"路边垃圾","area_id":%d}`, f.g2.ID)), 201, &v)
	page := "/workorders/" + itoa(v.ID)
	for _, c := range []struct {
		role account.Role
		path string
		want int
	}{
		{account.Intake, page, 200},
		{account.Leader, page, 200},
		{account.GridWorker, page, 404}, // g2 is outside community 1
		{account.Resident, page, 404},   // not their report
		{account.Intake, "/workorders/0", 422},
		{account.Intake, "/workorders/abc", 422},
	} {
		resp := f.do("GET", c.path, c.role, "")
		body := readAll(resp)
		if resp.StatusCode != c.want {
			t.Errorf("%s as %s: %d, want %d", c.path, c.role, resp.StatusCode, c.want)
		}
		if c.want == 200 && (!strings.Contains(body, v.Number) || !strings.Contains(body, `data-id="`+itoa(v.ID)+`"`)) {
			t.Errorf("%s as %s: the page does not name the case", c.path, c.role)
		}
		if c.want != 200 && strings.Contains(body, v.Number) {
			t.Errorf("%s as %s: a refusal shows the case number", c.path, c.role)
		}
	}
	// The report form offers only the grids the reporter may see.
	body := readAll(f.do("GET", "/workorders/new", account.GridWorker, ""))
	if !strings.Contains(body, `value="`+itoa(f.g1.ID)+`"`) || strings.Contains(body, `value="`+itoa(f.g2.ID)+`"`) {
		t.Error("the grid worker's report form should list g1 and not g2")
	}
}
