package server_test

import "towngrid/internal/account"

func init() {
	addRoutePerms(map[string]account.Perm{
		"GET /api/v1/locate":               account.AreasRead,
		"POST /api/v1/areas/import":        account.AreasWrite,
		"POST /api/v1/areas/import.xlsx":   account.AreasWrite,
		"GET /api/v1/areas/export.geojson": account.AreasRead,
		"GET /api/v1/areas/export.xlsx":    account.AreasRead,
		"GET /api/v1/areas/template.xlsx":  account.AreasRead,
		"GET /directory/mygrid":            account.AreasRead,
		"GET /directory/import":            account.AreasWrite,
	})
}
