package web

import (
	"net/http"

	"towngrid/internal/account"
	"towngrid/internal/httpx"
	"towngrid/internal/monitor"
	"towngrid/internal/store"
)

// Monitoring pages (三生监测): the live map, a device's charts and the alarm
// console. They are shells: the data comes from the JSON API, which checks
// monitoring.read and the caller's areas, so a role that sees the page but
// not the data gets an empty map and a notice.

func init() {
	register(func(u *UI) []*httpx.Route {
		return []*httpx.Route{
			{Method: "GET", Path: "/monitoring", Perm: account.MonitoringRead, Kind: httpx.Page, Summary: "Monitoring: live map of devices", Handle: u.monitoringMap},
			{Method: "GET", Path: "/monitoring/devices/{id}", Perm: account.MonitoringRead, Kind: httpx.Page, Summary: "A device's charts", Handle: u.monitoringDevice},
			{Method: "GET", Path: "/monitoring/alarms", Perm: account.MonitoringRead, Kind: httpx.Page, Summary: "Alarm console", Handle: u.monitoringAlarms},
		}
	})
}

type monitoringData struct {
	CanRead bool
	CanAck  bool
	Device  *monitor.Device
	Keys    []string
}

func (u *UI) monitoringMap(w http.ResponseWriter, r *httpx.Request) error {
	return u.render(w, r, 200, "monitoring", Page{Title: "monitoring.title", Active: "monitoring",
		Data: monitoringData{CanRead: r.P.Can(account.MonitoringRead), CanAck: r.P.Can(account.AlarmsAck)}})
}

func (u *UI) monitoringDevice(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	d, err := u.a.DB.Device(r.Context(), id)
	if err != nil {
		return err
	}
	if !store.ScopeOf(r.P).Contains(d.AreaPath) {
		return httpx.ErrNotFound
	}
	latest, err := u.a.DB.LatestReadings(r.Context(), []int64{d.ID})
	if err != nil {
		return err
	}
	keys := []string{}
	for k := range latest[d.ID] {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return u.render(w, r, 200, "monitoring_device", Page{Title: "monitoring.device", Active: "monitoring",
		Data: monitoringData{CanRead: true, CanAck: r.P.Can(account.AlarmsAck), Device: d, Keys: keys}})
}

func (u *UI) monitoringAlarms(w http.ResponseWriter, r *httpx.Request) error {
	return u.render(w, r, 200, "monitoring_alarms", Page{Title: "monitoring.alarms", Active: "monitoring",
		Data: monitoringData{CanRead: true, CanAck: r.P.Can(account.AlarmsAck)}})
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
