package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"towngrid/internal/app"
	"towngrid/internal/config"
	"towngrid/internal/directory"
	"towngrid/internal/ingest"
	"towngrid/internal/monitor"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

var ctx = context.Background()

// fakeOpener records the work orders alarms open.
type fakeOpener struct {
	mu     sync.Mutex
	opened []ingest.AlarmCase
	notes  []string
}

func (f *fakeOpener) OpenAlarmCase(ctx context.Context, tx *store.Tx, c ingest.AlarmCase) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened = append(f.opened, c)
	return int64(1000 + len(f.opened)), nil
}

func (f *fakeOpener) NoteAlarmCleared(ctx context.Context, tx *store.Tx, wo int64, note string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notes = append(f.notes, note)
	return nil
}

type env struct {
	db     *store.DB
	a      *app.App
	grid   *directory.Area
	opener *fakeOpener
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{db: db, opener: &fakeOpener{}}
	e.a = app.New(db, config.Defaults(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	sys := store.Actor{Name: "test", Via: "cli"}
	town := &directory.Area{Level: directory.Town, Code: "442000113", Name: "古镇镇"}
	comm := &directory.Area{Level: directory.Community, Code: "442000113001", Name: "古一村"}
	e.grid = &directory.Area{Level: directory.Grid, Code: "44200011300101", Name: "古一村1号网格"}
	err := db.Write(ctx, sys, func(tx *store.Tx) error {
		if err := tx.CreateArea(ctx, town); err != nil {
			return err
		}
		comm.ParentID = town.ID
		if err := tx.CreateArea(ctx, comm); err != nil {
			return err
		}
		e.grid.ParentID = comm.ID
		return tx.CreateArea(ctx, e.grid)
	})
	if err != nil {
		t.Fatal(err)
	}
	ingest.RegisterCaseOpener(func(*app.App) ingest.CaseOpener { return e.opener })
	t.Cleanup(func() { ingest.RegisterCaseOpener(nil); ingest.Forget(e.a) })
	return e
}

func (e *env) device(t *testing.T, d *monitor.Device) string {
	t.Helper()
	d.AreaID = e.grid.ID
	var tok string
	if err := e.db.Write(ctx, store.Actor{Name: "test", Via: "cli"}, func(tx *store.Tx) error {
		var err error
		tok, err = tx.CreateDevice(ctx, d)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return tok
}

// start runs a fresh runtime (as after a process restart) until the returned stop.
func (e *env) start(t *testing.T) (*ingest.Runtime, func()) {
	t.Helper()
	ingest.Forget(e.a)
	rctx, cancel := context.WithCancel(ctx)
	rt := ingest.For(e.a)
	if err := rt.Start(rctx); err != nil {
		t.Fatal(err)
	}
	return rt, func() { cancel(); <-rt.Stopped() }
}

func (e *env) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func ms(s string) int64 {
	tm, err := time.ParseInLocation("2006-01-02 15:04:05", s, monitor.China)
	if err != nil {
		panic(err)
	}
	return tm.UnixMilli()
}

func TestIngestRollupsAQIAlarmRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := &monitor.Device{Name: "空气站1", Kind: "air_station"}
		tok := e.device(t, d)
		// The clock must be past the readings (ts may be at most a day ahead).
		db.SetClock(func() time.Time { return time.UnixMilli(ms("2026-03-02 12:00:00")) })
		rt, stop := e.start(t)
		dev, err := rt.Device(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rt.Device(ctx, tok+"x"); err == nil {
			t.Fatal("a wrong token authenticated")
		}
		// Hour 08 of 2026-03-01 (HJ 633—2026 in force): PM2.5 1h mean 70 µg/m³.
		// Under 2026 the PM2.5 IAQI-100 breakpoint is 60, so 70 is 三级 (>100);
		// under 2012 (75) it would be 二级. standards.md §3.1.
		for i, v := range []float64{60, 80} {
			p := `{"ts":` + store.Itoa(ms("2026-03-01 08:10:00")+int64(i)*60000) + `,"values":{"pm2_5":` + store.Itoa(int64(v)) + `,"pm10":40}}`
			if n, err := rt.Ingest(ctx, dev, []byte(p)); err != nil || n != 2 {
				t.Fatalf("ingest %s: %d %v", p, n, err)
			}
		}
		if a, _ := db.RawCount(ctx, dev.ID, "pm2_5"); a != 2 {
			t.Fatal("raw readings not stored")
		}
		var sum float64
		var n int64
		if err := db.QueryRow(ctx, `SELECT vsum, n FROM reading_rollups WHERE res = '1h' AND device_id = ? AND key = 'pm2_5'`, dev.ID).Scan(&sum, &n); err != nil || sum != 140 || n != 2 {
			t.Fatalf("1h rollup %v %d %v", sum, n, err)
		}
		// A reading of the next hour closes hour 08: AQI computed then.
		if _, err := rt.Ingest(ctx, dev, []byte(`{"ts":`+store.Itoa(ms("2026-03-01 09:00:05"))+`,"values":{"pm2_5":10}}`)); err != nil {
			t.Fatal(err)
		}
		pts, err := db.Readings(ctx, dev.ID, "aqi", "raw", ms("2026-03-01 08:00:00"), ms("2026-03-01 08:00:01"), 10)
		if err != nil || len(pts) != 1 {
			t.Fatalf("aqi points %v %v", pts, err)
		}
		aqi := pts[0].Value
		// 2026 table: 60→100, 115→150: IAQI = 50/55×10 + 100 = 109.09 → carried up to 110.
		if aqi != 110 {
			t.Fatalf("aqi %v, want 110", aqi)
		}
		// The default rule "AQI > 100" raised exactly one alarm and one case.
		if got := e.count(t, `SELECT COUNT(*) FROM alarms WHERE device_id = ? AND active = ?`, dev.ID, true); got != 1 {
			t.Fatalf("%d active alarms, want 1", got)
		}
		if len(e.opener.opened) != 1 || e.opener.opened[0].Category != "E0305" || e.opener.opened[0].AreaID != e.grid.ID {
			t.Fatalf("work orders opened: %+v", e.opener.opened)
		}
		stop()

		// A duration rule on the device: pm10 > 100 held 120 s. Its state
		// must survive a restart between the first and the last reading.
		rule := &monitor.Rule{Name: "PM10 high", DeviceID: dev.ID, Key: "pm10", Severity: "MINOR", Enabled: true,
			RuleBody: monitor.RuleBody{Condition: monitor.Condition{Op: "gt", Value: 100, Type: "duration", Seconds: 120}}}
		if err := db.Write(ctx, store.Actor{Name: "test", Via: "cli"}, func(tx *store.Tx) error { return tx.CreateAlarmRule(ctx, rule) }); err != nil {
			t.Fatal(err)
		}
		rt, stop = e.start(t)
		base := ms("2026-03-01 09:10:00")
		post := func(rt *ingest.Runtime, off int64, v string) {
			t.Helper()
			if _, err := rt.Ingest(ctx, dev, []byte(`{"ts":`+store.Itoa(base+off*1000)+`,"values":{"pm10":`+v+`}}`)); err != nil {
				t.Fatal(err)
			}
		}
		post(rt, 0, "150")
		post(rt, 60, "160")
		stop()
		rt, stop = e.start(t)
		defer stop()
		post(rt, 119, "170")
		if got := e.count(t, `SELECT COUNT(*) FROM alarms WHERE rule_id = ?`, rule.ID); got != 0 {
			t.Fatalf("alarm before the duration: %d", got)
		}
		post(rt, 120, "170")
		post(rt, 180, "180")
		if got := e.count(t, `SELECT COUNT(*) FROM alarms WHERE rule_id = ?`, rule.ID); got != 1 {
			t.Fatalf("%d alarms for the duration rule, want exactly 1", got)
		}
		if len(e.opener.opened) != 2 {
			t.Fatalf("%d work orders, want 2", len(e.opener.opened))
		}
		// Bad payload: counted on the device, nothing stored.
		if _, err := rt.Ingest(ctx, dev, []byte(`{"pm10":`)); err == nil {
			t.Fatal("bad payload accepted")
		}
		got, _ := db.Device(ctx, dev.ID)
		if got.BadPayloadCount != 1 || got.LastSeen == 0 {
			t.Fatalf("device counters %+v", got)
		}
		res, err := db.VerifyAudit(ctx)
		if err != nil || !res.OK {
			t.Fatalf("audit chain %+v %v", res, err)
		}
	})
}
