// Package demo fills an empty database with a believable town for trying
// towngrid out: 中山市古镇镇 (the lighting town, 灯饰之都) with its villages, unit
// grids (单元网格) drawn as GeoJSON polygons, and one account for every role.
// Larger sizes repeat the pattern over 中山市's towns or over 广东省's cities.
//
// Everything is derived from a seed, so the same seed gives the same names,
// codes, coordinates and demo passwords; the passwords can be printed again
// later without touching the database.
package demo

import (
	"context"
	"encoding/json"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/secretbox"
	"towngrid/internal/store"
)

// Sizes of the demo.
const (
	SizeTown     = "town"     // 中山市 → 古镇镇: 12 villages, ~120 grids
	SizeCity     = "city"     // 中山市 with 8 towns
	SizeProvince = "province" // 广东省 with 12 cities × 16 towns, ~25 000 grids
)

// Options choose the demo.
type Options struct {
	Seed int64
	Size string // town (default), city or province
	// Secrets seals residents' ID numbers and phones: the app's master key
	// (app.App.Secrets). Without it the demo records no residents.
	Secrets *secretbox.Box
	// Data is the data folder: work-order photos go to <Data>/uploads, where
	// the server looks for them (empty: a temporary folder, removed after).
	Data string
}

func (o Options) sizeName() string {
	if o.Size == "" {
		return SizeTown
	}
	return o.Size
}

// Summary tells what the demo holds and how to sign in.
type Summary struct {
	Seed  int64                   `json:"seed"`
	Size  string                  `json:"size"`
	Top   string                  `json:"top"`  // code of the root area
	Town  string                  `json:"town"` // code of the town the staff look after
	Areas map[directory.Level]int `json:"areas"`
	// Records counts the directory records per kind: departments,
	// ownership_rules, department_members, responsibility_grids, enterprises,
	// components, residents.
	Records   map[string]int          `json:"records"`
	Accounts  []Account               `json:"accounts"`
	Generated bool                    `json:"generated"` // false when only described
	Elapsed   time.Duration           `json:"elapsed_ns"`
	Passwords map[account.Role]string `json:"-"`
	// Devices are the monitoring devices with their access tokens (only
	// when generated: the store keeps only the tokens' hashes).
	Devices []DeviceToken `json:"devices,omitempty"`
	// Life counts what the services wrote: work_orders, stats_reports,
	// evaluation_runs, readings.
	Life map[string]int `json:"life,omitempty"`
}

// Error is a demo failure with a stable machine code.
type Error struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail }

// ErrNotEmpty is returned by Generate when the database already holds areas.
var ErrNotEmpty = &Error{Code: "demo.not_empty", Detail: "the database already holds areas; the demo fills only an empty one"}

// Actor writes the demo; the audit log shows it as such.
var Actor = store.Actor{Name: "demo", Via: "system"}

// Describe returns the summary of the demo a seed and size would generate,
// without writing anything (for printing the credentials again).
func Describe(opt Options) (*Summary, error) {
	p, err := buildPlan(opt)
	if err != nil {
		return nil, err
	}
	return p.summary(), nil
}

func (p *plan) summary() *Summary {
	s := &Summary{Seed: p.opt.Seed, Size: p.opt.sizeName(), Top: p.areas[p.top].Code, Town: p.areas[p.mainTown].Code,
		Areas: map[directory.Level]int{}, Records: p.records(), Accounts: p.accounts, Passwords: Passwords(p.opt.Seed)}
	for _, a := range p.areas {
		s.Areas[a.Level]++
	}
	return s
}

// Generate writes the demo into db, which must hold no areas yet. Each town
// (with its departments and ownership rules) and each community (with its
// grids, grid worker and components) goes in one transaction: large enough
// to be fast, small enough not to hold the writer for long.
func Generate(ctx context.Context, db *store.DB, opt Options) (*Summary, error) {
	start := time.Now()
	p, err := buildPlan(opt)
	if err != nil {
		return nil, err
	}
	existing, err := db.ListAreas(ctx, store.AreaFilter{Unscoped: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, ErrNotEmpty
	}
	// Hash each role's password once: argon2id is deliberately slow.
	hashes := map[account.Role]string{}
	for role, pw := range Passwords(opt.Seed) {
		if hashes[role], err = account.HashPassword(pw); err != nil {
			return nil, err
		}
	}
	w := &writer{ctx: ctx, db: db, p: p, hashes: hashes, ids: make([]int64, len(p.areas)), byCode: map[string]int64{},
		users: map[string]int64{}, depts: map[int]map[string]int64{}}
	l := newLife(w) // monitoring, work orders, evaluation (life.go)
	defer l.close()
	for _, step := range []func() error{w.areas, w.accounts, w.open311, w.enterprises, w.residents, l.evaluation, l.workOrders, l.monitoring} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	s := p.summary()
	s.Devices, s.Life = l.devices, l.counts
	s.Generated, s.Elapsed = true, time.Since(start)
	return s, nil
}

// Stored reads the demo options recorded in the root area of a database
// filled by Generate; ok is false for a database the demo did not fill.
func Stored(ctx context.Context, db *store.DB) (opt Options, ok bool, err error) {
	as, err := db.ListAreas(ctx, store.AreaFilter{Unscoped: true, Limit: 1})
	if err != nil || len(as) == 0 {
		return opt, false, err
	}
	var props struct {
		Demo bool   `json:"demo"`
		Seed int64  `json:"demo_seed"`
		Size string `json:"demo_size"`
	}
	if json.Unmarshal(as[0].Props, &props) != nil || !props.Demo {
		return opt, false, nil
	}
	return Options{Seed: props.Seed, Size: props.Size}, true, nil
}
