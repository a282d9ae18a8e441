package web

import (
	"net/http"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/store"
	"towngrid/internal/workorders"
)

// Butler pages (小镇管家): the team's queue of enterprise demands — work orders
// of kind "demand", listed through the one work-order engine — and one page
// per enterprise with its evaluation card, statistics and policies together.

func init() {
	register(func(u *UI) []*httpx.Route {
		return []*httpx.Route{
			{Method: "GET", Path: "/butler", Perm: account.ButlerWork, Kind: httpx.Page, Summary: "Butler team: demand queue and enterprises", Handle: u.butlerHome},
			{Method: "GET", Path: "/butler/enterprises/{id}", Perm: account.ButlerWork, Kind: httpx.Page, Summary: "One enterprise for its butler: card, statistics, policies, demands", Handle: u.butlerEnterprise},
		}
	})
}

type butlerData struct {
	Demands     []*store.WorkOrder
	Enterprises []*directory.Enterprise
}

// butlerRows bounds the lists of the butler page.
const butlerRows = 200

func (u *UI) caller(r *httpx.Request) workorders.Caller {
	via := "web"
	if r.ViaKey() {
		via = "api"
	}
	return workorders.Caller{P: r.P, Actor: store.Actor{ID: r.P.UserID, Name: r.P.Username, Via: via}}
}

func (u *UI) butlerHome(w http.ResponseWriter, r *httpx.Request) error {
	d := butlerData{}
	var err error
	d.Demands, _, err = workorders.For(u.a).List(r.Context(), u.caller(r), store.WorkOrderFilter{Kind: "demand", OpenOnly: true, Limit: butlerRows})
	if err != nil {
		return err
	}
	d.Enterprises, err = u.a.DB.ListEnterprises(r.Context(), store.EnterpriseFilter{Scope: store.ScopeOf(r.P), Limit: butlerRows})
	if err != nil {
		return err
	}
	return u.render(w, r, 200, "butler", Page{Title: "butler.title", Active: "evaluation", Data: d})
}

func (u *UI) butlerEnterprise(w http.ResponseWriter, r *httpx.Request) error {
	d, err := u.cardData(r)
	if err != nil {
		return err
	}
	d.Butler = true
	if d.Stats, err = u.a.DB.ListStats(r.Context(), d.E.ID, 0); err != nil {
		return err
	}
	if d.E.UserID > 0 {
		ds, _, err := workorders.For(u.a).List(r.Context(), u.caller(r), store.WorkOrderFilter{Kind: "demand", Reporter: d.E.UserID, Limit: butlerRows})
		if err != nil {
			return err
		}
		d.Demands = ds
	}
	return u.render(w, r, 200, "evaluation_card", Page{Title: "butler.enterprise", Active: "evaluation", Data: d})
}
