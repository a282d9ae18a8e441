package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Field string `json:"field"`
		Code  string `json:"code"`
	} `json:"errors"`
}

// Every handler family gets malformed JSON, wrong types, unknown fields and
// enum values, oversize bodies and bad cursors: each answer is a 4xx
// problem+json that says what is wrong, and nothing is written.
func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		big := `{"username":"` + strings.Repeat("a", 70<<10) + `"}`
		cases := []struct {
			name, method, path, body string
			status                   int
			code, field              string
		}{
			{"users: malformed", "POST", "/api/v1/users", `{"username": "x",`, 400, "json_syntax", ""},
			{"users: wrong type", "POST", "/api/v1/users", `{"username": 5}`, 400, "json_type", "username"},
			{"users: unknown field", "POST", "/api/v1/users", `{"usrname": "x"}`, 400, "json_unknown_field", "usrname"},
			{"users: unknown role", "POST", "/api/v1/users", `{"username":"abc","display_name":"x","password":"long-enough-1","roles":["mayor"]}`, 422, "validation", "roles"},
			{"users: short password", "POST", "/api/v1/users", `{"username":"abc","display_name":"x","password":"short","roles":["resident"]}`, 422, "validation", "password"},
			{"users: oversize", "POST", "/api/v1/users", big, 413, "body_too_large", ""},
			{"users: two values", "POST", "/api/v1/users", `{} {}`, 400, "json_trailing", ""},
			{"users: empty", "POST", "/api/v1/users", ``, 400, "json_empty", ""},
			{"users: bad cursor", "GET", "/api/v1/users?cursor=!!!", "", 422, "validation", "cursor"},
			{"users: bad limit", "GET", "/api/v1/users?limit=0", "", 422, "validation", "limit"},
			{"users: bad role filter", "GET", "/api/v1/users?role=king", "", 422, "validation", "role"},
			{"users: bad id", "PATCH", "/api/v1/users/abc", `{}`, 422, "validation", "id"},
			{"users: patch unknown", "PATCH", "/api/v1/users/1", `{"rolez":[]}`, 400, "json_unknown_field", "rolez"},
			{"areas: unknown level", "POST", "/api/v1/areas", `{"level":"planet","code":"1","name":"x"}`, 422, "validation", "level"},
			{"areas: unknown parent", "POST", "/api/v1/areas", `{"parent_id":99999,"level":"grid","code":"1","name":"x"}`, 422, "validation", "parent_id"},
			{"areas: level above parent", "POST", "/api/v1/areas", `{"parent_id":1,"level":"county","code":"9","name":"x"}`, 422, "validation", "level"},
			{"areas: bad geometry type", "POST", "/api/v1/areas", `{"level":"town","code":"9","name":"x","geometry":5,"extra":1}`, 400, "json_unknown_field", "extra"},
			{"areas: bad level filter", "GET", "/api/v1/areas?level=planet", "", 422, "validation", "level"},
			{"areas: bad cursor", "GET", "/api/v1/areas?cursor=eyJhIjotMX0", "", 422, "validation", "cursor"},
			{"apikeys: unknown perm", "POST", "/api/v1/apikeys", `{"name":"k","perms":["launch.missiles"]}`, 422, "validation", "perms"},
			{"apikeys: bad expiry", "POST", "/api/v1/apikeys", `{"name":"k","perms":["areas.read"],"expires_in":"soon"}`, 422, "validation", "expires_in"},
			{"apikeys: wrong type", "POST", "/api/v1/apikeys", `{"name":"k","perms":"areas.read"}`, 400, "json_type", "perms"},
			{"audit: bad cursor", "GET", "/api/v1/audit?cursor=x", "", 422, "validation", "cursor"},
			{"api: unknown route", "GET", "/api/v1/nothing", "", 404, "not_found", ""},
		}
		for _, c := range cases {
			before := f.auditRows()
			f.refused(t, c.name, f.do(c.method, c.path, account.Admin, c.body), c.status, c.code, c.field, before)
		}
	})
}

func TestProblemTitleIsTranslated(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t, 0))
	for lang, want := range map[string]string{"zh-CN": "未找到", "en": "Not found"} {
		resp := f.do("GET", "/api/v1/areas/987654?lang="+lang, account.Admin, "")
		var p problem
		_ = json.Unmarshal([]byte(readAll(resp)), &p)
		if p.Title != want {
			t.Errorf("%s title %q, want %q", lang, p.Title, want)
		}
	}
}
