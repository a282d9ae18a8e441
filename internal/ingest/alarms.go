package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"towngrid/internal/monitor"
	"towngrid/internal/store"
)

func (p *processor) attrsOf(d *monitor.Device) map[string]float64 {
	if a, ok := p.attrs[d.ID]; ok {
		return a
	}
	a := d.Attrs()
	p.attrs[d.ID] = a
	return a
}

// evaluate runs the alarm rules over the batch's readings in arrival order.
func (p *processor) evaluate(ctx context.Context, tx *store.Tx) error {
	for _, ev := range p.evals {
		d := ev.dev
		for _, rule := range p.byKey[ev.r.Key] {
			if (rule.DeviceID != 0 && rule.DeviceID != d.ID) || (rule.DeviceID == 0 && rule.DeviceKind != d.Kind) {
				continue
			}
			k := store.RuleKey{RuleID: rule.ID, DeviceID: d.ID}
			st := p.states[k]
			var lt time.Time
			if rule.Schedule != nil {
				lt = time.UnixMilli(ev.r.TS).In(monitor.China)
			}
			out, changed := rule.Step(&st, ev.r.TS, lt, ev.r.Value, p.attrsOf(d))
			if !changed && out == Nothing {
				continue
			}
			p.states[k] = st
			switch out {
			case monitor.Raise:
				if err := p.raise(ctx, tx, rule, d, ev.r); err != nil {
					return err
				}
			case monitor.Extend:
				if ref, ok := p.alarms[k]; ok {
					if err := tx.ExtendAlarm(ctx, ref.id, ev.r.TS, ev.r.Value); err != nil {
						return err
					}
				}
			case monitor.Clear:
				if err := p.clear(ctx, tx, k, ev.r); err != nil {
					return err
				}
				continue // ClearAlarm removed the state row
			}
			if changed {
				if err := tx.SaveRuleState(ctx, k, st); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Nothing re-exported for readability above.
const Nothing = monitor.Nothing

func (p *processor) raise(ctx context.Context, tx *store.Tx, rule *monitor.Rule, d *monitor.Device, r monitor.Reading) error {
	k := store.RuleKey{RuleID: rule.ID, DeviceID: d.ID}
	if a, err := tx.ActiveAlarm(ctx, k); err == nil {
		// Already active (raised by another replica, or after a reload):
		// uniqueness (device, rule) holds, the alarm continues.
		p.alarms[k] = alarmRef{a.ID, a.WorkOrderID}
		return tx.ExtendAlarm(ctx, a.ID, r.TS, r.Value)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	a := &store.Alarm{RuleID: rule.ID, DeviceID: d.ID, AreaID: d.AreaID, AreaPath: d.AreaPath, Key: rule.Key, Name: rule.Name,
		Severity: rule.Severity, Public: rule.Public, Value: r.Value, StartTS: r.TS, EndTS: r.TS}
	if err := tx.OpenAlarm(ctx, a); err != nil {
		return err
	}
	p.rt.Metrics.alarms.WithLabelValues("open").Inc()
	ref := alarmRef{id: a.ID}
	if o := p.rt.opener; o != nil {
		c := AlarmCase{AlarmID: a.ID, DeviceID: d.ID, DeviceName: d.Name, AreaID: d.AreaID, AreaPath: d.AreaPath, Lon: d.Lon, Lat: d.Lat,
			Category: rule.Category, Severity: rule.Severity, At: r.TS,
			Title:       fmt.Sprintf("%s: %s", rule.Name, d.Name),
			Description: fmt.Sprintf("告警 alarm #%d %s = %g at %s (%s)", a.ID, r.Key, r.Value, time.UnixMilli(r.TS).In(monitor.China).Format("2006-01-02 15:04:05"), rule.Severity)}
		var wo int64
		// A refused intake must not lose the readings or the alarm: the case
		// runs under a savepoint and its failure is logged.
		err := savepoint(ctx, tx, func() error {
			var err error
			wo, err = o.OpenAlarmCase(ctx, tx, c)
			return err
		})
		if err != nil {
			p.rt.log.Error("ingest: alarm work order refused", "alarm", a.ID, "err", err)
		} else if wo > 0 {
			if err := tx.SetAlarmWorkOrder(ctx, a.ID, wo); err != nil {
				return err
			}
			ref.workOrder = wo
		}
	}
	p.alarms[k] = ref
	return nil
}

func (p *processor) clear(ctx context.Context, tx *store.Tx, k store.RuleKey, r monitor.Reading) error {
	ref, ok := p.alarms[k]
	delete(p.alarms, k)
	delete(p.states, k)
	if !ok {
		return nil
	}
	a, err := tx.ClearAlarm(ctx, ref.id, 0)
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return nil // cleared by hand meanwhile
	}
	if err != nil {
		return err
	}
	p.rt.Metrics.alarms.WithLabelValues("clear").Inc()
	return noteCleared(ctx, tx, p.rt, p.rt.opener, a, fmt.Sprintf("告警已解除 alarm cleared by its clear condition: %s = %g", r.Key, r.Value))
}

// noteCleared appends the clearing to the alarm's work order, if any.
func noteCleared(ctx context.Context, tx *store.Tx, rt *Runtime, o CaseOpener, a *store.Alarm, note string) error {
	if o == nil || a.WorkOrderID == 0 {
		return nil
	}
	if err := savepoint(ctx, tx, func() error { return o.NoteAlarmCleared(ctx, tx, a.WorkOrderID, note) }); err != nil {
		rt.log.Error("ingest: work order note refused", "alarm", a.ID, "workorder", a.WorkOrderID, "err", err)
	}
	return nil
}

// savepoint runs fn so that its failure rolls back only its own writes
// (PostgreSQL would otherwise abort the whole transaction).
func savepoint(ctx context.Context, tx *store.Tx, fn func() error) error {
	if _, err := tx.Exec(ctx, "SAVEPOINT tg_alarm_case"); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rerr := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT tg_alarm_case"); rerr != nil {
			return errors.Join(err, rerr)
		}
		_, _ = tx.Exec(ctx, "RELEASE SAVEPOINT tg_alarm_case")
		return err
	}
	_, err := tx.Exec(ctx, "RELEASE SAVEPOINT tg_alarm_case")
	return err
}

// ClearAlarm clears an alarm by hand (the console) and notes it on its work
// order, in one transaction.
func (r *Runtime) ClearAlarm(ctx context.Context, actor store.Actor, id int64) (*store.Alarm, error) {
	o := r.opener
	if !r.started.Load() {
		o = caseOpener(r.a)
	}
	var a *store.Alarm
	err := r.db.Write(ctx, actor, func(tx *store.Tx) error {
		var err error
		if a, err = tx.ClearAlarm(ctx, id, actor.ID); err != nil {
			return err
		}
		return noteCleared(ctx, tx, r, o, a, "告警已人工解除 alarm cleared by "+actor.Name)
	})
	if err == nil {
		r.Reload()
	}
	return a, err
}
