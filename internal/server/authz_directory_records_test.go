package server_test

import (
	"encoding/base64"
	"os"

	"towngrid/internal/account"
	"towngrid/internal/secretbox"
)

func init() {
	// Server tests use a fixed master key from the environment, so that no
	// test writes a key file under the package folder.
	if os.Getenv(secretbox.EnvKey) == "" {
		os.Setenv(secretbox.EnvKey, base64.StdEncoding.EncodeToString([]byte("towngrid-test-master-key-32bytes")))
	}
	perms := map[string]account.Perm{
		"GET /api/v1/departments":         account.DirectoryRead,
		"POST /api/v1/departments":        account.DirectoryWrite,
		"GET /api/v1/departments/{id}":    account.DirectoryRead,
		"PUT /api/v1/departments/{id}":    account.DirectoryWrite,
		"DELETE /api/v1/departments/{id}": account.DirectoryWrite,
		"GET /api/v1/ownership":           account.DirectoryRead,
		"POST /api/v1/ownership":          account.DirectoryWrite,
		"DELETE /api/v1/ownership/{id}":   account.DirectoryWrite,
		"GET /api/v1/ownership/resolve":   account.DirectoryRead,
		"GET /api/v1/people":              account.DirectoryRead,
		"GET /api/v1/people/{id}":         account.DirectoryRead,
		"PUT /api/v1/people/{id}":         account.DirectoryWrite,
		"GET /api/v1/residents":           account.ResidentsRead,
		"POST /api/v1/residents":          account.DirectoryWrite,
		"GET /api/v1/residents/{id}":      account.ResidentsRead,
		"PUT /api/v1/residents/{id}":      account.DirectoryWrite,
		"DELETE /api/v1/residents/{id}":   account.DirectoryWrite,
		"POST /api/v1/residents/lookup":   account.ResidentsRead,
	}
	for _, k := range []string{"enterprises", "components"} {
		base := "/api/v1/" + k
		perms["GET "+base] = account.DirectoryRead
		perms["POST "+base] = account.DirectoryWrite
		perms["GET "+base+"/{id}"] = account.DirectoryRead
		perms["PUT "+base+"/{id}"] = account.DirectoryWrite
		perms["DELETE "+base+"/{id}"] = account.DirectoryWrite
		perms["POST "+base+"/import.xlsx"] = account.DirectoryWrite
		perms["POST "+base+"/import.csv"] = account.DirectoryWrite
		perms["GET "+base+"/template.xlsx"] = account.DirectoryRead
		perms["GET "+base+"/export.xlsx"] = account.DirectoryRead
		perms["GET "+base+"/export.csv"] = account.DirectoryRead
	}
	for _, k := range []string{"departments", "enterprises", "components", "residents"} {
		read := account.DirectoryRead
		if k == "residents" {
			read = account.ResidentsRead
		}
		perms["GET /directory/"+k] = read
		perms["GET /directory/"+k+"/{id}"] = read
		perms["POST /directory/"+k] = account.DirectoryWrite
		perms["POST /directory/"+k+"/{id}"] = account.DirectoryWrite
	}
	addRoutePerms(perms)
}
