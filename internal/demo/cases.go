package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"

	"towngrid/internal/calendar"
	"towngrid/internal/directory"
	"towngrid/internal/workflow"
	"towngrid/internal/workorders"
)

// caseScenario is where a demo case ends up; the counts give ~40 cases in
// every state of the citycase flow (数字城管 信息收集→核实→立案→派遣→处置→核查→结案).
var caseScenarios = []struct {
	name string
	n    int
}{
	{"reported", 2}, {"verifying", 2}, {"pending_register", 2}, {"pending_dispatch", 2},
	{"green", 3}, {"yellow", 2}, {"red", 2}, {"checking", 2},
	{"closed", 10}, {"closed_late", 4}, {"rework", 2}, {"extension", 2}, {"suspended", 1}, {"void", 2}, {"self", 3},
}

// deptAccounts are the department slugs with a demo account (who 处置).
var deptAccounts = func() map[string]bool {
	m := map[string]bool{}
	for _, d := range deptSpecs {
		if d.Account {
			m[d.Slug] = true
		}
	}
	return m
}()

type casePlan struct {
	scenario string
	cat      workflow.Category
	grid     int    // plan.areas index
	reporter string // username
	start    time.Time
}

// photo is a small PNG the demo attaches where the flow asks for a photo.
func photo() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = 0xc0
	}
	img.Set(8, 8, color.RGBA{0xd0, 0x40, 0x30, 0xff})
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// workOrders reports and works ~40 cases of the main town through the
// work-order engine, with the store's clock set back to each step's time so
// that lights, deadlines and the monthly indicators of past months mean
// something. Open cases whose timers are due get them fired by the server's
// sweeper once it runs.
func (l *life) workOrders() error {
	if err := l.start(); err != nil {
		return err
	}
	defer l.restoreClock()
	w, p := l.w, l.w.p
	cats, err := workflow.SeedCategories()
	if err != nil {
		return err
	}
	var usable []workflow.Category
	for _, c := range cats.Categories {
		if deptAccounts[p.ownerSlug[c.Code]] && len(c.Limits) > 0 && c.Limits[0].Limit.Unit != calendar.WorkMinutes {
			usable = append(usable, c)
		}
	}
	r := rng(p.opt.Seed, "workorders "+p.areas[p.mainTown].Code)
	byCommunity := map[string][]int{}
	var grids []int
	for i, a := range p.areas {
		if a.Level == directory.Grid && p.areas[a.Parent].Parent == p.mainTown {
			grids = append(grids, i)
			byCommunity[p.areas[a.Parent].Code] = append(byCommunity[p.areas[a.Parent].Code], i)
		}
	}
	var residents []Account
	for _, a := range p.accounts {
		if strings.HasPrefix(a.Username, "resident") {
			residents = append(residents, a)
		}
	}
	now := time.UnixMilli(w.db.Now()).In(calendar.Location())
	var plans []casePlan
	for _, sc := range caseScenarios {
		for k := 0; k < sc.n; k++ {
			cp := casePlan{scenario: sc.name, cat: usable[r.IntN(len(usable))]}
			if sc.name != "self" && r.IntN(3) == 0 {
				res := residents[r.IntN(len(residents))]
				g := byCommunity[res.ScopeCode]
				cp.grid, cp.reporter = g[r.IntN(len(g))], res.Username
			} else {
				cp.grid = grids[r.IntN(len(grids))]
				cp.reporter = "gw-" + p.areas[p.areas[cp.grid].Parent].Code
			}
			days := 1 + r.IntN(3) // open cases: the last few days
			if strings.HasPrefix(sc.name, "closed") || sc.name == "rework" || sc.name == "void" || sc.name == "self" {
				days = 20 + r.IntN(130) // closed ones: spread over the past five months
			}
			d := now.AddDate(0, 0, -days)
			cp.start = time.Date(d.Year(), d.Month(), d.Day(), 8+r.IntN(8), r.IntN(60), 0, 0, d.Location())
			plans = append(plans, cp)
		}
	}
	img := photo()
	for i := range plans {
		if err := l.runCase(r, &plans[i], img, now); err != nil {
			return fmt.Errorf("demo: case %d (%s, %s): %w", i+1, plans[i].scenario, plans[i].cat.Code, err)
		}
	}
	l.counts["work_orders"] = len(plans)
	return nil
}

// dispatchAt is when a case still in 处置 was dispatched so that, at now,
// the share f of its limit has elapsed in working time (f < 0.8 green,
// 0.8–1 yellow, > 1 red): the working-time calendar decides, not the wall.
func dispatchAt(cal *calendar.Calendar, budget time.Duration, f float64, now time.Time) time.Time {
	want := time.Duration(f * float64(budget))
	t := now
	for i := 0; i < 20000 && cal.Elapsed(t, now) < want; i++ {
		t = t.Add(-5 * time.Minute)
	}
	return t
}

func (l *life) runCase(r *rand.Rand, cp *casePlan, img []byte, now time.Time) error {
	w, e := l.w, l.eng
	cal := e.Calendar()
	budget := cal.Budget(cp.cat.Limits[0].Limit)
	t := cp.start
	var dispatched time.Time // for cases left in 处置: when the dispatch happened
	switch cp.scenario {
	case "green", "yellow", "red":
		f := map[string]float64{"green": 0.3, "yellow": 0.9, "red": 1.6}[cp.scenario]
		dispatched = dispatchAt(cal, budget, f, now)
		t = dispatched.Add(-45 * time.Minute)
	}
	gw := "gw-" + w.p.areas[w.p.areas[cp.grid].Parent].Code
	dept := "dept-" + w.p.ownerSlug[cp.cat.Code]
	reason := map[string]string{"closed_late": "", "rework": "现场仍未整改到位", "extension": "需协调产权单位，申请延期",
		"suspended": "涉及产权纠纷，待法院裁定", "void": "重复上报，已合并至同一案卷"}[cp.scenario]
	l.setClock(t)
	g := w.p.areas[cp.grid]
	wo, err := e.Intake(w.ctx, l.caller(cp.reporter), &workorders.Report{Kind: "citycase", Category: cp.cat.Code,
		Title: cp.cat.Name + "：" + g.Name, Description: cp.cat.RegisterCondition, AreaID: w.ids[cp.grid]})
	if err != nil {
		return err
	}
	act := func(who, action string, gap time.Duration, in workorders.ActionInputs, withPhoto bool) error {
		t = t.Add(gap)
		l.setClock(t)
		c := l.caller(who)
		if withPhoto {
			a, err := e.Attach(w.ctx, c, wo.ID, "现场照片.png", bytes.NewReader(img))
			if err != nil {
				return fmt.Errorf("photo for %s: %w", action, err)
			}
			in.Photos = []int64{a.ID}
		}
		nw, err := e.Act(w.ctx, c, wo.ID, &workorders.ActionRequest{Action: action, Seq: wo.Seq, Inputs: in})
		if err != nil {
			return fmt.Errorf("%s by %s: %w", action, who, err)
		}
		wo = nw
		return nil
	}
	minutes := func(lo, hi int) time.Duration { return time.Duration(lo+r.IntN(hi-lo+1)) * time.Minute }
	resident := strings.HasPrefix(cp.reporter, "resident")
	var steps []func() error
	add := func(f func() error) { steps = append(steps, f) }
	front := func() { // 受理/核实 then 立案
		if resident {
			add(func() error {
				return act("intake1", "request_verify", minutes(3, 10), workorders.ActionInputs{}, false)
			})
			add(func() error {
				return act(gw, "verify", minutes(8, 20), workorders.ActionInputs{Comment: "现场核实属实"}, true)
			})
		} else {
			add(func() error { return act("intake1", "accept", minutes(3, 10), workorders.ActionInputs{}, false) })
		}
		add(func() error { return act("intake1", "register", minutes(3, 10), workorders.ActionInputs{}, false) })
		add(func() error {
			gap := minutes(3, 10)
			if !dispatched.IsZero() {
				gap = dispatched.Sub(t)
			}
			return act("dispatcher1", "dispatch", gap, workorders.ActionInputs{}, false)
		})
	}
	dispose := func(f float64) {
		add(func() error {
			d := cal.AddWorking(t, time.Duration(f*float64(budget))).Sub(t)
			return act(dept, "feedback", d, workorders.ActionInputs{PublicComment: "已处置完毕"}, true)
		})
	}
	closeIt := func() {
		add(func() error { return act(gw, "check_ok", minutes(20, 90), workorders.ActionInputs{}, true) })
		add(func() error { return act("shiftlead", "close", minutes(5, 20), workorders.ActionInputs{}, false) })
	}
	switch cp.scenario {
	case "reported":
	case "verifying":
		add(func() error {
			return act("intake1", "request_verify", minutes(3, 10), workorders.ActionInputs{}, false)
		})
	case "pending_register":
		add(func() error {
			return act("intake1", "request_verify", minutes(3, 10), workorders.ActionInputs{}, false)
		})
		add(func() error { return act(gw, "verify", minutes(8, 20), workorders.ActionInputs{}, true) })
	case "pending_dispatch":
		front()
		steps = steps[:len(steps)-1]
	case "green", "yellow", "red":
		front()
	case "checking":
		front()
		dispose(0.4)
	case "closed":
		front()
		dispose(0.2 + r.Float64()*0.5)
		closeIt()
	case "closed_late":
		front()
		dispose(1.2 + r.Float64()*0.6)
		closeIt()
	case "rework":
		front()
		dispose(0.3)
		add(func() error {
			return act(gw, "check_fail", minutes(30, 90), workorders.ActionInputs{Reason: reason}, true)
		})
		add(func() error { return act("dispatcher1", "rework", minutes(5, 20), workorders.ActionInputs{}, false) })
		dispose(0.2)
		closeIt()
	case "extension":
		front()
		ext := &calendar.Limit{Value: 2, Unit: calendar.WorkDays}
		add(func() error {
			return act(dept, "request_extension", minutes(30, 120), workorders.ActionInputs{Reason: reason, Extension: ext}, false)
		})
		add(func() error {
			return act("shiftlead", "extend", minutes(10, 30), workorders.ActionInputs{Reason: "同意延期", Extension: ext}, false)
		})
	case "suspended":
		front()
		add(func() error {
			return act("shiftlead", "suspend", minutes(30, 120), workorders.ActionInputs{Reason: reason}, false)
		})
	case "void":
		add(func() error {
			return act("intake1", "void", minutes(3, 10), workorders.ActionInputs{Reason: reason}, false)
		})
	case "self":
		add(func() error {
			return act(gw, "self_handle", minutes(10, 30), workorders.ActionInputs{Comment: "网格员现场自行处置"}, true)
		})
		add(func() error {
			return act("shiftlead", "approve_self", minutes(5, 20), workorders.ActionInputs{Category: cp.cat.Code}, false)
		})
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}
