package demo

import (
	"io"
	"log/slog"
	"os"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/config"
	"towngrid/internal/ingest"
	"towngrid/internal/store"
	"towngrid/internal/workorders"
)

// life brings the capabilities beyond the directory to life in the main
// town: monitoring devices with a week of readings and live alarms, work
// orders in every state of the citycase flow, and two years of per-mu
// evaluation. It drives the same services the server runs (the work-order
// engine, the ingest runtime, the evaluation run) over a private App, so
// everything goes through their validation, audit and indicators.
type life struct {
	w       *writer
	app     *app.App
	eng     *workorders.Engine
	devices []DeviceToken
	counts  map[string]int
	tmp     string // blob folder when Options.Data is empty (tests)
	paths   map[int64]string
}

func newLife(w *writer) *life {
	return &life{w: w, counts: map[string]int{}, paths: map[int64]string{}}
}

// start builds the App and the engine (rules seeded, calendar loaded).
func (l *life) start() error {
	if l.app != nil {
		return nil
	}
	data := l.w.p.opt.Data
	if data == "" {
		var err error
		if l.tmp, err = os.MkdirTemp("", "towngrid-demo-"); err != nil {
			return err
		}
		data = l.tmp
	}
	l.app = app.New(l.w.db, config.Config{Data: data}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	l.eng = workorders.For(l.app)
	if err := l.eng.Seed(l.w.ctx); err != nil {
		return err
	}
	return l.eng.LoadCalendar(l.w.ctx)
}

// close releases the engine's group-commit goroutine and the runtime.
func (l *life) close() {
	if l.app != nil {
		workorders.Forget(l.app)
		ingest.Forget(l.app)
	}
	if l.tmp != "" {
		os.RemoveAll(l.tmp)
	}
}

// caller is a demo account acting through the engine.
func (l *life) caller(username string) workorders.Caller {
	w := l.w
	var a Account
	for _, x := range w.p.accounts {
		if x.Username == username {
			a = x
		}
	}
	id := w.users[username]
	return workorders.Caller{P: &account.Principal{UserID: id, Username: username, Name: a.DisplayName, Lang: "zh-CN",
		Roles: []account.Role{a.Role}, Scopes: []string{l.path(w.byCode[a.ScopeCode])}}, Actor: store.Actor{ID: id, Name: username, Via: "cli"}}
}

// path is an area's materialised path.
func (l *life) path(id int64) string {
	if p, ok := l.paths[id]; ok {
		return p
	}
	a, err := l.w.db.Area(l.w.ctx, id)
	if err != nil {
		return "/-/" // no scope: the engine then refuses, and the demo reports it
	}
	l.paths[id] = a.Path
	return a.Path
}

// setClock moves the store's clock to t (work orders of the past months);
// restoreClock puts the real time back.
func (l *life) setClock(t time.Time) { l.w.db.SetClock(func() time.Time { return t }) }
func (l *life) restoreClock()        { l.w.db.SetClock(time.Now) }
