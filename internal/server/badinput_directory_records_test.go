package server_test

import (
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Bad input to the directory records: each answer is a 4xx problem+json
// naming the field, and nothing is written.
func TestBadInputDirectoryRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c1 := itoa(f.c1.ID)
		cases := []struct {
			name, method, path, body string
			status                   int
			field                    string
		}{
			{"dept: unknown kind", "POST", "/api/v1/departments", `{"code":"cg","name":"城管","kind":"mayor","area_id":` + c1 + `}`, 422, "kind"},
			{"dept: no area", "POST", "/api/v1/departments", `{"code":"cg","name":"城管","kind":"city_management"}`, 422, "area_id"},
			{"dept: unknown parent", "POST", "/api/v1/departments", `{"code":"cg","name":"城管","kind":"city_management","parent_id":999,"area_id":` + c1 + `}`, 422, "parent_id"},
			{"dept: wrong type", "POST", "/api/v1/departments", `{"code":5}`, 400, "code"},
			{"ownership: unknown category", "POST", "/api/v1/ownership", `{"area_id":` + c1 + `,"category":"C9999","department_id":1}`, 422, "category"},
			{"ownership: resolve without area", "GET", "/api/v1/ownership/resolve?category=C0101", "", 422, "area_id"},
			{"people: grid is not a grid", "PUT", "/api/v1/people/1", `{"grid_ids":[` + c1 + `]}`, 422, "grid_ids"},
			{"people: neither filter", "GET", "/api/v1/people", "", 422, "grid_id"},
			{"enterprise: bad USCC", "POST", "/api/v1/enterprises", `{"uscc":"` + testUSCCBad + `","name":"x","area_id":` + c1 + `}`, 422, "uscc"},
			{"enterprise: short USCC", "POST", "/api/v1/enterprises", `{"uscc":"9144","name":"x","area_id":` + c1 + `}`, 422, "uscc"},
			{"enterprise: industry", "POST", "/api/v1/enterprises", `{"uscc":"` + testUSCC + `","name":"x","industry":"C12345","area_id":` + c1 + `}`, 422, "industry"},
			{"enterprise: land", "POST", "/api/v1/enterprises", `{"uscc":"` + testUSCC + `","name":"x","land_mu":-2,"area_id":` + c1 + `}`, 422, "land_mu"},
			{"enterprise: status", "POST", "/api/v1/enterprises", `{"uscc":"` + testUSCC + `","name":"x","status":"gone","area_id":` + c1 + `}`, 422, "status"},
			{"enterprise: lon alone", "POST", "/api/v1/enterprises", `{"uscc":"` + testUSCC + `","name":"x","lon":113.2,"area_id":` + c1 + `}`, 422, "lon"},
			{"enterprise: grid elsewhere", "POST", "/api/v1/enterprises", `{"uscc":"` + testUSCC + `","name":"x","area_id":` + c1 + `,"grid_id":` + itoa(f.g2.ID) + `}`, 422, "grid_id"},
			{"enterprise: not an enterprise account", "POST", "/api/v1/enterprises", `{"uscc":"` + testUSCC + `","name":"x","area_id":` + c1 + `,"user_id":1}`, 422, "user_id"},
			{"enterprise: unknown field", "POST", "/api/v1/enterprises", `{"usc":"x"}`, 400, "usc"},
			{"enterprise: bad filter", "GET", "/api/v1/enterprises?status=gone", "", 422, "status"},
			{"enterprise: bad above_scale", "GET", "/api/v1/enterprises?above_scale=maybe", "", 422, "above_scale"},
			{"enterprise: bad cursor", "GET", "/api/v1/enterprises?cursor=!!", "", 422, "cursor"},
			{"enterprise: import not xlsx", "POST", "/api/v1/enterprises/import.xlsx", `{}`, 422, "file"},
			{"component: bad code", "POST", "/api/v1/components", `{"code":"12345","area_id":` + c1 + `}`, 422, "code"},
			{"component: bad county", "POST", "/api/v1/components", `{"code":"0000000101000001","area_id":` + c1 + `}`, 422, "code"},
			{"component: state", "POST", "/api/v1/components", `{"code":"4420000101000001","state":"stolen","area_id":` + c1 + `}`, 422, "state"},
			{"component: unknown owner", "POST", "/api/v1/components", `{"code":"4420000101000001","owner_department_id":999,"area_id":` + c1 + `}`, 422, "owner_department_id"},
			{"component: bad class filter", "GET", "/api/v1/components?class=Z99", "", 422, "class"},
			{"resident: bad ID", "POST", "/api/v1/residents", `{"name":"x","id_number":"110105194912310021","area_id":` + c1 + `,"consent_at":1700000000000}`, 422, "id_number"},
			{"resident: no consent", "POST", "/api/v1/residents", `{"name":"x","id_number":"` + testID + `","area_id":` + c1 + `}`, 422, "consent_at"},
			{"resident: future consent", "POST", "/api/v1/residents", `{"name":"x","id_number":"` + testID + `","area_id":` + c1 + `,"consent_at":99999999999999}`, 422, "consent_at"},
			{"resident: lookup bad ID", "POST", "/api/v1/residents/lookup", `{"id_number":"12"}`, 422, "id_number"},
			{"resident: unmask a list", "GET", "/api/v1/residents?unmask=true", "", 422, "unmask"},
			{"resident: bad unmask", "GET", "/api/v1/residents/1?unmask=yes", "", 422, "unmask"},
		}
		for _, c := range cases {
			before := f.auditRows()
			body := f.refused(t, c.name, f.do(c.method, c.path, account.Admin, c.body), c.status, "", c.field, before)
			if strings.Contains(body, testID) {
				t.Errorf("%s: the answer repeats the ID number", c.name)
			}
		}
	})
}
