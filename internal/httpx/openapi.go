package httpx

import (
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)(\.\.\.)?\}`)

// OpenAPI builds an OpenAPI 3.1 document from the registered API routes, so
// that the document can never drift from the routes the server really has.
func OpenAPI(routes []*Route, version string) map[string]any {
	paths := map[string]any{}
	schemas := map[string]any{}
	for _, r := range routes {
		if r.Kind == Page || strings.HasPrefix(r.Path, "/static/") {
			continue
		}
		item, _ := paths[r.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[r.Path] = item
		}
		op := map[string]any{
			"operationId":  opID(r),
			"summary":      r.Summary,
			"x-permission": string(r.Perm),
			"responses": map[string]any{
				strconv.Itoa(r.Status): response(r.Out, schemas),
				"default": map[string]any{"description": "RFC 9457 problem",
					"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			},
		}
		if r.Tag != "" {
			op["tags"] = []string{r.Tag}
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.In != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.In), schemas)}}}
		}
		if r.Perm != "public" {
			op["security"] = []any{map[string]any{"session": []string{}}, map[string]any{"apiKey": []string{}}}
		}
		item[strings.ToLower(r.Method)] = op
	}
	schemaOf(reflect.TypeOf(Problem{}), schemas)
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "towngrid API", "version": version, "license": map[string]any{"name": "Apache-2.0", "identifier": "Apache-2.0"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "tg_session"},
				"apiKey":  map[string]any{"type": "http", "scheme": "bearer", "description": "an API key tgk_…"},
			},
		},
	}
}

func opID(r *Route) string {
	s := strings.ToLower(r.Method) + pathParam.ReplaceAllString(r.Path, "By$1")
	return strings.NewReplacer("/api/v1/", "_", "/", "_", "-", "_", ".", "_").Replace(s)
}

func response(out any, schemas map[string]any) map[string]any {
	if out == nil {
		return map[string]any{"description": "no content"}
	}
	return map[string]any{"description": "success", "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(out), schemas)}}}
}

// schemaOf returns a JSON Schema (2020-12, as OpenAPI 3.1 uses) for t, putting
// named structs into components.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 { // json.RawMessage: any JSON value
			return map[string]any{}
		}
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if name == "" || strings.Contains(name, "[") {
			name = strings.NewReplacer("[", "Of", "]", "", ".", "", "*", "", "/", "").Replace(t.String())
		}
		if _, ok := schemas[name]; !ok {
			schemas[name] = map[string]any{} // placeholder breaks recursion
			props := map[string]any{}
			var required []string
			collectFields(t, schemas, props, &required)
			s := map[string]any{"type": "object", "properties": props}
			if len(required) > 0 {
				sort.Strings(required)
				s["required"] = required
			}
			schemas[name] = s
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func collectFields(t reflect.Type, schemas, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collectFields(ft, schemas, props, required)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type, schemas)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			*required = append(*required, name)
		}
	}
}
