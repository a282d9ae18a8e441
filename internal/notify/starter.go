package notify

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"time"

	"towngrid/internal/app"
	"towngrid/internal/store"
	"towngrid/internal/workorders"
)

// CursorKey is the settings key of the last work-order event handled.
const CursorKey = "notify.cursor"

// Kind is the work-order kind whose changes are told.
const Kind = "resident"

func init() { app.RegisterStarter("notify", Start) }

// Notifier polls workorder_events newer than its cursor: the engine stays
// untouched, and a restart resumes from the durable cursor (settings table).
// Delivery is at most once: a failed send is logged, not retried.
type Notifier struct {
	App      *app.App
	Mail     Mailer
	Client   *http.Client
	Link     string // public base URL for links, e.g. https://town.example
	Interval time.Duration
	Tpl      *Templates
	cursor   int64
}

// Start starts the notifier of a running app. Environment: TOWNGRID_SMTP_ADDR
// (host:port), TOWNGRID_SMTP_FROM, TOWNGRID_PUBLIC_URL, TOWNGRID_NOTIFY_INTERVAL (a Go duration).
func Start(ctx context.Context, a *app.App) error {
	tpl, err := SeedTemplates()
	if err != nil {
		return err
	}
	n := &Notifier{App: a, Tpl: tpl, Client: &http.Client{Timeout: 10 * time.Second}, Link: os.Getenv("TOWNGRID_PUBLIC_URL"),
		Mail: Mailer{Addr: os.Getenv("TOWNGRID_SMTP_ADDR"), From: os.Getenv("TOWNGRID_SMTP_FROM")}, Interval: 2 * time.Second}
	if n.Mail.From == "" {
		n.Mail.From = "towngrid@localhost"
	}
	if d, err := time.ParseDuration(os.Getenv("TOWNGRID_NOTIFY_INTERVAL")); err == nil && d > 0 {
		n.Interval = d
	}
	v, err := a.DB.Setting(ctx, CursorKey)
	if err != nil {
		return err
	}
	if n.cursor, _ = strconv.ParseInt(v, 10, 64); v == "" {
		// A first start tells nothing of the past.
		if n.cursor, err = a.DB.MaxEventID(ctx); err != nil {
			return err
		}
	}
	go n.loop(ctx)
	return nil
}

func (n *Notifier) loop(ctx context.Context) {
	t := time.NewTicker(n.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := n.Tick(ctx); err != nil && ctx.Err() == nil {
			n.App.Log.Warn("notify", slog.Any("err", err))
		}
	}
}

// Tick handles the events after the cursor and returns how many notices it sent.
func (n *Notifier) Tick(ctx context.Context) (int, error) {
	evs, err := n.App.DB.KindEvents(ctx, Kind, n.cursor, 0, 0, 200)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	e := workorders.For(n.App)
	sent := 0
	for _, ev := range evs {
		if ev.From == ev.To && ev.Seq != 1 {
			continue // notices (催办, 督办) change nothing a resident sees
		}
		wo, err := n.App.DB.WorkOrder(ctx, ev.WorkOrderID)
		if err != nil {
			return sent, err
		}
		subs, err := n.App.DB.SubscriptionsFor(ctx, wo.ID, wo.Category, wo.AreaPath)
		if err != nil {
			return sent, err
		}
		if len(subs) == 0 {
			continue
		}
		v := Vars{ID: wo.ID, State: ev.To, Label: ev.To, Note: ev.PublicComment, Service: wo.Category}
		if m, err := e.Machine(ctx, wo.Flow, wo.FlowVersion, nil, e.Now()); err == nil {
			if st, ok := m.Flow.State(ev.To); ok {
				v.Label = st.Label
			}
		}
		if cats, err := e.Categories(ctx, "cityparts", e.Now()); err == nil {
			if c, ok := cats.Get(wo.Category); ok {
				v.Service = c.Name
			}
		}
		status := "closed"
		if wo.Open {
			status = "open"
		}
		for _, s := range subs {
			if s.Channel == "none" {
				continue
			}
			v.Link = n.Link + "/reports"
			if s.Scope == "report" {
				v.Link = n.Link + "/report/track?token=" + s.Secret
			}
			msg := n.Tpl.Render(s.Lang, v)
			if s.Channel == "email" {
				err = n.Mail.Send(s.Address, msg)
			} else {
				err = Hook(ctx, n.Client, s.Channel, s.Address, Payload{Event: "report.state", ID: wo.ID, State: ev.To, Status: status, Subject: msg.Subject, Text: msg.Body})
			}
			if err != nil {
				n.App.Log.Warn("notify: send failed", slog.Int64("subscription", s.ID), slog.String("channel", s.Channel), slog.Any("err", err))
				continue
			}
			sent++
		}
	}
	last := evs[len(evs)-1].ID
	if sent > 0 || len(evs) == 200 {
		// Persisted only when something was told (or a full page passed), so
		// that idle polling writes nothing; a restart re-reads a few silent events.
		err = n.App.DB.Write(ctx, store.System, func(tx *store.Tx) error { return tx.SetSetting(ctx, CursorKey, strconv.FormatInt(last, 10)) })
		if err != nil {
			return sent, err
		}
	}
	n.cursor = last
	return sent, nil
}
