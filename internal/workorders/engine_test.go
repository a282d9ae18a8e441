package workorders_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/calendar"
	"towngrid/internal/config"
	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
	"towngrid/internal/workflow/indicators"
	"towngrid/internal/workorders"
)

var ctx = context.Background()

type env struct {
	e      *workorders.Engine
	db     *store.DB
	town   *directory.Area
	g1, g2 *directory.Area
	clock  atomic.Int64
}

func (v *env) set(s string) {
	t, err := calendar.ParseInstant(s)
	if err != nil {
		panic(err)
	}
	v.clock.Store(t.UnixMilli())
}

// newEnvOn is an engine over an existing database (benchmarks).
func newEnvOn(t testing.TB, db *store.DB) *workorders.Engine {
	cfg := config.Defaults()
	cfg.Data = t.TempDir()
	a := app.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { workorders.Forget(a) })
	e := workorders.For(a)
	if err := e.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

func newEnv(t testing.TB, db *store.DB, start string) *env {
	t.Helper()
	v := &env{db: db}
	v.set(start)
	db.SetClock(func() time.Time { return time.UnixMilli(v.clock.Load()) })
	cfg := config.Defaults()
	cfg.Data = t.TempDir()
	a := app.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	v.e = workorders.For(a)
	t.Cleanup(func() { workorders.Forget(a) })
	if err := v.e.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	if err := v.e.LoadCalendar(ctx); err != nil {
		t.Fatal(err)
	}
	mk := func(parent int64, lvl directory.Level, code string) *directory.Area {
		ar := &directory.Area{ParentID: parent, Level: lvl, Code: code, Name: code}
		if err := db.Write(ctx, store.System, func(tx *store.Tx) error { return tx.CreateArea(ctx, ar) }); err != nil {
			t.Fatal(err)
		}
		return ar
	}
	v.town = mk(0, directory.Town, "442000113")
	c := mk(v.town.ID, directory.Community, "442000113001")
	v.g1 = mk(c.ID, directory.Grid, "44200011300101")
	v.g2 = mk(c.ID, directory.Grid, "44200011300102")
	return v
}

func (v *env) caller(r account.Role) workorders.Caller {
	return workorders.Caller{P: &account.Principal{UserID: 1, Username: string(r), Roles: []account.Role{r}, Scopes: []string{v.town.Path}},
		Actor: store.Actor{ID: 1, Name: string(r), Via: "api"}}
}

func countEvents(t testing.TB, db *store.DB, like string) int {
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM workorder_events WHERE action LIKE ? OR action IN ('urge', 'supervise')`, like).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Two sweepers (two replicas) sweep the same database at once: every due
// timer fires exactly once (FOR UPDATE SKIP LOCKED on PostgreSQL, the single
// writer on SQLite). Each firing records exactly one event.
func TestTimersFireExactlyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		v := newEnv(t, db, "2025-11-03T09:00")
		other := newEnvOn(t, db) // a second replica: same database, its own engine
		other.Owner = "replica-2"
		const n = 60
		for i := 0; i < n; i++ {
			if _, err := v.e.Intake(ctx, v.caller(account.GridWorker), &workorders.Report{Kind: "citycase", Category: "E0102", Title: "t", AreaID: v.g1.ID}); err != nil {
				t.Fatal(err)
			}
		}
		// Timers are a chain: one pending row per case, each firing plans the next.
		var pending int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM workorder_timers WHERE fired_at = 0`).Scan(&pending); err != nil || pending != n {
			t.Fatalf("pending timers %d %v, want one per case (%d)", pending, err, n)
		}
		v.set("2025-11-20T09:00") // every step timer and its escalation is due
		var wg sync.WaitGroup
		var errs atomic.Int32
		for _, e := range []*workorders.Engine{v.e, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k, err := e.Sweep(ctx, 7)
					if err != nil {
						errs.Add(1)
						t.Error(err)
						return
					}
					if k == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		var fired, left int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM workorder_timers WHERE fired_at > 0`).Scan(&fired)
		db.QueryRow(ctx, `SELECT COUNT(*) FROM workorder_timers WHERE fired_at = 0`).Scan(&left)
		if left != 0 || fired < 2*n {
			t.Errorf("fired %d, %d left; want every planned firing (≥ 2 per case) and none left", fired, left)
		}
		// Every case fired the same whole plan, each firing once.
		var kinds, dup int
		db.QueryRow(ctx, `SELECT COUNT(DISTINCT kind || timer) FROM workorder_timers`).Scan(&kinds)
		db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT workorder_id, kind, timer FROM workorder_timers GROUP BY workorder_id, kind, timer HAVING COUNT(*) > 1) d`).Scan(&dup)
		if fired != kinds*n || dup != 0 {
			t.Errorf("fired %d = %d cases × %d kinds? %d duplicated firings", fired, n, kinds, dup)
		}
		if ev := countEvents(t, db, "timer.%"); ev != fired {
			t.Errorf("%d timer events for %d firings", ev, fired)
		}
		var owners int
		db.QueryRow(ctx, `SELECT COUNT(DISTINCT claimed_by) FROM workorder_timers`).Scan(&owners)
		t.Logf("%d firings by %d replica(s)", fired, owners)
		// A second pass finds nothing: nothing fires twice.
		if k, err := v.e.Sweep(ctx, 100); err != nil || k != 0 {
			t.Errorf("second sweep claimed %d %v", k, err)
		}
		if res, err := db.VerifyAudit(ctx); err != nil || !res.OK {
			t.Errorf("audit %+v %v", res, err)
		}
	})
}

// The published 天门 month (case-management.md §5.6: 12/2016 应结案 972,
// 结案 911 → 93.72 %, 按期 737 → 75.82 %) rebuilt from per-case facts
// through the same counter aggregation the events use.
func TestIndicatorsReproduceTianmen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		v := newEnv(t, db, "2017-01-05T09:00")
		var facts []indicators.Facts
		add := func(n int, f indicators.Facts) {
			for i := 0; i < n; i++ {
				facts = append(facts, f)
			}
		}
		base := indicators.Facts{Registered: true, Dispatched: true}
		closedOnTime, closedLate, disposedOpen, overdue := base, base, base, base
		closedOnTime.Disposed, closedOnTime.DisposedOnTime, closedOnTime.Closed, closedOnTime.ClosedOnTime = true, true, true, true
		closedLate.Disposed, closedLate.Closed = true, true
		disposedOpen.Disposed = true
		overdue.OverdueUndisposed = true
		add(737, closedOnTime)
		add(911-737, closedLate)
		add(30, disposedOpen)
		add(972-911-30, overdue)
		add(15, base) // dispatched, not yet due: not 应结案
		half := len(facts) / 2
		err := db.Write(ctx, store.System, func(tx *store.Tx) error {
			if err := tx.AddCounterFacts(ctx, store.CounterKey{Period: "2016-12", AreaPath: v.g1.Path, Category: "E0102", Source: "grid_worker"}, facts[:half]); err != nil {
				return err
			}
			return tx.AddCounterFacts(ctx, store.CounterKey{Period: "2016-12", AreaPath: v.g2.Path, Category: "C0101", Source: "resident"}, facts[half:])
		})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := v.e.Indicators(ctx, v.town, "2016-12", "area")
		if err != nil {
			t.Fatal(err)
		}
		r := rep.Total.Rates
		cr, _ := r.CloseRate.Value()
		ot, _ := r.OnTimeCloseRate.Value()
		if r.DueClose != 972 || rep.Total.Counters.Closed != 911 || cr != 93.72 || ot != 75.82 {
			t.Errorf("应结案 %d 结案 %d 结案率 %v 按期结案率 %v", r.DueClose, rep.Total.Counters.Closed, cr, ot)
		}
		if len(rep.Groups) != 1 { // both grids are in one community
			t.Errorf("groups %d", len(rep.Groups))
		}
		b, _ := json.Marshal(rep.Total.Rates.CloseRate)
		if string(b) == "" {
			t.Error("no JSON")
		}
		posts, err := v.e.Posts(ctx, v.town, "2016-12")
		if err != nil || len(posts.Posts) != 4 || len(posts.Regions) != 1 || posts.Regions[0].Result.Grade == "" {
			t.Errorf("posts %+v %v", posts, err)
		}
	})
}

// An intake that fails inside a group-committed batch fails alone.
func TestBatchIsolatesFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := store.NewBatcher(db, 16, 2*time.Millisecond, 0)
		defer b.Close()
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = b.Write(ctx, store.System, func(tx *store.Tx) error {
					r := &store.Rule{Kind: "test", Key: "k" + string(rune('a'+i)), EffectiveFrom: "2025-01-01", Body: "{}"}
					if err := tx.AddRuleVersion(ctx, r); err != nil {
						return err
					}
					if i%3 == 0 { // fails after writing a row and an audit entry
						return errors.New("boom")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if (i%3 == 0) != (err != nil) {
				t.Errorf("request %d: %v", i, err)
			}
		}
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM rules WHERE kind = 'test'`).Scan(&n)
		if n != 6 {
			t.Errorf("%d rules stored, want 6", n)
		}
		if res, err := db.VerifyAudit(ctx); err != nil || !res.OK || res.Rows != 6+int64(countSeedAudit(t, db)) {
			t.Errorf("audit %+v %v", res, err)
		}
	})
}

func countSeedAudit(t testing.TB, db *store.DB) int {
	var n int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action <> 'rule.add_version'`).Scan(&n)
	return n
}

// A case's timers are a chain: one pending row at a time, each firing
// planning the next. Walking the clock to each due instant fires exactly
// that link, never early, in the plan's order (yellow before red before the
// escalation), until the plan is used up.
func TestTimerChainFiresInPlanOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		v := newEnv(t, db, "2025-11-03T09:00")
		w, err := v.e.Intake(ctx, v.caller(account.GridWorker), &workorders.Report{Kind: "citycase", Category: "E0102", Title: "t", AreaID: v.g1.ID})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		last := int64(0)
		for step := 0; ; step++ {
			ts, err := db.WorkOrderTimers(ctx, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			var pending []store.TimerRow
			for _, r := range ts {
				if r.FiredAt == 0 {
					pending = append(pending, r)
				}
			}
			if len(pending) == 0 {
				break
			}
			if len(pending) != 1 || step > 10 {
				t.Fatalf("step %d: %d pending timers %+v, want one", step, len(pending), pending)
			}
			r := pending[0]
			if r.FireAt < last {
				t.Fatalf("link %s at %d before the previous one at %d", r.Kind, r.FireAt, last)
			}
			v.clock.Store(r.FireAt - 1)
			if n, err := v.e.Sweep(ctx, 10); err != nil || n != 0 {
				t.Fatalf("%s fired early: %d %v", r.Kind, n, err)
			}
			v.clock.Store(r.FireAt)
			if n, err := v.e.Sweep(ctx, 10); err != nil || n != 1 {
				t.Fatalf("%s due: swept %d %v", r.Kind, n, err)
			}
			kinds = append(kinds, r.Kind)
			last = r.FireAt
		}
		// 核实 has 30 working minutes: yellow at 80 %, no 催办 (the default
		// policy urges 1 working hour before expiry, which lies before the
		// start), red at expiry, escalation 5 working days later.
		want := []string{"yellow", "red", "escalate"}
		if len(kinds) != len(want) {
			t.Fatalf("fired %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("fired %v, want %v", kinds, want)
			}
		}
		if ev := countEvents(t, db, "timer.%"); ev != len(kinds) {
			t.Errorf("%d timer events for %d firings", ev, len(kinds))
		}
	})
}

// A calendar version added on one replica is used by another without a
// restart: its sweeper refreshes the calendar in force (RefreshCalendar).
func TestCalendarVersionReachesOtherReplicas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		v := newEnv(t, db, "2025-11-03T09:00")
		other := newEnvOn(t, db)
		if err := other.LoadCalendar(ctx); err != nil {
			t.Fatal(err)
		}
		if changed, err := other.RefreshCalendar(ctx); err != nil || changed {
			t.Fatalf("nothing new, yet changed=%v %v", changed, err)
		}
		r, err := db.RuleInForce(ctx, workorders.KindCalendar, "default", "2025-11-03")
		if err != nil {
			t.Fatal(err)
		}
		var cfg calendar.Config
		if err := json.Unmarshal([]byte(r.Body), &cfg); err != nil {
			t.Fatal(err)
		}
		cfg.Name = "默认日历（9–17 时）"
		cfg.Hours = []calendar.Span{{Start: 9 * 60, End: 17 * 60}}
		body, _ := json.Marshal(cfg)
		if _, err := v.e.AddRule(ctx, v.caller(account.Admin), workorders.KindCalendar, "default", &workorders.NewRule{EffectiveFrom: r.EffectiveFrom, Body: body}); err != nil {
			t.Fatal(err)
		}
		if other.Calendar().Name() == cfg.Name {
			t.Fatal("the other replica changed before refreshing")
		}
		if changed, err := other.RefreshCalendar(ctx); err != nil || !changed {
			t.Fatalf("refresh: changed=%v %v", changed, err)
		}
		if got := other.Calendar(); got.Name() != cfg.Name || len(got.Hours()) != 1 {
			t.Errorf("other replica's calendar %q %v, want %q with one span", got.Name(), got.Hours(), cfg.Name)
		}
	})
}
