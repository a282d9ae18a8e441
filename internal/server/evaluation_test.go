package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/codes"
	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

func evUSCC(n int) string {
	body := fmt.Sprintf("91330003%09d", n)
	c, _ := codes.USCCCheckChar(body)
	return body + string(c)
}

// evEnterprise stores an enterprise in community c (owner: a username whose
// account becomes the enterprise's login, "" for none).
func (f *fixture) evEnterprise(n int, name string, area *directory.Area, park, owner string, above bool, land float64, status directory.EnterpriseStatus) *directory.Enterprise {
	f.t.Helper()
	e := &directory.Enterprise{USCC: evUSCC(n), Name: name, AboveScale: above, LandMu: land, Park: park, AreaID: area.ID, Status: status}
	if owner != "" {
		u, _, err := f.db.UserByUsername(ctx, owner)
		if err != nil {
			f.t.Fatal(err)
		}
		e.UserID = u.ID
	}
	if err := f.db.Write(ctx, store.Actor{Name: "fixture", Via: "cli"}, func(tx *store.Tx) error { return tx.CreateEnterprise(ctx, e) }); err != nil {
		f.t.Fatal(err)
	}
	return e
}

func evJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
}

// An enterprise account reads and writes only its own enterprise's statistics:
// another enterprise's are 404, as if they did not exist.
func TestStatsOnlyOwnEnterprise(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		mine := f.evEnterprise(1, "本企业", f.c1, "东园", "enterprise", false, 5, directory.Active)
		other := f.evEnterprise(2, "他企业", f.c1, "东园", "", false, 5, directory.Active)
		body := `{"figures":{"tax":12.5,"electricity_kwh":30000},"status":"submitted"}`
		if resp := f.do("PUT", "/api/v1/enterprises/"+itoa(mine.ID)+"/stats/2024-03", account.Enterprise, body); resp.StatusCode != 200 {
			t.Fatalf("own report: %d %s", resp.StatusCode, readAll(resp))
		}
		before := f.auditRows()
		for _, c := range []struct{ method, path, body string }{
			{"PUT", "/api/v1/enterprises/" + itoa(other.ID) + "/stats/2024-03", body},
			{"GET", "/api/v1/enterprises/" + itoa(other.ID) + "/stats", ""},
			{"GET", "/api/v1/enterprises/" + itoa(other.ID) + "/stats/2024-03", ""},
			{"GET", "/api/v1/enterprises/" + itoa(other.ID) + "/evaluation", ""},
			{"GET", "/evaluation/enterprises/" + itoa(other.ID), ""},
		} {
			resp := f.do(c.method, c.path, account.Enterprise, c.body)
			if text := readAll(resp); resp.StatusCode != 404 {
				t.Errorf("enterprise %s %s: %d %s, want 404", c.method, c.path, resp.StatusCode, text)
			}
		}
		if f.auditRows() != before {
			t.Error("a refused write was audited as a change")
		}
		// A resident cannot report at all; a butler reports for the other enterprise.
		if resp := f.do("PUT", "/api/v1/enterprises/"+itoa(other.ID)+"/stats/2024-03", account.Resident, body); resp.StatusCode != 403 {
			t.Errorf("resident: %d", resp.StatusCode)
		}
		if resp := f.do("PUT", "/api/v1/enterprises/"+itoa(other.ID)+"/stats/2024-03", account.Butler, body); resp.StatusCode != 200 {
			t.Errorf("butler for the other: %d %s", resp.StatusCode, readAll(resp))
		}
		// A revision keeps the first version, and an evaluator returns it with a reason.
		f.do("PUT", "/api/v1/enterprises/"+itoa(mine.ID)+"/stats/2024-03", account.Enterprise, `{"figures":{"tax":13}}`).Body.Close()
		resp := f.do("POST", "/api/v1/enterprises/"+itoa(mine.ID)+"/stats/2024-03/review", account.Evaluator, `{"decision":"return","note":"用电量缺失"}`)
		if resp.StatusCode != 200 {
			t.Fatalf("review: %d %s", resp.StatusCode, readAll(resp))
		}
		resp.Body.Close()
		var d struct {
			Status    string
			Revisions []struct {
				Revision int
				Status   string
				Figures  map[string]float64
			}
		}
		evJSON(t, readAll(f.do("GET", "/api/v1/enterprises/"+itoa(mine.ID)+"/stats/2024-03", account.Enterprise, "")), &d)
		if d.Status != "returned" || len(d.Revisions) != 3 || d.Revisions[0].Figures["tax"] != 12.5 || d.Revisions[1].Figures["tax"] != 13 {
			t.Errorf("revisions %+v", d)
		}
	})
}

// An xlsx with bad cells is refused cell by cell and writes nothing; a good
// one writes every row; completeness then counts who reported.
func TestStatsImportAndCompleteness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		a := f.evEnterprise(11, "甲厂", f.c1, "东园", "", true, 10, directory.Active)
		b := f.evEnterprise(12, "乙厂", f.c1, "东园", "", false, 4, directory.Active)
		f.evEnterprise(13, "丙厂", f.c2, "西园", "", false, 2, directory.Active)
		f.evEnterprise(14, "丁厂", f.c2, "西园", "", false, 2, directory.Closed) // not expected to report
		header := []any{"统一社会信用代码", "企业名称", "统计期", "税收(万元)", "用电量(kWh)", "年平均职工人数(人)"}
		bad := xlsxOf(t, [][]any{header,
			{a.USCC, "甲厂", "2024-05", "12", "1000", "30"},
			{b.USCC, "乙厂", "2024-5", "abc", "-10", "8"},
			{evUSCC(99), "无此厂", "2024-05", "1", "1", "1"},
		})
		before := f.auditRows()
		resp := f.do("POST", "/api/v1/stats/import.xlsx", account.Butler, string(bad))
		text := readAll(resp)
		var p struct {
			Code   string
			Errors []struct {
				Row    int
				Column string
				Code   string
			}
		}
		evJSON(t, text, &p)
		var got []string
		for _, e := range p.Errors {
			got = append(got, fmt.Sprintf("%d/%s/%s", e.Row, e.Column, e.Code))
		}
		want := "3/统计期/stats.period;3/税收(万元)/cell.not_number;3/用电量(kWh)/stats.negative;4/统一社会信用代码/stats.uscc_unknown"
		if resp.StatusCode != 422 || p.Code != "import" || strings.Join(got, ";") != want {
			t.Errorf("bad sheet: %d %v\nwant %s", resp.StatusCode, got, want)
		}
		if f.auditRows() != before {
			t.Error("a refused import wrote something")
		}
		if c := f.completeness(t, "2024-05", ""); c.Reported != 0 || c.Expected != 3 {
			t.Errorf("nothing imported, yet completeness %+v", c)
		}
		good := xlsxOf(t, [][]any{header, {a.USCC, "甲厂", "2024-05", "12", "1000", "30"}, {b.USCC, "乙厂", "2024-05", "1,200", "20000", "8"}})
		if resp := f.do("POST", "/api/v1/stats/import.xlsx", account.Butler, string(good)); resp.StatusCode != 201 {
			t.Fatalf("good sheet: %d %s", resp.StatusCode, readAll(resp))
		}
		c := f.completeness(t, "2024-05", "")
		if c.Expected != 3 || c.Reported != 2 || len(c.Missing) != 1 || c.Missing[0].Name != "丙厂" {
			t.Errorf("completeness %+v", c)
		}
		if c := f.completeness(t, "2024-05", "东园"); c.Expected != 2 || c.Reported != 2 {
			t.Errorf("park 东园 %+v", c)
		}
		// The grid worker sees community 1 only: 甲厂 and 乙厂.
		resp = f.do("GET", "/api/v1/stats/completeness?period=2024-05", account.GridWorker, "")
		var gw store.Completeness
		evJSON(t, readAll(resp), &gw)
		if gw.Expected != 2 {
			t.Errorf("grid worker completeness %+v", gw)
		}
		// The enterprise account can import only for its own enterprise.
		own := f.evEnterprise(15, "戊厂", f.c1, "东园", "enterprise", false, 1, directory.Active)
		sheet := xlsxOf(t, [][]any{header, {own.USCC, "", "2024-05", "1", "1", "1"}, {a.USCC, "", "2024-06", "1", "1", "1"}})
		resp = f.do("POST", "/api/v1/stats/import.xlsx", account.Enterprise, string(sheet))
		if text := readAll(resp); resp.StatusCode != 422 || !strings.Contains(text, `"row":3`) || !strings.Contains(text, "stats.uscc_unknown") {
			t.Errorf("enterprise importing for another: %d %s", resp.StatusCode, text)
		}
	})
}

func (f *fixture) completeness(t *testing.T, period, park string) store.Completeness {
	t.Helper()
	resp := f.do("GET", "/api/v1/stats/completeness?period="+period+"&park="+park, account.Leader, "")
	var c store.Completeness
	evJSON(t, readAll(resp), &c)
	return c
}

// A run over the API, its results, aggregates, export and an enterprise's card.
func TestEvaluationRunOverAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e1 := f.evEnterprise(21, "好厂", f.c1, "东园", "enterprise", false, 4, directory.Active)
		e2 := f.evEnterprise(22, "差厂", f.c2, "西园", "", false, 4, directory.Active)
		for _, x := range []struct {
			e   *directory.Enterprise
			tax float64
		}{{e1, 40}, {e2, 2}} {
			resp := f.do("PUT", fmt.Sprintf("/api/v1/enterprises/%d/stats/2022", x.e.ID), account.Butler, fmt.Sprintf(`{"figures":{"tax":%g,"electricity_kwh":1000000}}`, x.tax))
			resp.Body.Close()
		}
		resp := f.do("POST", "/api/v1/evaluations", account.Evaluator, fmt.Sprintf(`{"scheme":"huangyan-2022","year":2022,"area_id":%d}`, f.town.ID))
		var out struct {
			Run struct {
				ID      int64
				N       int
				ByClass map[string]int `json:"by_class"`
			}
		}
		evJSON(t, readAll(resp), &out)
		if resp.StatusCode != 201 || out.Run.N != 2 || out.Run.ByClass["B"] != 1 || out.Run.ByClass["D"] != 1 {
			t.Fatalf("run: %d %+v", resp.StatusCode, out)
		}
		run := itoa(out.Run.ID)
		var list struct {
			Items []struct {
				Name  string
				Class string
				Total float64
			}
		}
		evJSON(t, readAll(f.do("GET", "/api/v1/evaluations/"+run+"/results?class=D", account.Leader, "")), &list)
		// 差厂 by hand: (2/4)/11.5932×50 + (2×10000/1e6)/0.2352×50 (standards.md §1.2, 规下).
		if want := (2.0/4)/11.5932*50 + (0.02)/0.2352*50; len(list.Items) != 1 || list.Items[0].Name != "差厂" || fmt.Sprintf("%.9f", list.Items[0].Total) != fmt.Sprintf("%.9f", want) {
			t.Errorf("class D results %+v", list.Items)
		}
		// The enterprise account sees only its own row.
		evJSON(t, readAll(f.do("GET", "/api/v1/evaluations/"+run+"/results", account.Enterprise, "")), &list)
		if len(list.Items) != 1 || list.Items[0].Name != "好厂" {
			t.Errorf("enterprise sees %+v", list.Items)
		}
		var aggs []struct{ Level, Unit string }
		evJSON(t, readAll(f.do("GET", "/api/v1/evaluations/"+run+"/aggregates", account.Leader, "")), &aggs)
		if len(aggs) != 3 { // parks 东园 and 西园, town 古镇镇
			t.Errorf("aggregates %+v", aggs)
		}
		resp = f.do("GET", "/api/v1/evaluations/"+run+"/export.xlsx", account.Leader, "")
		if x := readAll(resp); resp.StatusCode != 200 || !strings.HasPrefix(x, "PK") {
			t.Errorf("export: %d", resp.StatusCode)
		}
		var card struct {
			Evaluated bool
			Card      struct{ Class string }
		}
		evJSON(t, readAll(f.do("GET", "/api/v1/enterprises/"+itoa(e1.ID)+"/evaluation", account.Enterprise, "")), &card)
		if !card.Evaluated || card.Card.Class != "B" {
			t.Errorf("card %+v", card)
		}
		// A grid worker scoped to community 1 does not see a town-wide run.
		if resp := f.do("GET", "/api/v1/evaluations/"+run, account.GridWorker, ""); resp.StatusCode != 403 && resp.StatusCode != 404 {
			t.Errorf("grid worker: %d", resp.StatusCode)
		}
	})
}
