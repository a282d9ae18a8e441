package ingest

import (
	"context"
	"fmt"

	"time"

	"towngrid/internal/store"
)

// Retention is how long each resolution is kept; 0 keeps forever.
type Retention struct {
	Raw, Minute, Hour, Day time.Duration
}

// DefaultRetention: raw 30 days, 1-minute 90 days, 1-hour 2 years, 1-day forever.
func DefaultRetention() Retention {
	return Retention{Raw: 30 * 24 * time.Hour, Minute: 90 * 24 * time.Hour, Hour: 2 * 365 * 24 * time.Hour}
}

// RetentionFromEnv reads TOWNGRID_RETAIN_RAW, _1M, _1H, _1D (Go durations or
// a number of days such as "30d"; "0" or "forever" keeps forever).
func RetentionFromEnv(getenv func(string) string) (Retention, error) {
	r := DefaultRetention()
	for _, f := range []struct {
		name string
		dst  *time.Duration
	}{{"TOWNGRID_RETAIN_RAW", &r.Raw}, {"TOWNGRID_RETAIN_1M", &r.Minute}, {"TOWNGRID_RETAIN_1H", &r.Hour}, {"TOWNGRID_RETAIN_1D", &r.Day}} {
		s := getenv(f.name)
		if s == "" {
			continue
		}
		d, err := parseRetention(s)
		if err != nil {
			return r, fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = d
	}
	return r, nil
}

func parseRetention(s string) (time.Duration, error) {
	if s == "0" || s == "forever" {
		return 0, nil
	}
	var days int
	if _, err := fmt.Sscanf(s, "%dd", &days); err == nil && fmt.Sprintf("%dd", days) == s && days > 0 {
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Hour {
		return 0, fmt.Errorf("%q: a duration of at least 1h, a number of days like 30d, or forever", s)
	}
	return d, nil
}

// retention sweeps old rows hourly (and once shortly after start).
func (r *Runtime) retention(ctx context.Context) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := r.Prune(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("ingest: retention", "err", err)
		}
		t.Reset(time.Hour)
	}
}

// Prune deletes readings and roll-ups beyond their retention, in one
// audited transaction.
func (r *Runtime) Prune(ctx context.Context) error {
	now := r.db.Now()
	ret := r.opt.Retention
	return r.db.Write(ctx, store.Actor{Name: "retention", Via: "system"}, func(tx *store.Tx) error {
		var total int64
		if ret.Raw > 0 {
			n, err := tx.PruneReadings(ctx, now-ret.Raw.Milliseconds())
			if err != nil {
				return err
			}
			total += n
		}
		for _, x := range []struct {
			res string
			d   time.Duration
		}{{"1m", ret.Minute}, {"1h", ret.Hour}, {"1d", ret.Day}} {
			if x.d <= 0 {
				continue
			}
			n, err := tx.PruneRollups(ctx, x.res, now-x.d.Milliseconds())
			if err != nil {
				return err
			}
			total += n
		}
		return tx.Audit(ctx, store.Change{Action: "telemetry.prune", Object: "telemetry", ObjectID: 0, Detail: fmt.Sprintf("%d rows past retention", total)})
	})
}
