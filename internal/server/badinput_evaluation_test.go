package server_test

import (
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Bad input to the statistics and evaluation routes: a 4xx problem+json
// naming the field, and nothing written (the audit chain does not grow).
func TestBadInputEvaluation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e := f.evEnterprise(31, "某厂", f.c1, "东园", "enterprise", false, 3, directory.Active)
		ent := itoa(e.ID)
		f.do("PUT", "/api/v1/enterprises/"+ent+"/stats/2024-01", account.Butler, `{"figures":{"tax":1}}`).Body.Close()
		town := itoa(f.town.ID)
		cases := []struct {
			name, method, path string
			role               account.Role
			body               string
			status             int
			code, field        string
		}{
			{"bad month", "PUT", "/api/v1/enterprises/" + ent + "/stats/2024-13", account.Enterprise, `{"figures":{}}`, 422, "validation", "period"},
			{"period as date", "PUT", "/api/v1/enterprises/" + ent + "/stats/2024-01-01", account.Enterprise, `{"figures":{}}`, 422, "validation", "period"},
			{"negative figure", "PUT", "/api/v1/enterprises/" + ent + "/stats/2024-02", account.Enterprise, `{"figures":{"electricity_kwh":-1}}`, 422, "validation", "figures.electricity_kwh"},
			{"unknown figure", "PUT", "/api/v1/enterprises/" + ent + "/stats/2024-02", account.Enterprise, `{"figures":{"moonlight":1}}`, 422, "validation", "figures.moonlight"},
			{"bad status", "PUT", "/api/v1/enterprises/" + ent + "/stats/2024-02", account.Enterprise, `{"figures":{},"status":"accepted"}`, 422, "validation", "status"},
			{"figure as text", "PUT", "/api/v1/enterprises/" + ent + "/stats/2024-02", account.Enterprise, `{"figures":{"tax":"12"}}`, 400, "json_type", ""},
			{"unknown field", "PUT", "/api/v1/enterprises/" + ent + "/stats/2024-02", account.Enterprise, `{"figurse":{}}`, 400, "json_unknown_field", "figurse"},
			{"bad decision", "POST", "/api/v1/enterprises/" + ent + "/stats/2024-01/review", account.Evaluator, `{"decision":"maybe"}`, 422, "validation", "decision"},
			{"return without reason", "POST", "/api/v1/enterprises/" + ent + "/stats/2024-01/review", account.Evaluator, `{"decision":"return"}`, 422, "validation", "note"},
			{"bad year filter", "GET", "/api/v1/enterprises/" + ent + "/stats?year=24", account.Enterprise, ``, 422, "validation", "year"},
			{"completeness without period", "GET", "/api/v1/stats/completeness", account.Leader, ``, 422, "validation", "period"},
			{"completeness bad area", "GET", "/api/v1/stats/completeness?period=2024-01&area_id=x", account.Leader, ``, 422, "validation", "area_id"},
			{"import not xlsx", "POST", "/api/v1/stats/import.xlsx", account.Butler, `uscc,period`, 422, "validation", "file"},
			{"run: unknown scheme", "POST", "/api/v1/evaluations", account.Evaluator, `{"scheme":"atlantis","year":2022,"area_id":` + town + `}`, 422, "validation", "scheme"},
			{"run: bad year", "POST", "/api/v1/evaluations", account.Evaluator, `{"scheme":"huangyan-2022","year":22,"area_id":` + town + `}`, 422, "validation", "year"},
			{"run: no area", "POST", "/api/v1/evaluations", account.Evaluator, `{"scheme":"huangyan-2022","year":2022}`, 422, "validation", "area_id"},
			{"run: unknown area", "POST", "/api/v1/evaluations", account.Evaluator, `{"scheme":"huangyan-2022","year":2022,"area_id":987654}`, 422, "validation", "area_id"},
			{"run: year as text", "POST", "/api/v1/evaluations", account.Evaluator, `{"scheme":"huangyan-2022","year":"2022"}`, 400, "json_type", ""},
			{"scheme: invalid", "POST", "/api/v1/evaluation/schemes/huangyan-2022", account.Evaluator, `{"body":{"id":"huangyan-2022","name":"x","effective":"2024-01-01","groups":[]}}`, 422, "validation", "body"},
			{"scheme: no body", "POST", "/api/v1/evaluation/schemes/huangyan-2022", account.Evaluator, `{"note":"x"}`, 422, "validation", "body"},
			{"scheme: bad version", "GET", "/api/v1/evaluation/schemes/huangyan-2022?version=x", account.Evaluator, ``, 422, "validation", "version"},
			{"results: bad cursor", "GET", "/api/v1/evaluations/1/results?cursor=!!", account.Evaluator, ``, 404, "not_found", ""},
			{"runs: bad limit", "GET", "/api/v1/evaluations?limit=9999", account.Evaluator, ``, 422, "validation", "limit"},
		}
		for _, c := range cases {
			before := f.auditRows()
			f.refused(t, c.name, f.do(c.method, c.path, c.role, c.body), c.status, c.code, c.field, before)
		}
	})
}
