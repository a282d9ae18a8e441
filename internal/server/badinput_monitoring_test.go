package server_test

import (
	"fmt"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Bad input to the monitoring routes: a 4xx problem+json naming the field,
// and nothing written (the audit chain does not grow).
func TestBadInputMonitoring(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		d := f.monDevice(t, fmt.Sprintf(`{"name":"空气站","kind":"air_station","area_id":%d}`, f.g1.ID))
		d2 := f.monDevice(t, fmt.Sprintf(`{"name":"二村空气站","kind":"air_station","area_id":%d}`, f.g2.ID))
		g1, g2, dev := itoa(f.g1.ID), itoa(f.g2.ID), itoa(d.ID)
		cases := []struct {
			name, method, path string
			role               account.Role
			body               string
			status             int
			code, field        string
		}{
			{"device: unknown kind", "POST", "/api/v1/devices", account.Admin, `{"name":"x","kind":"radar","area_id":` + g1 + `}`, 422, "validation", "kind"},
			{"device: no name", "POST", "/api/v1/devices", account.Admin, `{"kind":"soil","area_id":` + g1 + `}`, 422, "validation", "name"},
			{"device: unknown area", "POST", "/api/v1/devices", account.Admin, `{"name":"x","kind":"soil","area_id":987654}`, 422, "validation", "area_id"},
			{"device: half a point", "POST", "/api/v1/devices", account.Admin, `{"name":"x","kind":"soil","area_id":` + g1 + `,"lon":113}`, 422, "validation", "lon"},
			{"device: noise zone", "POST", "/api/v1/devices", account.Admin, `{"name":"x","kind":"noise_station","noise_zone":"5","area_id":` + g1 + `}`, 422, "validation", "noise_zone"},
			{"device: noise without zone", "POST", "/api/v1/devices", account.Admin, `{"name":"x","kind":"noise_station","area_id":` + g1 + `}`, 422, "validation", "noise_zone"},
			{"device: water body", "POST", "/api/v1/devices", account.Admin, `{"name":"x","kind":"water_section","water_body":"sea","area_id":` + g1 + `}`, 422, "validation", "water_body"},
			{"device: water target", "POST", "/api/v1/devices", account.Admin, `{"name":"x","kind":"water_section","water_body":"river","water_target":7,"area_id":` + g1 + `}`, 422, "validation", "water_target"},
			{"device: air class", "POST", "/api/v1/devices", account.Admin, `{"name":"x","kind":"air_station","air_class":3,"area_id":` + g1 + `}`, 422, "validation", "air_class"},
			{"device: attribute name", "POST", "/api/v1/devices", account.Admin, `{"name":"x","kind":"soil","area_id":` + g1 + `,"attributes":{"a b":1}}`, 422, "validation", "attributes"},
			{"device: wrong type", "POST", "/api/v1/devices", account.Admin, `{"name":5}`, 400, "json_type", "name"},
			{"device: unknown field", "POST", "/api/v1/devices", account.Admin, `{"nmae":"x"}`, 400, "json_unknown_field", "nmae"},
			{"device: bad kind filter", "GET", "/api/v1/devices?kind=radar", account.Admin, ``, 422, "validation", "kind"},
			{"device: bad id", "PUT", "/api/v1/devices/abc", account.Admin, `{}`, 422, "validation", "id"},
			{"readings: no key", "GET", "/api/v1/devices/" + dev + "/readings", account.Admin, ``, 422, "validation", "key"},
			{"readings: resolution", "GET", "/api/v1/devices/" + dev + "/readings?key=pm10&resolution=5m", account.Admin, ``, 422, "validation", "resolution"},
			{"readings: from", "GET", "/api/v1/devices/" + dev + "/readings?key=pm10&from=yesterday", account.Admin, ``, 422, "validation", "from"},
			{"readings: range", "GET", "/api/v1/devices/" + dev + "/readings?key=pm10&from=200&to=100", account.Admin, ``, 422, "validation", "from"},
			{"telemetry: syntax", "POST", "/api/v1/" + d.Token + "/telemetry", "", `{"pm10":`, 400, "telemetry.json", "(body)"},
			{"telemetry: shape", "POST", "/api/v1/" + d.Token + "/telemetry", "", `"pm10"`, 400, "telemetry.shape", "(body)"},
			{"telemetry: no values", "POST", "/api/v1/" + d.Token + "/telemetry", "", `{"note":"hi"}`, 400, "telemetry.no_values", "(body)"},
			{"telemetry: future ts", "POST", "/api/v1/" + d.Token + "/telemetry", "", `{"ts":99999999999999,"values":{"pm10":1}}`, 400, "telemetry.ts", "(body)"},
			{"telemetry: bad token", "POST", "/api/v1/nope/telemetry", "", `{"pm10":1}`, 401, "device.token", ""},
			{"rule: op", "POST", "/api/v1/alarm-rules", account.Admin, `{"name":"x","device_kind":"air_station","key":"aqi","severity":"MAJOR","condition":{"op":"above","value":1}}`, 422, "validation", "condition"},
			{"rule: severity", "POST", "/api/v1/alarm-rules", account.Admin, `{"name":"x","device_kind":"air_station","key":"aqi","severity":"HUGE","condition":{"op":"gt","value":1}}`, 422, "validation", "severity"},
			{"rule: duration", "POST", "/api/v1/alarm-rules", account.Admin, `{"name":"x","device_kind":"air_station","key":"aqi","severity":"MAJOR","condition":{"op":"gt","value":1,"type":"duration"}}`, 422, "validation", "condition"},
			{"rule: no target", "POST", "/api/v1/alarm-rules", account.Admin, `{"name":"x","key":"aqi","severity":"MAJOR","condition":{"op":"gt","value":1}}`, 422, "validation", "device_kind"},
			{"rule: unknown device", "POST", "/api/v1/alarm-rules", account.Admin, `{"name":"x","device_id":987654,"key":"aqi","severity":"MAJOR","condition":{"op":"gt","value":1}}`, 422, "validation", "device_id"},
			{"rule: schedule", "POST", "/api/v1/alarm-rules", account.Admin, `{"name":"x","device_kind":"air_station","key":"aqi","severity":"MAJOR","condition":{"op":"gt","value":1},"schedule":{"weekdays":[8],"from_min":0,"to_min":60}}`, 422, "validation", "schedule"},
			{"rule: clear type", "POST", "/api/v1/alarm-rules", account.Admin, `{"name":"x","device_kind":"air_station","key":"aqi","severity":"MAJOR","condition":{"op":"gt","value":1},"clear":{"op":"le","value":1,"type":"sometimes"}}`, 422, "validation", "clear"},
			{"alarms: status", "GET", "/api/v1/alarms?status=burning", account.Admin, ``, 422, "validation", "status"},
			{"alarms: acked", "GET", "/api/v1/alarms?acked=maybe", account.Admin, ``, 422, "validation", "acked"},
			{"alarms: cursor", "GET", "/api/v1/alarms?cursor=x", account.Admin, ``, 422, "validation", "cursor"},
			{"alarms: unknown", "POST", "/api/v1/alarms/987654/ack", account.Admin, `{}`, 404, "not_found", ""},
			{"device: in scope", "GET", "/api/v1/devices/" + dev, account.GridWorker, ``, 200, "", ""},
			{"device: out of scope", "GET", "/api/v1/devices/" + itoa(d2.ID), account.GridWorker, ``, 404, "not_found", ""},
			{"readings: out of scope", "GET", "/api/v1/devices/" + itoa(d2.ID) + "/readings?key=pm10", account.GridWorker, ``, 404, "not_found", ""},
			{"device: area out of scope", "POST", "/api/v1/devices", account.Admin, `{"name":"x","kind":"soil","area_id":` + g2 + `,"extra":1}`, 400, "json_unknown_field", "extra"},
		}
		for _, c := range cases {
			before := f.auditRows()
			f.refused(t, c.name, f.do(c.method, c.path, c.role, c.body), c.status, c.code, c.field, before)
		}
	})
}
