package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/api"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
	"towngrid/internal/store"
)

// Pages of the directory records: one list page (search, filters, create
// form, import form) and one detail/edit page per kind of record. The pages
// describe their fields as data, so two small templates serve all four kinds.

// dirField is one input of a form or filter.
type dirField struct {
	Name, Label, Type, Value string
	Required                 bool
	Options                  []dirOption
}

type dirOption struct{ Value, Label string }

type dirFields struct {
	Lang   string
	Fields []dirField
}

type dirRow struct {
	ID    int64
	Cells []string
}

type dirListData struct {
	Kind, Query, Next string
	Tabs              []string
	Filters           []dirField
	Columns           []string
	Rows              []dirRow
	Form              []dirField
	CanWrite, Export  bool
}

type dirFormData struct {
	Kind             string
	ID               int64
	Form             []dirField
	CanWrite, Masked bool
}

var dirTabs = []string{"departments", "enterprises", "components", "residents"}

func init() {
	funcs["fieldsOf"] = func(lang string, fs []dirField) dirFields { return dirFields{lang, fs} }
	register(func(u *UI) []*httpx.Route {
		var rs []*httpx.Route
		for _, k := range dirTabs {
			read := account.DirectoryRead
			if k == "residents" {
				read = account.ResidentsRead
			}
			kind := k
			rs = append(rs,
				&httpx.Route{Method: "GET", Path: "/directory/" + k, Perm: read, Kind: httpx.Page, Summary: "Directory: " + k, Handle: func(w http.ResponseWriter, r *httpx.Request) error { return u.dirList(w, r, kind, 200, "", nil) }},
				&httpx.Route{Method: "POST", Path: "/directory/" + k, Perm: account.DirectoryWrite, Kind: httpx.Page, Form: true, Summary: "Create: " + k, Handle: func(w http.ResponseWriter, r *httpx.Request) error { return u.dirSave(w, r, kind, 0) }},
				&httpx.Route{Method: "GET", Path: "/directory/" + k + "/{id}", Perm: read, Kind: httpx.Page, Summary: "One record: " + k, Handle: func(w http.ResponseWriter, r *httpx.Request) error { return u.dirShow(w, r, kind, 200, "", nil) }},
				&httpx.Route{Method: "POST", Path: "/directory/" + k + "/{id}", Perm: account.DirectoryWrite, Kind: httpx.Page, Form: true, Summary: "Change: " + k, Handle: func(w http.ResponseWriter, r *httpx.Request) error {
					id, err := r.PathID("id")
					if err != nil {
						return err
					}
					return u.dirSave(w, r, kind, id)
				}},
			)
		}
		return rs
	})
}

func opts(prefix string, values ...string) []dirOption {
	out := make([]dirOption, len(values))
	for i, v := range values {
		out[i] = dirOption{v, prefix + v}
	}
	return out
}

func enumStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func ftext(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// formOf describes the create/edit form of a kind, filled from a record (nil: empty).
func formOf(kind string, rec any) []dirField {
	in := func(name, typ, v string, req bool) dirField {
		return dirField{Name: name, Label: "dirrec.field." + name, Type: typ, Value: v, Required: req}
	}
	sel := func(name, v, prefix string, values []string) dirField {
		return dirField{Name: name, Label: "dirrec.field." + name, Value: v, Options: opts(prefix, values...)}
	}
	switch kind {
	case "departments":
		d, _ := rec.(*directory.Department)
		if d == nil {
			d = &directory.Department{Kind: "city_management"}
		}
		return []dirField{in("code", "text", d.Code, true), in("name", "text", d.Name, true), sel("kind", d.Kind, "dirrec.kind.", directory.DepartmentKinds),
			in("parent_id", "number", idText(d.ParentID), false), in("area_id", "number", idText(d.AreaID), true), in("contact", "text", d.Contact, false), in("phone", "tel", d.Phone, false)}
	case "enterprises":
		e, _ := rec.(*directory.Enterprise)
		if e == nil {
			e = &directory.Enterprise{Status: directory.Active}
		}
		cn, cp := "", ""
		if len(e.Contacts) > 0 {
			cn, cp = e.Contacts[0].Name, e.Contacts[0].Phone
		}
		scale := ""
		if e.AboveScale {
			scale = "on"
		}
		return []dirField{in("uscc", "text", e.USCC, true), in("name", "text", e.Name, true), in("industry", "text", e.Industry, false),
			{Name: "above_scale", Label: "dirrec.field.above_scale", Type: "checkbox", Value: scale}, in("land_mu", "text", strconv.FormatFloat(e.LandMu, 'f', -1, 64), false),
			in("park", "text", e.Park, false), in("area_id", "number", idText(e.AreaID), false), in("grid_id", "number", idText(e.GridID), false),
			in("address", "text", e.Address, false), in("lon", "text", ftext(e.Lon), false), in("lat", "text", ftext(e.Lat), false),
			in("contact_name", "text", cn, false), in("contact_phone", "tel", cp, false), sel("status", string(e.Status), "dirrec.status.", enumStrings(directory.EnterpriseStatuses)),
			in("user_id", "number", idText(e.UserID), false)}
	case "components":
		c, _ := rec.(*directory.Component)
		if c == nil {
			c = &directory.Component{State: directory.Intact}
		}
		return []dirField{in("code", "text", c.Code, true), sel("state", string(c.State), "dirrec.state.", enumStrings(directory.ComponentStates)),
			in("area_id", "number", idText(c.AreaID), false), in("grid_id", "number", idText(c.GridID), false),
			in("owner_department_id", "number", idText(c.OwnerDeptID), false), in("maintainer_department_id", "number", idText(c.MaintainerDeptID), false),
			in("major_name", "text", c.MajorName, false), in("minor_name", "text", c.MinorName, false), in("lon", "text", ftext(c.Lon), false), in("lat", "text", ftext(c.Lat), false), in("note", "text", c.Note, false)}
	case "residents":
		p, _ := rec.(*directory.Resident)
		if p == nil {
			p = &directory.Resident{}
		}
		consent := ""
		if p.ConsentAt > 0 {
			consent = "on"
		}
		return []dirField{in("name", "text", p.Name, true), in("id_number", "text", p.IDNumber, p.ID == 0), in("phone", "tel", p.Phone, false),
			in("address", "text", p.Address, false), in("area_id", "number", idText(p.AreaID), false), in("grid_id", "number", idText(p.GridID), false),
			in("tags", "text", strings.Join(p.Tags, ","), false), {Name: "consent", Label: "dirrec.field.consent", Type: "checkbox", Value: consent}}
	}
	return nil
}

// refill puts what the person typed back into the form after an error.
func refill(fs []dirField, v url.Values) []dirField {
	for i := range fs {
		if fs[i].Type == "checkbox" {
			fs[i].Value = map[bool]string{true: "on"}[v.Get(fs[i].Name) == "on"]
			continue
		}
		fs[i].Value = v.Get(fs[i].Name)
	}
	return fs
}

func (u *UI) dirList(w http.ResponseWriter, r *httpx.Request, kind string, status int, errMsg string, typed url.Values) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	ctx, q := r.Context(), r.URL.Query()
	scope := store.ScopeOf(r.P)
	d := dirListData{Kind: kind, Tabs: dirTabs, Query: q.Get("q"), CanWrite: r.P.Can(account.DirectoryWrite), Form: formOf(kind, nil)}
	if !r.P.Can(account.ResidentsRead) {
		d.Tabs = dirTabs[:3]
	}
	if typed != nil {
		d.Form = refill(d.Form, typed)
	}
	filter := func(name, prefix string, values []string) dirField {
		return dirField{Name: name, Label: "dirrec.field." + name, Value: q.Get(name), Options: opts(prefix, values...)}
	}
	switch kind {
	case "departments":
		d.Filters = []dirField{filter("kind", "dirrec.kind.", directory.DepartmentKinds)}
		d.Columns = []string{"dirrec.field.code", "dirrec.field.name", "dirrec.field.kind", "dirrec.field.level", "dirrec.field.contact"}
		ds, err := u.a.DB.ListDepartments(ctx, store.DepartmentFilter{Scope: scope, Query: d.Query, Kind: q.Get("kind"), After: pg.After, Limit: pg.Limit + 1})
		if err != nil {
			return err
		}
		l := httpx.NewList(ds, pg, func(x *directory.Department) int64 { return x.ID })
		for _, x := range l.Items {
			d.Rows = append(d.Rows, dirRow{x.ID, []string{x.Code, x.Name, i18n.T(r.Lang, "dirrec.kind."+x.Kind), strconv.Itoa(x.Level), x.Contact}})
		}
		d.Next = l.NextCursor
	case "enterprises":
		d.Export = true
		d.Filters = []dirField{filter("status", "dirrec.status.", enumStrings(directory.EnterpriseStatuses)), {Name: "industry", Label: "dirrec.field.industry", Value: q.Get("industry")}, {Name: "park", Label: "dirrec.field.park", Value: q.Get("park")}}
		d.Columns = []string{"dirrec.field.name", "dirrec.field.uscc", "dirrec.field.industry", "dirrec.field.above_scale", "dirrec.field.land_mu", "dirrec.field.park", "dirrec.field.status"}
		f, err := api.EnterpriseFilterOf(r, u.a.DB)
		if err != nil {
			return err
		}
		f.After, f.Limit = pg.After, pg.Limit+1
		es, err := u.a.DB.ListEnterprises(ctx, f)
		if err != nil {
			return err
		}
		l := httpx.NewList(es, pg, func(x *directory.Enterprise) int64 { return x.ID })
		for _, x := range l.Items {
			scale := i18n.T(r.Lang, "dirrec.below_scale")
			if x.AboveScale {
				scale = i18n.T(r.Lang, "dirrec.above_scale")
			}
			d.Rows = append(d.Rows, dirRow{x.ID, []string{x.Name, x.USCC, x.Industry, scale, strconv.FormatFloat(x.LandMu, 'f', -1, 64), x.Park, i18n.T(r.Lang, "dirrec.status."+string(x.Status))}})
		}
		d.Next = l.NextCursor
	case "components":
		d.Export = true
		d.Filters = []dirField{filter("state", "dirrec.state.", enumStrings(directory.ComponentStates)), {Name: "class", Label: "dirrec.field.class", Value: q.Get("class")}, {Name: "grid_id", Label: "dirrec.field.grid_id", Value: q.Get("grid_id")}}
		d.Columns = []string{"dirrec.field.code", "dirrec.field.major_name", "dirrec.field.minor_name", "dirrec.field.state", "dirrec.field.grid_id"}
		f, err := api.ComponentFilterOf(r, u.a.DB)
		if err != nil {
			return err
		}
		f.After, f.Limit = pg.After, pg.Limit+1
		cs, err := u.a.DB.ListComponents(ctx, f)
		if err != nil {
			return err
		}
		l := httpx.NewList(cs, pg, func(x *directory.Component) int64 { return x.ID })
		for _, x := range l.Items {
			d.Rows = append(d.Rows, dirRow{x.ID, []string{x.Code, x.MajorName, x.MinorName, i18n.T(r.Lang, "dirrec.state."+string(x.State)), idText(x.GridID)}})
		}
		d.Next = l.NextCursor
	case "residents":
		d.Columns = []string{"dirrec.field.name", "dirrec.field.id_number", "dirrec.field.phone", "dirrec.field.tags"}
		rs, err := u.a.DB.ListResidents(ctx, store.ResidentFilter{Scope: scope, Query: d.Query, After: pg.After, Limit: pg.Limit + 1})
		if err != nil {
			return err
		}
		l := httpx.NewList(rs, pg, func(x *directory.Resident) int64 { return x.ID })
		for _, x := range l.Items {
			d.Rows = append(d.Rows, dirRow{x.ID, []string{x.Name, x.IDNumber, x.Phone, strings.Join(x.Tags, "、")}})
		}
		d.Next = l.NextCursor
	}
	return u.render(w, r, status, "dirrec_list", Page{Title: "dirrec.tab." + kind, Active: "directory", Error: errMsg, Data: d})
}

func (u *UI) dirRecord(r *httpx.Request, kind string, id int64) (any, error) {
	ctx, s := r.Context(), store.ScopeOf(r.P)
	switch kind {
	case "departments":
		return u.a.DB.Department(ctx, id, s)
	case "enterprises":
		e, err := u.a.DB.Enterprise(ctx, id, s)
		if err != nil {
			return nil, err
		}
		return api.MaskEnterprise(r.P, e), nil
	case "components":
		return u.a.DB.Component(ctx, id, s)
	default:
		return u.a.DB.Resident(ctx, id, s)
	}
}

func (u *UI) dirShow(w http.ResponseWriter, r *httpx.Request, kind string, status int, errMsg string, typed url.Values) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	rec, err := u.dirRecord(r, kind, id)
	if err != nil {
		return err
	}
	d := dirFormData{Kind: kind, ID: id, CanWrite: r.P.Can(account.DirectoryWrite)}
	if res, ok := rec.(*directory.Resident); ok {
		if r.URL.Query().Get("unmask") == "true" && r.P.Can(account.ResidentsUnmask) {
			if err := u.revealResident(r, res); err != nil {
				return err
			}
		}
		d.Masked = res.Masked
		if res.Masked {
			res.IDNumber, res.Phone = "", "" // masked forms are not valid input: an empty field keeps the stored value
		}
	}
	d.Form = formOf(kind, rec)
	if typed != nil {
		d.Form = refill(d.Form, typed)
	}
	return u.render(w, r, status, "dirrec_form", Page{Title: "dirrec.tab." + kind, Active: "directory", Error: errMsg, Data: d})
}
