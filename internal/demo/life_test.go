package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/config"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
	"towngrid/internal/workorders"
)

func allWorkOrders(t *testing.T, db *store.DB) []*store.WorkOrder {
	t.Helper()
	wos, err := db.ListWorkOrders(context.Background(), store.WorkOrderFilter{Unscoped: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return wos
}

// lifeFingerprint is what the seed decides of the services' data: devices,
// cases (kind, category, state, title, grid) and the evaluation runs' classes.
// Time stamps follow the clock, so they are left out.
func lifeFingerprint(t *testing.T, db *store.DB, s *Summary) string {
	t.Helper()
	var lines []string
	for _, d := range s.Devices {
		lines = append(lines, "device "+d.Kind+" "+d.Name+" "+d.Grid)
	}
	for _, w := range allWorkOrders(t, db) {
		lines = append(lines, fmt.Sprintf("wo %s %s %s %s %d %v", w.Kind, w.Category, w.State, w.Title, w.AreaID, w.Suspended))
	}
	runs, err := db.EvalRuns(context.Background(), store.EvalRunFilter{Scope: store.Scope{All: true}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		lines = append(lines, fmt.Sprintf("run %s %d %d %v", r.Scheme, r.Year, r.N, r.ByClass))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestLife checks that the demo town shows life in every capability:
// devices with readings, derived values and active alarms with their work
// orders, cases in every state of the citycase flow (with green, yellow and
// red lights, on-time and late closures, rework, extension, suspension,
// void), statistics and two evaluation runs, and that the audit chain still
// verifies, on both databases.
func TestLife(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, err := Generate(context.Background(), db, Options{Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		checkLife(t, db, s)
	})
}

// TestLifeDeterministic: the same seed gives the same devices, cases and
// classes (time stamps follow the clock).
func TestLifeDeterministic(t *testing.T) {
	db, s := generate(t, Options{Seed: 7})
	db2, s2 := generate(t, Options{Seed: 7})
	if f1, f2 := lifeFingerprint(t, db, s), lifeFingerprint(t, db2, s2); f1 != f2 {
		t.Errorf("same seed, different life:\n%s\n---\n%s", f1, f2)
	}
}

func checkLife(t *testing.T, db *store.DB, s *Summary) {
	ctx := context.Background()
	t.Logf("generated in %s: %v", s.Elapsed, s.Life)
	if len(s.Devices) != 18 {
		t.Errorf("%d devices, want 6 air + 6 noise + 3 water + 3 smoke", len(s.Devices))
	}
	for _, d := range s.Devices {
		dev, err := db.DeviceByToken(ctx, d.Token)
		if err != nil || dev.ID != d.ID {
			t.Errorf("token of %s does not authenticate: %v", d.Name, err)
		}
	}
	ids := make([]int64, len(s.Devices))
	for i, d := range s.Devices {
		ids[i] = d.ID
	}
	latest, err := db.LatestReadings(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	derived := map[string]bool{}
	for _, keys := range latest {
		for k := range keys {
			derived[k] = true
		}
	}
	for _, k := range []string{"aqi", "noise_over", "water_class", "pm2_5", "leq", "smoke"} {
		if !derived[k] {
			t.Errorf("no latest %s", k)
		}
	}
	alarms, err := db.ListAlarms(ctx, store.AlarmFilter{Scope: store.Scope{All: true}, Status: "active", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(alarms) < 2 {
		t.Errorf("%d active alarms, want the AQI episode and the noise one", len(alarms))
	}
	for _, a := range alarms {
		if a.WorkOrderID == 0 {
			t.Errorf("alarm %d (%s) opened no work order", a.ID, a.Name)
		}
	}

	a := app.New(db, config.Config{Data: t.TempDir()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e := workorders.For(a)
	defer workorders.Forget(a)
	admin := workorders.Caller{P: &account.Principal{UserID: 1, Roles: []account.Role{account.Admin}}}
	states, lights := map[string]int{}, map[string]int{}
	late, onTime, suspended, kinds := 0, 0, 0, map[string]int{}
	for _, w := range allWorkOrders(t, db) {
		kinds[w.Kind]++
		if w.Kind != "citycase" {
			continue
		}
		states[w.State]++
		if w.Suspended {
			suspended++
		}
		if w.ClosedOnTime != nil && *w.ClosedOnTime {
			onTime++
		} else if w.ClosedOnTime != nil {
			late++
		}
		if w.State == "disposing" && !w.Suspended {
			full, err := db.WorkOrder(ctx, w.ID) // lists leave the case out
			if err != nil {
				t.Fatal(err)
			}
			v, err := e.View(ctx, admin, full)
			if err != nil {
				t.Fatal(err)
			}
			lights[string(v.Status.Clock.Light)]++
		}
	}
	t.Logf("kinds %v states %v lights %v closed on time %d late %d", kinds, states, lights, onTime, late)
	for _, st := range []string{"reported", "verifying", "pending_register", "pending_dispatch", "disposing", "checking", "closed", "void"} {
		if states[st] == 0 {
			t.Errorf("no case in state %s", st)
		}
	}
	for _, l := range []string{"green", "yellow", "red"} {
		if lights[l] == 0 {
			t.Errorf("no disposing case with a %s light", l)
		}
	}
	if onTime == 0 || late == 0 || suspended == 0 || kinds["alarm"] == 0 {
		t.Errorf("on time %d, late %d, suspended %d, alarm cases %d: want each", onTime, late, suspended, kinds["alarm"])
	}
	runs, err := db.EvalRuns(ctx, store.EvalRunFilter{Scope: store.Scope{All: true}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Year != runs[1].Year+1 {
		t.Fatalf("evaluation runs %+v, want two consecutive years", runs)
	}
	for _, r := range runs {
		if r.N < 50 || r.ByClass["A"] == 0 || r.ByClass["D"] == 0 {
			t.Errorf("run %d: %d enterprises, classes %v: want strong and weak ones", r.Year, r.N, r.ByClass)
		}
	}
	v, err := db.VerifyAudit(ctx)
	if err != nil || !v.OK {
		t.Fatalf("audit chain: %+v %v", v, err)
	}
}
