package server_test

import "towngrid/internal/account"

// The work-order pages; GET /workorders itself keeps the navigation entry's
// dashboard.read, stated in the core table.
func init() {
	addRoutePerms(map[string]account.Perm{
		"GET /workorders/new":        account.WorkOrdersCreate,
		"GET /workorders/inbox":      account.WorkOrdersAct,
		"GET /workorders/tasks":      account.WorkOrdersAct,
		"GET /workorders/indicators": account.IndicatorsRead,
		"GET /workorders/{id}":       account.WorkOrdersRead,
	})
}
