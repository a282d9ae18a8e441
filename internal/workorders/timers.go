package workorders

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"towngrid/internal/store"
	"towngrid/internal/workflow"
)

// SweepBatch is how many due timers one sweep transaction claims.
const SweepBatch = 500

func (e *Engine) sweepLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	lastCal := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if time.Since(lastCal) >= CalendarRefresh {
			lastCal = time.Now()
			if changed, err := e.RefreshCalendar(ctx); err != nil {
				e.App.Log.Warn("calendar refresh", "err", err)
			} else if changed {
				e.App.Log.Info("calendar version loaded")
			}
		}
		for ctx.Err() == nil {
			n, err := e.Sweep(ctx, SweepBatch)
			if err != nil {
				if ctx.Err() == nil {
					e.App.Log.Warn("timer sweep", "err", err)
				}
				break
			}
			if n < SweepBatch {
				break
			}
		}
	}
}

var systemCaller = Caller{Actor: store.System}

// Sweep fires the timers due now, up to limit, in one transaction and
// reports how many it claimed. Each firing is recorded as an event (light
// change, 催办, 督办 or escalation notice), audited, with the counters
// updated; a firing that cannot be applied is rolled back to its savepoint
// and the others still commit.
func (e *Engine) Sweep(ctx context.Context, limit int) (int, error) {
	now := e.Now()
	claimed := 0
	err := e.DB.Write(ctx, store.System, func(tx *store.Tx) error {
		rows, err := tx.DueTimers(ctx, now.UnixMilli(), limit)
		if err != nil {
			return err
		}
		claimed = len(rows)
		for _, r := range rows {
			if _, err := tx.Exec(ctx, "SAVEPOINT tg_fire"); err != nil {
				return err
			}
			err := e.fire(ctx, tx, r, now)
			if err != nil {
				if _, rerr := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT tg_fire"); rerr != nil {
					return rerr
				}
				if !errors.Is(err, store.ErrBusy) {
					e.App.Log.Warn("timer firing", "timer", r.ID, "workorder", r.WorkOrderID, "err", err)
					// A firing that can never apply must not come back every second.
					if _, err := tx.MarkTimerFired(ctx, r.ID, e.Owner+" (failed)"); err != nil {
						return err
					}
				}
			}
			if _, err := tx.Exec(ctx, "RELEASE SAVEPOINT tg_fire"); err != nil {
				return err
			}
		}
		return nil
	})
	return claimed, err
}

// fire records one timer firing.
func (e *Engine) fire(ctx context.Context, tx *store.Tx, r store.TimerRow, now time.Time) error {
	ok, err := tx.MarkTimerFired(ctx, r.ID, e.Owner)
	if err != nil || !ok {
		return err
	}
	w, err := tx.WorkOrderNoWait(ctx, r.WorkOrderID)
	if err != nil {
		return err
	}
	if !w.Open || w.State != r.State {
		return nil // the case moved on; its timers were replaced
	}
	k, err := e.KindConfig(ctx, w.Kind, now)
	if err != nil {
		return err
	}
	var cats *workflow.Categories
	if k.Categories != "" {
		if cats, err = e.Categories(ctx, k.Categories, now); err != nil {
			return err
		}
	}
	m, err := e.Machine(ctx, w.Flow, w.FlowVersion, cats, now)
	if err != nil {
		return err
	}
	c, err := loadCase(w)
	if err != nil {
		return err
	}
	at := now
	if at.Before(c.UpdatedAt) {
		at = c.UpdatedAt
	}
	// 催办 and 督办 are actions of the flow when it lets the system take them
	// here; otherwise (and for light changes and escalations) the firing is
	// recorded as a notice event without changing the case.
	action := ""
	reason := ""
	switch workflow.FiringKind(r.Kind) {
	case workflow.FireUrge:
		action, reason = "urge", "时限将到,系统催办"
	case workflow.FireRed:
		action, reason = "supervise", "已超时限,系统督办"
	}
	nc := c
	ev := workflow.Event{Seq: c.Seq, Action: "timer." + r.Kind, From: c.State, To: c.State, Actor: store.System.Name,
		Roles: []workflow.Role{workflow.RoleSystem}, At: at, Clock: workflow.ClockNone, Notice: true}
	if action != "" && !c.Suspended && slices.Contains(m.Flow.Available(c.State, []workflow.Role{workflow.RoleSystem}), action) {
		var evs []workflow.Event
		nc, evs, err = m.Apply(c, workflow.Request{Action: action, Actor: store.System.Name, Roles: []workflow.Role{workflow.RoleSystem},
			At: at, Inputs: workflow.Inputs{Reason: reason, Note: r.Timer + " " + r.Kind}})
		if err != nil {
			return err
		}
		ev = evs[0]
	}
	before := *w
	nw := *w
	pol := e.Policy(ctx, at)
	facts, err := fill(&nw, m, &nc, at, pol)
	if err != nil {
		return err
	}
	old, err := decodeFacts(before.Facts)
	if err != nil {
		return err
	}
	return tx.UpdateWorkOrder(ctx, &nw, w.Seq, &before, &store.WorkOrderChange{
		Event:       eventRow(ev, systemCaller, fmt.Sprintf("%s timer %s", r.Timer, r.Kind), ""),
		Timers:      nextFiring(m, &c, pol, r), // the chain's next link (firings)
		Counters:    store.CounterDeltas(counterKey(&before), &old, counterKey(&nw), facts),
		AuditAction: "workorder.timer_" + r.Kind, AuditDetail: w.Number + " " + r.Timer + " " + r.Kind,
	})
}
