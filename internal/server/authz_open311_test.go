package server_test

import "towngrid/internal/account"

// Open311 routes are public: the api_key of a POST is checked by the
// handler against the api_keys table (a 403 in the spec's error format).
func init() {
	m := map[string]account.Perm{
		"GET /open311/v2/services/{id}": account.Public,
		"GET /open311/v2/requests/{id}": account.Public,
		"GET /open311/v2/tokens/{id}":   account.Public,
		// The report page's JSON, feeds and pages: no account needed.
		"GET /api/v1/reports/nearby":          account.Public,
		"POST /api/v1/reports":                account.Public,
		"POST /api/v1/reports/{token}/photos": account.Public,
		"POST /api/v1/reports/follow":         account.Public,
		"GET /api/v1/reports/track":           account.Public,
		"POST /api/v1/reports/survey":         account.Public,
		"POST /api/v1/reports/subscriptions":  account.Public,
		"POST /api/v1/reports/unsubscribe":    account.Public,
		"GET /api/v1/reports/indicators":      account.Public,
		"GET /reports/feed.geojson":           account.Public,
		"GET /reports/feed.rss":               account.Public,
		"GET /report":                         account.Public,
		"GET /report/track":                   account.Public,
		"GET /reports":                        account.Public,
		"GET /reports/indicators":             account.Public,
	}
	for _, f := range []string{"xml", "json"} {
		m["GET /open311/v2/discovery."+f] = account.Public
		m["GET /open311/v2/services."+f] = account.Public
		m["POST /open311/v2/requests."+f] = account.Public
		m["GET /open311/v2/requests."+f] = account.Public
		m["GET /open311/v2/servicerequestupdates."+f] = account.Public
		m["POST /open311/v2/servicerequestupdates."+f] = account.Public
	}
	addRoutePerms(m)
}
