package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Published codes: GB 11643-1999's example ID; Tencent's and Huawei's USCC.
const (
	testID       = "11010519491231002X"
	testUSCC     = "91440300708461136T"
	testUSCC2    = "914403001922038216"
	testUSCCBad  = "91440300708461136A"
	testMobile   = "13912345678"
	maskedID     = "1101**********002X"
	maskedMobile = "139****5678"
)

func decodeJSON(t *testing.T, resp *http.Response, v any) string {
	t.Helper()
	body := readAll(resp)
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%d %s: %v", resp.StatusCode, body, err)
	}
	return body
}

func TestResidentsMaskedUnmaskAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		body := `{"name":"李四","id_number":"` + testID + `","phone":"` + testMobile + `","grid_id":` + itoa(f.g1.ID) + `,"consent_at":1700000000000}`
		var res struct {
			ID       int64  `json:"id"`
			IDNumber string `json:"id_number"`
			Phone    string `json:"phone"`
			Masked   bool   `json:"masked"`
		}
		resp := f.do("POST", "/api/v1/residents", account.Admin, body)
		if raw := decodeJSON(t, resp, &res); resp.StatusCode != 201 || strings.Contains(raw, testID) || strings.Contains(raw, testMobile) {
			t.Fatalf("create answered %d %s: clear data or failure", resp.StatusCode, raw)
		}
		// Without consent: refused with a clear problem naming consent_at.
		var p problem
		resp = f.do("POST", "/api/v1/residents", account.Admin, strings.Replace(body, `,"consent_at":1700000000000`, "", 1))
		decodeJSON(t, resp, &p)
		if resp.StatusCode != 422 || len(p.Errors) == 0 || p.Errors[0].Field != "consent_at" || p.Errors[0].Code != "resident.consent_required" {
			t.Fatalf("no consent: %d %+v", resp.StatusCode, p)
		}
		// Every read is masked, for every reader; the grid worker of community 1 sees it.
		for _, role := range []account.Role{account.Admin, account.Leader, account.GridWorker} {
			raw := decodeJSON(t, f.do("GET", "/api/v1/residents/"+itoa(res.ID), role, ""), &res)
			if res.IDNumber != maskedID || res.Phone != maskedMobile || !res.Masked || strings.Contains(raw, testID) {
				t.Errorf("%s reads %s", role, raw)
			}
		}
		// Lookup by ID number through the blind index (15-digit form of the same person).
		resp = f.do("POST", "/api/v1/residents/lookup", account.GridWorker, `{"id_number":"110105491231002"}`)
		if decodeJSON(t, resp, &res); resp.StatusCode != 200 || res.IDNumber != maskedID {
			t.Errorf("lookup %d %+v", resp.StatusCode, res)
		}
		// A leader may not unmask; asking is refused, not silently masked.
		if resp := f.do("GET", "/api/v1/residents/"+itoa(res.ID)+"?unmask=true", account.Leader, ""); resp.StatusCode != 403 {
			t.Errorf("leader unmask: %d", resp.StatusCode)
		}
		before := f.auditRows()
		resp = f.do("GET", "/api/v1/residents/"+itoa(res.ID)+"?unmask=true", account.Admin, "")
		if decodeJSON(t, resp, &res); res.IDNumber != testID || res.Phone != testMobile || res.Masked {
			t.Fatalf("admin unmask: %+v", res)
		}
		if after := f.auditRows(); after != before+1 {
			t.Fatalf("unmask wrote %d audit rows, want 1", after-before)
		}
		rows, _ := db.ListAudit(ctx, store.AuditFilter{Object: "resident", Limit: 1})
		if len(rows) != 1 || rows[0].Action != "resident.unmask" || strings.Contains(rows[0].Detail, testID) {
			t.Fatalf("audit row %+v", rows)
		}
		// A grid worker of community 1 does not see a resident of community 2.
		body2 := `{"name":"王五","id_number":"440524188001010014","area_id":` + itoa(f.c2.ID) + `,"consent_at":1700000000000}`
		resp = f.do("POST", "/api/v1/residents", account.Admin, body2)
		decodeJSON(t, resp, &res)
		if resp := f.do("GET", "/api/v1/residents/"+itoa(res.ID), account.GridWorker, ""); resp.StatusCode != 404 {
			t.Errorf("out-of-scope resident: %d", resp.StatusCode)
		}
	})
}

func TestEnterprisePhonesMaskedAndScoped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		resp := f.do("POST", "/api/v1/enterprises", account.Admin, `{"uscc":"`+testUSCC+`","name":"腾讯","area_id":`+itoa(f.c2.ID)+`,"contacts":[{"name":"张三","phone":"`+testMobile+`"}]}`)
		var e struct {
			ID       int64 `json:"id"`
			Contacts []struct {
				Phone string `json:"phone"`
			} `json:"contacts"`
		}
		decodeJSON(t, resp, &e)
		if resp.StatusCode != 201 {
			t.Fatalf("create %d", resp.StatusCode)
		}
		resp = f.do("GET", "/api/v1/enterprises/"+itoa(e.ID), account.Leader, "")
		if decodeJSON(t, resp, &e); e.Contacts[0].Phone != maskedMobile {
			t.Errorf("leader sees phone %q", e.Contacts[0].Phone)
		}
		resp = f.do("GET", "/api/v1/enterprises/"+itoa(e.ID), account.Admin, "")
		if decodeJSON(t, resp, &e); e.Contacts[0].Phone != testMobile {
			t.Errorf("admin (residents.unmask) sees phone %q", e.Contacts[0].Phone)
		}
		if resp := f.do("GET", "/api/v1/enterprises/"+itoa(e.ID), account.GridWorker, ""); resp.StatusCode != 404 {
			t.Errorf("grid worker of community 1 reads an enterprise of community 2: %d", resp.StatusCode)
		}
		var l struct{ Items []any }
		decodeJSON(t, f.do("GET", "/api/v1/enterprises?q=腾讯", account.GridWorker, ""), &l)
		if len(l.Items) != 0 {
			t.Error("out-of-scope enterprise listed")
		}
	})
}

func xlsxOf(t *testing.T, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEnterpriseXLSXImportRejectsRowByRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		header := []any{"统一社会信用代码", "企业名称", "行业代码", "规上企业", "用地面积(亩)", "所属区域代码"}
		bad := xlsxOf(t, [][]any{header,
			{testUSCC, "腾讯", "I6510", "是", "12.5", f.c1.Code},  // good
			{testUSCCBad, "坏码", "C33", "否", "3", f.c1.Code},    // row 3: uscc
			{testUSCC2, "华为", "Z9", "否", "-1", f.c1.Code},      // row 4: industry (first error of the row)
			{testUSCC2, "华为", "C3921", "也许", "1", "000000000"}, // row 5: above_scale and area_code
		})
		post := func(path string, b []byte) *http.Response {
			req, _ := http.NewRequest("POST", f.http.URL+path, bytes.NewReader(b))
			req.Header.Set("Authorization", "Bearer "+f.keys[account.Admin])
			req.Header.Set("Content-Type", "application/octet-stream")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		before := f.auditRows()
		resp := post("/api/v1/enterprises/import.xlsx", bad)
		var p struct {
			Status int `json:"status"`
			Errors []struct {
				Row    int    `json:"row"`
				Column string `json:"column"`
				Field  string `json:"field"`
				Code   string `json:"code"`
			} `json:"errors"`
		}
		raw := decodeJSON(t, resp, &p)
		if resp.StatusCode != 422 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("bad sheet: %d %s", resp.StatusCode, raw)
		}
		got := map[string]bool{}
		for _, e := range p.Errors {
			got[itoa(int64(e.Row))+" "+e.Field] = true
		}
		for _, want := range []string{"3 uscc", "4 industry", "5 above_scale", "5 area_code"} {
			if !got[want] {
				t.Errorf("missing error %s in %s", want, raw)
			}
		}
		if got["2 uscc"] || len(p.Errors) != 4 {
			t.Errorf("errors %s", raw)
		}
		if f.auditRows() != before {
			t.Fatal("a refused import wrote something")
		}
		var l struct{ Items []any }
		decodeJSON(t, f.do("GET", "/api/v1/enterprises", account.Admin, ""), &l)
		if len(l.Items) != 0 {
			t.Fatal("a refused import stored enterprises")
		}
		good := xlsxOf(t, [][]any{header, {testUSCC, "腾讯", "I6510", "是", "12.5", f.c1.Code}, {testUSCC2, "华为", "C3921", "否", "1", f.c2.Code}})
		resp = post("/api/v1/enterprises/import.xlsx", good)
		var res struct{ Imported int }
		if decodeJSON(t, resp, &res); resp.StatusCode != 201 || res.Imported != 2 {
			t.Fatalf("good sheet: %d %+v", resp.StatusCode, res)
		}
		// The export reads back what was imported, and the template opens in excelize.
		for _, path := range []string{"/api/v1/enterprises/export.xlsx", "/api/v1/enterprises/template.xlsx"} {
			resp := f.do("GET", path, account.Leader, "")
			x, err := excelize.OpenReader(strings.NewReader(readAll(resp)))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			rows, _ := x.GetRows(x.GetSheetName(0))
			if rows[0][0] != "统一社会信用代码" || (strings.Contains(path, "export") && len(rows) != 3) {
				t.Errorf("%s rows %v", path, rows)
			}
		}
	})
}

// Every records page renders for a reader, with records in it.
func TestDirectoryRecordPagesRender(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	mk := func(path, body string) int64 {
		var v struct{ ID int64 }
		resp := f.do("POST", path, account.Admin, body)
		if decodeJSON(t, resp, &v); resp.StatusCode != 201 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return v.ID
	}
	c1 := itoa(f.c1.ID)
	ids := map[string]int64{
		"departments": mk("/api/v1/departments", `{"code":"cg","name":"城管局","kind":"city_management","area_id":`+c1+`}`),
		"enterprises": mk("/api/v1/enterprises", `{"uscc":"`+testUSCC+`","name":"腾讯","area_id":`+c1+`,"contacts":[{"name":"张三","phone":"`+testMobile+`"}]}`),
		"components":  mk("/api/v1/components", `{"code":"4420000101000001","grid_id":`+itoa(f.g1.ID)+`}`),
		"residents":   mk("/api/v1/residents", `{"name":"李四","id_number":"`+testID+`","phone":"`+testMobile+`","area_id":`+c1+`,"consent_at":1700000000000}`),
	}
	for kind, id := range ids {
		for _, path := range []string{"/directory/" + kind, "/directory/" + kind + "/" + itoa(id)} {
			resp := f.do("GET", path, account.Leader, "")
			body := readAll(resp)
			if resp.StatusCode != 200 || !strings.Contains(body, `id="title"`) {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
			if strings.Contains(body, testID) || strings.Contains(body, testMobile) {
				t.Errorf("%s shows personal data in clear to a leader", path)
			}
		}
	}
}

// A person whose areas lie outside the caller's scope does not exist for them.
func TestPersonScope(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	users, _ := f.db.ListUsers(ctx, store.UserFilter{Role: account.Leader, Limit: 1})
	if len(users) != 1 {
		t.Fatal("no leader in the fixture")
	}
	leader := itoa(users[0].ID) // scoped to the town
	if r := f.do("GET", "/api/v1/people/"+leader, account.GridWorker, ""); readAll(r) == "" || r.StatusCode != 404 {
		t.Errorf("grid worker (community 1) reads the town leader: %d, want 404", r.StatusCode)
	}
	if r := f.do("GET", "/api/v1/people/"+leader, account.Department, ""); readAll(r) == "" || r.StatusCode != 200 {
		t.Errorf("department staff (town) reads the town leader: %d, want 200", r.StatusCode)
	}
}
