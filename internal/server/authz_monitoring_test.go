package server_test

import (
	"os"

	"towngrid/internal/account"
)

func init() {
	// The embedded MQTT broker listens on :1883 by default; server tests
	// start their own on a free port when they need one.
	if os.Getenv("TOWNGRID_MQTT_ADDR") == "" {
		os.Setenv("TOWNGRID_MQTT_ADDR", "off")
	}
	addRoutePerms(map[string]account.Perm{
		"GET /api/v1/devices":               account.MonitoringRead,
		"POST /api/v1/devices":              account.MonitoringWrite,
		"GET /api/v1/devices/{id}":          account.MonitoringRead,
		"PUT /api/v1/devices/{id}":          account.MonitoringWrite,
		"DELETE /api/v1/devices/{id}":       account.MonitoringWrite,
		"POST /api/v1/devices/{id}/token":   account.MonitoringWrite,
		"GET /api/v1/devices/{id}/readings": account.MonitoringRead,
		"POST /api/v1/{token}/telemetry":    account.Public,
		"GET /metrics/monitoring":           account.Public,
		"GET /api/v1/alarm-rules":           account.MonitoringRead,
		"POST /api/v1/alarm-rules":          account.MonitoringWrite,
		"GET /api/v1/alarm-rules/{id}":      account.MonitoringRead,
		"PUT /api/v1/alarm-rules/{id}":      account.MonitoringWrite,
		"DELETE /api/v1/alarm-rules/{id}":   account.MonitoringWrite,
		"GET /api/v1/alarms":                account.MonitoringRead,
		"GET /api/v1/alarms/{id}":           account.MonitoringRead,
		"POST /api/v1/alarms/{id}/ack":      account.AlarmsAck,
		"POST /api/v1/alarms/{id}/clear":    account.AlarmsAck,
		"GET /api/v1/alarms/{id}/cap.xml":   account.Public,
		"GET /api/v1/alarms.cap":            account.Public,
		"GET /monitoring/devices/{id}":      account.MonitoringRead,
		"GET /monitoring/alarms":            account.MonitoringRead,
	})
}
