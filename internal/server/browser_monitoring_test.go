package server_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"towngrid/internal/account"
	"towngrid/internal/browsertest"
	"towngrid/internal/store/storetest"
)

// A shift lead opens the monitoring map: after a device posts readings the
// marker appears in the official AQI colour; the alarm console lists the
// alarm and the acknowledge button acknowledges it.
func TestBrowserMonitoringMap(t *testing.T) {
	needsLeaflet(t)
	f := newFixture(t, storetest.SQLite(t, 0))
	d := f.monDevice(t, fmt.Sprintf(`{"name":"古一村空气站","kind":"air_station","area_id":%d,"lon":113.25,"lat":22.61}`, f.g1.ID))
	b := browsertest.New(t, 390, 844) // phone-first
	do(t, b, append(signIn(f.http.URL+"/monitoring", "shift_lead", testPassword),
		chromedp.WaitVisible(css("#mon-map")),
	)...)
	// Two hours of PM2.5 at 100 µg/m³ close the first hour with an AQI of
	// 137 under HJ 633—2026 (60→100, 115→150: 100 + 50×40/55 = 136.4, carried
	// up) or 132 under 2012 (75→100, 115→150: 100 + 50×25/40 = 131.25): either
	// way 三级, orange #FF7E00 (standards.md §3.1).
	base := (time.Now().Add(-2*time.Hour).UnixMilli() / 3600000) * 3600000
	for _, p := range []string{
		fmt.Sprintf(`{"ts":%d,"values":{"pm2_5":100}}`, base+60000),
		fmt.Sprintf(`{"ts":%d,"values":{"pm2_5":100}}`, base+3600000+60000),
	} {
		monJSON(t, f, "POST", "/api/v1/"+d.Token+"/telemetry", "", p, 200, nil)
	}
	var markers int
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		v, err := chromedp.Run(b, chromedp.AttributeValue(css("#mon-map"), "data-markers"))
		if err != nil {
			t.Fatal(err)
		}
		if markers, _ = strconv.Atoi(v.Value); markers != 0 {
			break
		}
	}
	if markers != 1 {
		t.Fatalf("%d markers on the map, want 1", markers)
	}
	// The map refreshes every 5 s: wait for the refresh after the readings.
	var fill string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		var err error
		fill, err = chromedp.Run(b, chromedp.Evaluate[string](`(document.querySelector("#mon-map path.mon-marker")||{getAttribute:function(){return ""}}).getAttribute("fill")`))
		if err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(fill, "#FF7E00") {
			break
		}
	}
	if !strings.EqualFold(fill, "#FF7E00") {
		t.Errorf("marker fill %q, want the 三级 orange #FF7E00", fill)
	}
	// The seeded rule "AQI > 100" raised an alarm; acknowledge it in the console.
	do(t, b,
		chromedp.Navigate(f.http.URL+"/monitoring/alarms"),
		chromedp.WaitVisible(css("#alarms tbody tr button.ack")),
		chromedp.Click(css("#alarms tbody tr button.ack")),
	)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var list struct {
			Items []struct{ Acked bool } `json:"items"`
		}
		monJSON(t, f, "GET", "/api/v1/alarms", account.ShiftLead, "", 200, &list)
		if len(list.Items) == 1 && list.Items[0].Acked {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alarm not acknowledged from the console: %+v", list.Items)
		}
	}
}
