package web

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
	"towngrid/internal/store"
	"towngrid/internal/workorders"
)

// Work-order pages (工单闭环): the command board, the phone report form with
// its offline draft queue, the case page with the action panel, a
// department's inbox, a grid worker's tasks and the indicators. They are
// shells: every figure and every action goes through the JSON API, which
// checks the permission, the area scope and the flow's roles, so the pages
// never decide anything the API would not.

func init() {
	register(func(u *UI) []*httpx.Route {
		return []*httpx.Route{
			// /workorders keeps the navigation entry's permission (dashboard.read).
			{Method: "GET", Path: "/workorders", Perm: account.Dashboard, Kind: httpx.Page, Summary: "Work orders: the command board (queues per step, traffic lights)", Handle: u.woBoard},
			{Method: "GET", Path: "/workorders/new", Perm: account.WorkOrdersCreate, Kind: httpx.Page, Summary: "Report an event (phone-first, offline drafts)", Handle: u.woNew},
			{Method: "GET", Path: "/workorders/inbox", Perm: account.WorkOrdersAct, Kind: httpx.Page, Summary: "A department's inbox of cases to dispose", Handle: u.woInbox},
			{Method: "GET", Path: "/workorders/tasks", Perm: account.WorkOrdersAct, Kind: httpx.Page, Summary: "A grid worker's verify and check tasks", Handle: u.woTasks},
			{Method: "GET", Path: "/workorders/indicators", Perm: account.IndicatorsRead, Kind: httpx.Page, Summary: "Work-order indicators and post evaluations", Handle: u.woIndicators},
			{Method: "GET", Path: "/workorders/{id}", Perm: account.WorkOrdersRead, Kind: httpx.Page, Summary: "One case: timeline, map and actions", Handle: u.woCase},
		}
	})
}

// woData is what the work-order templates receive.
type woData struct {
	I18N    string // JSON: the wo.* and workorder.* messages the script needs
	Areas   string // JSON: {id: name} of the areas in the caller's scope
	Grids   []*directory.Area
	ID      int64
	Number  string
	Depts   string // comma-separated department ids of the caller (inbox)
	Queues  []string
	CanAct  bool
	CanNew  bool
	CanInd  bool
	Area    int64 // default area of the indicator page
	IsStaff bool
}

// woStrings are the messages the scripts need, in the page's language.
func woStrings(lang string) string {
	m := map[string]string{}
	for _, k := range i18n.Keys(lang) {
		if strings.HasPrefix(k, "wo.") || strings.HasPrefix(k, "workorder.") || strings.HasPrefix(k, "problem.workorder") || strings.HasPrefix(k, "problem.workflow") {
			m[k] = i18n.T(lang, k)
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// woAreas lists the areas the caller may see (names for the lists, grids
// for the report form), so that roles without areas.read still get names.
func (u *UI) woAreas(r *httpx.Request) (names string, grids []*directory.Area, top int64, err error) {
	as, err := u.a.DB.ListAreas(r.Context(), store.AreaFilter{Scopes: r.P.Scopes, Unscoped: r.P.Has(account.Admin), Limit: 20000})
	if err != nil {
		return "", nil, 0, err
	}
	m := map[int64]string{}
	depth := 1 << 30
	for _, a := range as {
		m[a.ID] = a.Name
		if a.Level == directory.Grid {
			grids = append(grids, a)
		}
		if d := strings.Count(a.Path, "/"); d < depth {
			depth, top = d, a.ID
		}
	}
	sort.Slice(grids, func(i, j int) bool { return grids[i].Code < grids[j].Code })
	b, _ := json.Marshal(m)
	return string(b), grids, top, nil
}

func (u *UI) woPage(w http.ResponseWriter, r *httpx.Request, tmpl, title string, d woData) error {
	names, grids, top, err := u.woAreas(r)
	if err != nil {
		return err
	}
	d.I18N, d.Areas, d.Grids = woStrings(r.Lang), names, grids
	if d.Area == 0 {
		d.Area = top
	}
	d.CanAct, d.CanNew, d.CanInd = r.P.Can(account.WorkOrdersAct), r.P.Can(account.WorkOrdersCreate), r.P.Can(account.IndicatorsRead)
	d.IsStaff = !r.P.Has(account.Resident) && !r.P.Has(account.Enterprise)
	return u.render(w, r, http.StatusOK, tmpl, Page{Title: title, Active: "workorders", Data: d})
}

func (u *UI) woBoard(w http.ResponseWriter, r *httpx.Request) error {
	return u.woPage(w, r, "wo_board", "wo.board.title", woData{Queues: []string{"intake", "verify", "register", "dispatch", "department", "check"}})
}

func (u *UI) woNew(w http.ResponseWriter, r *httpx.Request) error {
	return u.woPage(w, r, "wo_new", "wo.new.title", woData{})
}

func (u *UI) woInbox(w http.ResponseWriter, r *httpx.Request) error {
	d := woData{Queues: []string{"department"}}
	if p, err := u.a.DB.Person(r.Context(), r.P.UserID); err == nil {
		var ids []string
		for _, m := range p.Departments {
			ids = append(ids, store.Itoa(m.DepartmentID))
		}
		d.Depts = strings.Join(ids, ",")
	}
	return u.woPage(w, r, "wo_list", "wo.inbox.title", d)
}

func (u *UI) woTasks(w http.ResponseWriter, r *httpx.Request) error {
	return u.woPage(w, r, "wo_list", "wo.tasks.title", woData{Queues: []string{"verify", "check"}})
}

func (u *UI) woIndicators(w http.ResponseWriter, r *httpx.Request) error {
	return u.woPage(w, r, "wo_indicators", "wo.ind.title", woData{})
}

func (u *UI) woCase(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	e := workorders.For(u.a)
	wo, err := e.Visible(r.Context(), workorders.Caller{P: r.P}, id)
	if err != nil {
		return err
	}
	return u.woPage(w, r, "wo_case", "wo.case.title", woData{ID: wo.ID, Number: wo.Number})
}
