package demo

import (
	"context"
	"encoding/json"
	"fmt"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/store"
)

// writer puts a plan into the database through the store API, one
// transaction per town (its departments and rules), per community (its
// grids, grid worker and components), for the other accounts, per town's
// enterprises and for the residents.
type writer struct {
	ctx    context.Context
	db     *store.DB
	p      *plan
	hashes map[account.Role]string
	ids    []int64                  // plan.areas index → area id
	byCode map[string]int64         // area code → id
	users  map[string]int64         // username → id
	depts  map[int]map[string]int64 // town index → department slug → id
}

func (w *writer) createUser(tx *store.Tx, a Account) error {
	u := &account.User{Username: a.Username, DisplayName: a.DisplayName, Lang: "zh-CN",
		Roles: []account.Role{a.Role}, ScopeAreaIDs: []int64{w.byCode[a.ScopeCode]}}
	if err := tx.CreateUser(w.ctx, u, w.hashes[a.Role]); err != nil {
		return fmt.Errorf("demo: user %s: %w", a.Username, err)
	}
	w.users[a.Username] = u.ID
	return nil
}

// areas writes the areas batch by batch: a town with its departments and
// ownership rules, a community with its grids, grid worker and components.
func (w *writer) areas() error {
	p := w.p
	workers := map[string]Account{} // community code → its grid worker
	for _, a := range p.accounts {
		if a.Role == account.GridWorker {
			workers[a.ScopeCode] = a
		}
	}
	for i := 0; i < len(p.areas); {
		j := i + 1 // a batch is one area and, for a community, the grids that follow it
		for j < len(p.areas) && p.areas[j].Level == directory.Grid {
			j++
		}
		err := w.db.Write(w.ctx, Actor, func(tx *store.Tx) error {
			for k := i; k < j; k++ {
				if err := w.area(tx, k); err != nil {
					return err
				}
			}
			switch p.areas[i].Level {
			case directory.Town:
				return w.departments(tx, i)
			case directory.Community:
				return w.community(tx, i, j, workers)
			}
			return nil
		})
		if err != nil {
			return err
		}
		i = j
	}
	return nil
}

func (w *writer) area(tx *store.Tx, k int) error {
	ap := &w.p.areas[k]
	a := &directory.Area{Level: ap.Level, Code: ap.Code, Name: ap.Name, Geometry: ap.Geometry}
	if ap.Parent >= 0 {
		a.ParentID = w.ids[ap.Parent]
	}
	var err error
	if a.Props, err = json.Marshal(ap.Props); err != nil {
		return err
	}
	if err := tx.CreateArea(w.ctx, a); err != nil {
		return fmt.Errorf("demo: area %s %s: %w", ap.Code, ap.Name, err)
	}
	w.ids[k], w.byCode[ap.Code] = a.ID, a.ID
	return nil
}

// departments creates a town's 专业部门 (一级, then their 二级 sections) and
// the ownership rules that give every category of work a department there.
func (w *writer) departments(tx *store.Tx, town int) error {
	t := w.p.areas[town]
	r := rng(w.p.opt.Seed, "departments "+t.Code)
	bySlug := map[string]int64{}
	for _, s := range deptSpecs {
		d := &directory.Department{Code: t.Code + "-" + s.Slug, Name: s.Name, Kind: s.Kind, AreaID: w.ids[town],
			Contact: personName(r), Phone: fmt.Sprintf("0760-2%07d", r.IntN(1e7)), ParentID: bySlug[s.Parent]}
		if err := tx.CreateDepartment(w.ctx, d); err != nil {
			return fmt.Errorf("demo: department %s: %w", d.Code, err)
		}
		bySlug[s.Slug] = d.ID
	}
	w.depts[town] = bySlug
	for _, rule := range w.p.rules {
		if err := tx.SetOwnership(w.ctx, &directory.OwnershipRule{AreaID: w.ids[town], Category: rule.Category, DepartmentID: bySlug[rule.Slug]}); err != nil {
			return fmt.Errorf("demo: ownership %s %s: %w", t.Code, rule.Category, err)
		}
	}
	return nil
}

// community writes a community's grid worker, responsible for all its grids
// (责任网格), and the components of the grids areas[i+1:j].
func (w *writer) community(tx *store.Tx, i, j int, workers map[string]Account) error {
	p := w.p
	depts := w.depts[p.areas[i].Parent]
	if gw, ok := workers[p.areas[i].Code]; ok {
		if err := w.createUser(tx, gw); err != nil {
			return err
		}
		person := &store.Person{UserID: w.users[gw.Username], Departments: []store.Membership{}, GridIDs: w.ids[i+1 : j]}
		if err := tx.SetPerson(w.ctx, person); err != nil {
			return fmt.Errorf("demo: grids of %s: %w", gw.Username, err)
		}
	}
	for k := i + 1; k < j; k++ {
		for _, cp := range p.areas[k].Components {
			c := cp.Component
			c.AreaID, c.GridID = w.ids[i], w.ids[k]
			c.OwnerDeptID, c.MaintainerDeptID = depts[cp.Slug], depts[cp.Slug]
			if err := tx.CreateComponent(w.ctx, &c); err != nil {
				return fmt.Errorf("demo: component %s: %w", c.Code, err)
			}
		}
	}
	return nil
}

// accounts writes the accounts other than grid workers and links each
// department account to its department of the main town.
func (w *writer) accounts() error {
	return w.db.Write(w.ctx, Actor, func(tx *store.Tx) error {
		for _, a := range w.p.accounts {
			if a.Role == account.GridWorker {
				continue
			}
			if err := w.createUser(tx, a); err != nil {
				return err
			}
		}
		main := w.depts[w.p.mainTown]
		for _, s := range deptSpecs {
			id, ok := w.users["dept-"+s.Slug]
			if !ok {
				continue
			}
			m := []store.Membership{{DepartmentID: main[s.Slug], Post: "处置员"}}
			if err := tx.SetPerson(w.ctx, &store.Person{UserID: id, Departments: m, GridIDs: []int64{}}); err != nil {
				return fmt.Errorf("demo: department of dept-%s: %w", s.Slug, err)
			}
		}
		return nil
	})
}

// enterprises writes each town's enterprises in one transaction.
func (w *writer) enterprises() error {
	for _, t := range w.p.towns {
		err := w.db.Write(w.ctx, Actor, func(tx *store.Tx) error {
			for _, ep := range t.Enterprises {
				e := ep.Enterprise
				e.AreaID, e.GridID = w.ids[w.p.areas[ep.Grid].Parent], w.ids[ep.Grid]
				e.UserID = w.users[ep.Account]
				if err := tx.CreateEnterprise(w.ctx, &e); err != nil {
					return fmt.Errorf("demo: enterprise %s: %w", e.Name, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// residents writes the residents, sealed with the master key.
func (w *writer) residents() error {
	if len(w.p.residents) == 0 {
		return nil
	}
	return w.db.Write(w.ctx, Actor, func(tx *store.Tx) error {
		for _, rp := range w.p.residents {
			res := rp.Resident
			res.Tags = append([]string{}, res.Tags...)
			res.AreaID, res.GridID = w.ids[w.p.areas[rp.Grid].Parent], w.ids[rp.Grid]
			if err := tx.CreateResident(w.ctx, w.p.opt.Secrets, &res); err != nil {
				return fmt.Errorf("demo: resident: %w", err)
			}
		}
		return nil
	})
}
