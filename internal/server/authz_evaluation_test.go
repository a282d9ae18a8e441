package server_test

import "towngrid/internal/account"

func init() {
	addRoutePerms(map[string]account.Perm{
		"GET /api/v1/enterprises/{id}/stats":                  account.EvaluationRead,
		"GET /api/v1/enterprises/{id}/stats/{period}":         account.EvaluationRead,
		"PUT /api/v1/enterprises/{id}/stats/{period}":         account.StatsReport,
		"POST /api/v1/enterprises/{id}/stats/{period}/review": account.EvaluationWrite,
		"POST /api/v1/stats/import.xlsx":                      account.StatsReport,
		"GET /api/v1/stats/template.xlsx":                     account.StatsReport,
		"GET /api/v1/stats/completeness":                      account.Dashboard,
		"GET /api/v1/evaluation/schemes":                      account.EvaluationRead,
		"GET /api/v1/evaluation/schemes/{key}":                account.EvaluationRead,
		"POST /api/v1/evaluation/schemes/{key}":               account.EvaluationWrite,
		"POST /api/v1/evaluations":                            account.EvaluationWrite,
		"GET /api/v1/evaluations":                             account.EvaluationRead,
		"GET /api/v1/evaluations/{id}":                        account.EvaluationRead,
		"GET /api/v1/evaluations/{id}/results":                account.EvaluationRead,
		"GET /api/v1/evaluations/{id}/aggregates":             account.EvaluationRead,
		"GET /api/v1/evaluations/{id}/export.xlsx":            account.EvaluationRead,
		"GET /api/v1/evaluations/{id}/exit-candidates":        account.EvaluationRead,
		"GET /api/v1/enterprises/{id}/evaluation":             account.EvaluationRead,
		// "GET /evaluation" (Dashboard) is in the base table: this page takes over the placeholder.
		"GET /evaluation/runs/{id}":              account.EvaluationRead,
		"GET /evaluation/mine":                   account.EvaluationRead,
		"GET /evaluation/enterprises/{id}":       account.EvaluationRead,
		"GET /evaluation/enterprises/{id}/stats": account.StatsReport,
		"GET /evaluation/import":                 account.StatsReport,
		"GET /evaluation/completeness":           account.Dashboard,
		"GET /butler":                            account.ButlerWork,
		"GET /butler/enterprises/{id}":           account.ButlerWork,
	})
}
