package workorders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/calendar"
	"towngrid/internal/store"
	"towngrid/internal/workflow"
	"towngrid/internal/workflow/indicators"
)

func init() {
	app.RegisterStarter("workorders", Start)
}

// Start seeds the rules that are absent, loads the calendar in force into
// a.Services.Calendar and starts the timer sweeper (every second until ctx
// ends).
func Start(ctx context.Context, a *app.App) error {
	e := For(a)
	if err := e.Seed(ctx); err != nil {
		return err
	}
	if err := e.LoadCalendar(ctx); err != nil {
		return err
	}
	// Counter cells from before the roll-ups existed are rolled up once.
	if err := e.DB.EnsureCounterRollups(ctx); err != nil {
		return err
	}
	go e.sweepLoop(ctx)
	return nil
}

// SeedKinds are the initial kind configurations.
func SeedKinds() []Kind {
	return []Kind{
		{Kind: "citycase", Label: "数字城管案件", Flow: "citycase", Categories: "cityparts",
			Sources: []string{"grid_worker", "hotline", "resident", "video", "superior", "system"}},
		{Kind: "resident", Label: "居民诉求", Flow: "resident", Categories: "cityparts", Sources: []string{"resident", "open311", "hotline"}},
		{Kind: "alarm", Label: "告警工单", Flow: "alarm", Categories: "cityparts", Classes: []string{"event"}, Sources: []string{"alarm", "system"}},
		{Kind: "demand", Label: "企业诉求", Flow: "demand", Sources: []string{"enterprise", "hotline"}},
		{Kind: "approval", Label: "审批申请", Flow: "approval", Sources: []string{"enterprise", "resident"}},
		{Kind: "action_item", Label: "会议决定事项", Flow: "action_item", Sources: []string{"meeting", "system"}},
	}
}

// Seed writes every seeded rule whose (kind, key) has no version yet, in one
// audited transaction.
func (e *Engine) Seed(ctx context.Context) error {
	type seed struct {
		kind, key, eff string
		body           any
	}
	var seeds []seed
	flows, err := workflow.SeedFlows()
	if err != nil {
		return err
	}
	for _, id := range workflow.SeedFlowIDs() {
		f := flows[id]
		seeds = append(seeds, seed{KindFlow, f.ID, f.Effective, f})
	}
	cats, err := workflow.SeedCategories()
	if err != nil {
		return err
	}
	seeds = append(seeds, seed{KindCategories, cats.ID, cats.Effective, cats})
	for _, k := range SeedKinds() {
		k.Effective = "2024-01-01"
		seeds = append(seeds, seed{KindWOKind, k.Kind, k.Effective, k})
	}
	pol := workflow.DefaultTimerPolicy()
	eff := pol.Effective
	if eff == "" {
		eff = "2024-01-01"
	}
	seeds = append(seeds, seed{KindPolicy, "default", eff, pol})
	schemes, err := indicators.SeedSchemes()
	if err != nil {
		return err
	}
	for _, s := range schemes {
		seeds = append(seeds, seed{KindPostScheme, s.ID, s.Effective, s})
	}
	seeds = append(seeds, seed{KindCalendar, "default", "2024-01-01",
		calendar.Config{Name: "default", Hours: calendar.DefaultHours(), Rules: calendar.Seed(), Years: calendar.SeedYears()}})

	var missing []seed
	for _, s := range seeds {
		_, err := e.DB.RuleVersion(ctx, s.kind, s.key, 0)
		if errors.Is(err, store.ErrNotFound) {
			missing = append(missing, s)
		} else if err != nil {
			return err
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return e.DB.Write(ctx, store.System, func(tx *store.Tx) error {
		for _, s := range missing {
			b, err := json.Marshal(s.body)
			if err != nil {
				return err
			}
			if s.eff == "" {
				s.eff = "2024-01-01"
			}
			r := &store.Rule{Kind: s.kind, Key: s.key, Version: 1, EffectiveFrom: s.eff, Body: string(b), Note: "seed"}
			if err := tx.AddRuleVersion(ctx, r); err != nil {
				var fe *account.FieldError
				if errors.As(err, &fe) && fe.Code == "rule.version_taken" {
					continue // another replica seeded it first
				}
				return fmt.Errorf("seed %s/%s: %w", s.kind, s.key, err)
			}
		}
		return nil
	})
}

// ParseCalendar decodes and validates a calendar rule body.
func ParseCalendar(b []byte) (*calendar.Calendar, error) {
	var cfg calendar.Config
	if err := strictJSON(b, &cfg); err != nil {
		return nil, err
	}
	return calendar.New(cfg)
}

// LoadCalendar puts the default calendar in force today into
// a.Services.Calendar.
func (e *Engine) LoadCalendar(ctx context.Context) error {
	_, err := e.RefreshCalendar(ctx)
	return err
}

// RefreshCalendar loads the calendar in force today if it is not the one
// loaded (reports whether it changed). The sweeper calls it every
// CalendarRefresh, so a version added on another replica, or one whose
// effective date has come, is used without a restart.
func (e *Engine) RefreshCalendar(ctx context.Context) (bool, error) {
	r, err := e.DB.RuleInForce(ctx, KindCalendar, "default", date(time.Now()))
	if err != nil {
		return false, err
	}
	if e.App.Services.Calendar.Load() != nil && e.calRule.Load() == r.ID {
		return false, nil
	}
	cal, err := ParseCalendar([]byte(r.Body))
	if err != nil {
		return false, fmt.Errorf("calendar v%d: %w", r.Version, err)
	}
	e.App.Services.Calendar.Store(cal)
	e.calRule.Store(r.ID) // machines are keyed by their calendar: new ones follow
	return true, nil
}

// CalendarRefresh is how often the sweeper looks for a new calendar version.
const CalendarRefresh = time.Minute
