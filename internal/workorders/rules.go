package workorders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"towngrid/internal/calendar"
	"towngrid/internal/store"
	"towngrid/internal/workflow"
)

// Validators check a new rule version's body with the rule's pure package;
// only these kinds can be edited through the work-order rules API.
var Validators = map[string]func(key string, body []byte) error{
	KindFlow: func(key string, b []byte) error {
		f, err := workflow.ParseFlow(b)
		if err == nil && f.ID != key {
			err = fmt.Errorf("the flow's id %q differs from the rule key %q", f.ID, key)
		}
		return err
	},
	KindCategories: func(key string, b []byte) error {
		c, err := workflow.ParseCategories(b)
		if err == nil && c.ID != key {
			err = fmt.Errorf("the table's id %q differs from the rule key %q", c.ID, key)
		}
		return err
	},
	KindWOKind: func(key string, b []byte) error {
		k, err := ParseKind(b)
		if err == nil && k.Kind != key {
			err = fmt.Errorf("the kind %q differs from the rule key %q", k.Kind, key)
		}
		return err
	},
	KindPolicy:     func(_ string, b []byte) error { _, err := ParsePolicy(b); return err },
	KindPostScheme: func(_ string, b []byte) error { _, err := parseScheme(b); return err },
	KindCalendar:   func(_ string, b []byte) error { _, err := ParseCalendar(b); return err },
}

// NewRule is the body that adds a version of a rule.
type NewRule struct {
	EffectiveFrom string          `json:"effective_from"` // YYYY-MM-DD
	Body          json.RawMessage `json:"body"`
	Note          string          `json:"note,omitempty"`
}

// AddRule validates and stores the next version of (kind, key). A new
// calendar version in force today replaces the calendar in use at once.
func (e *Engine) AddRule(ctx context.Context, who Caller, kind, key string, in *NewRule) (*store.Rule, error) {
	v, ok := Validators[kind]
	if !ok {
		return nil, invalid("kind", "rule.kind", "rules of kind %q are not edited here (kinds: flow, categories, calendar, workorder_kind, timer_policy, post_scheme)", kind)
	}
	if key == "" || len(key) > 64 || strings.ContainsAny(key, "/ ") {
		return nil, invalid("key", "rule.key", "a key of 1–64 characters without spaces or slashes")
	}
	if _, err := time.Parse("2006-01-02", in.EffectiveFrom); err != nil {
		return nil, invalid("effective_from", "rule.effective_from", "a date YYYY-MM-DD")
	}
	if len(in.Body) == 0 {
		return nil, invalid("body", "rule.body", "the rule's JSON body is required")
	}
	if err := v(key, in.Body); err != nil {
		return nil, &Error{Status: http.StatusUnprocessableEntity, Code: ruleCode(err), Field: "body", Detail: err.Error()}
	}
	r := &store.Rule{Kind: kind, Key: key, EffectiveFrom: in.EffectiveFrom, Body: string(in.Body), Note: in.Note}
	if err := e.DB.Write(ctx, who.Actor, func(tx *store.Tx) error { return tx.AddRuleVersion(ctx, r) }); err != nil {
		return nil, err
	}
	e.forgetRules()
	if kind == KindCalendar && key == "default" {
		if err := e.LoadCalendar(ctx); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// ruleCode keeps the pure package's stable code when it has one.
func ruleCode(err error) string {
	var we *workflow.Error
	var ce *calendar.Error
	switch {
	case errors.As(err, &we):
		return we.Code
	case errors.As(err, &ce):
		return ce.Code
	}
	return "rule.body"
}

// Day is one listed date of a calendar.
type Day struct {
	Date string           `json:"date"`
	Kind calendar.DayKind `json:"kind"`
	Name string           `json:"name"`
}

// Days lists the holidays and make-up working days of a year from the
// calendar rule in force, and whether the year's notice is loaded.
func (e *Engine) Days(ctx context.Context, year int) ([]Day, bool, error) {
	r, err := e.DB.RuleInForce(ctx, KindCalendar, "default", date(time.Now()))
	if err != nil {
		return nil, false, err
	}
	var cfg calendar.Config
	if err := json.Unmarshal([]byte(r.Body), &cfg); err != nil {
		return nil, false, err
	}
	out := []Day{}
	y := strconv.Itoa(year) + "-"
	for _, d := range cfg.Rules {
		if strings.HasPrefix(d.Date, y) {
			out = append(out, Day{d.Date, d.Kind, d.Name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out, e.Calendar().Known(year), nil
}
