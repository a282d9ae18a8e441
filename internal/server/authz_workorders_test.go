package server_test

import "towngrid/internal/account"

func init() {
	addRoutePerms(map[string]account.Perm{
		"POST /api/v1/workorders":                       account.WorkOrdersCreate,
		"GET /api/v1/workorders":                        account.WorkOrdersRead,
		"GET /api/v1/workorders/kinds":                  account.WorkOrdersRead,
		"GET /api/v1/workorders/{id}":                   account.WorkOrdersRead,
		"POST /api/v1/workorders/{id}/actions":          account.WorkOrdersAct,
		"GET /api/v1/workorders/{id}/events":            account.WorkOrdersRead,
		"GET /api/v1/workorders/{id}/timers":            account.WorkOrdersRead,
		"POST /api/v1/workorders/{id}/attachments":      account.WorkOrdersCreate,
		"GET /api/v1/workorders/{id}/attachments":       account.WorkOrdersRead,
		"GET /api/v1/workorders/{id}/attachments/{aid}": account.WorkOrdersRead,
		"GET /api/v1/rules":                             account.RulesRead,
		"GET /api/v1/rules/{kind}/{key}":                account.RulesRead,
		"POST /api/v1/rules/{kind}/{key}":               account.WorkOrdersAdmin,
		"POST /api/v1/calendar/versions":                account.CalendarWrite,
		"GET /api/v1/calendar/deadline":                 account.SignedIn,
		"GET /api/v1/calendar/days":                     account.SignedIn,
		"GET /api/v1/indicators":                        account.IndicatorsRead,
		"GET /api/v1/indicators/posts":                  account.IndicatorsRead,
	})
}
