package web

import (
	"net/http"
	"strconv"
	"strings"

	"towngrid/internal/api"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
	"towngrid/internal/secretbox"
	"towngrid/internal/store"
)

// formNum reads an optional number field; a wrong one is a field error.
type formReader struct {
	r   *httpx.Request
	err error
}

func (f *formReader) id(name string) int64 {
	s := strings.TrimSpace(f.r.FormValue(name))
	if s == "" || f.err != nil {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		f.err = httpx.Invalid(name, "form.number", "a positive whole number")
	}
	return v
}

func (f *formReader) float(name string) *float64 {
	s := strings.TrimSpace(f.r.FormValue(name))
	if s == "" || f.err != nil {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		f.err = httpx.Invalid(name, "form.number", "a number")
		return nil
	}
	return &v
}

func (u *UI) box() (*secretbox.Box, error) {
	if u.a.Secrets == nil {
		return nil, httpx.Errorf(http.StatusServiceUnavailable, "secrets_unavailable", "no master key is loaded")
	}
	return u.a.Secrets.Box()
}

// revealResident shows a resident in clear after auditing it in its own transaction.
func (u *UI) revealResident(r *httpx.Request, res *directory.Resident) error {
	box, err := u.box()
	if err != nil {
		return err
	}
	if err := u.a.DB.Write(r.Context(), actor(r), func(tx *store.Tx) error { return tx.AuditUnmask(r.Context(), res.ID, "read (web)") }); err != nil {
		return err
	}
	return u.a.DB.ResidentClear(r.Context(), box, res)
}

// dirText is problemText with the directory records' own field names.
func dirText(lang string, err error) string {
	p := httpx.AsProblem(err)
	if p.Status >= 500 {
		return i18n.T(lang, "problem.internal")
	}
	if len(p.Errors) > 0 {
		fe := p.Errors[0]
		label := fe.Field
		if k := "dirrec.field." + fe.Field; i18n.Has(lang, k) {
			label = i18n.T(lang, k)
		}
		msg := fe.Detail
		if k := "dirrec.err." + fe.Code; i18n.Has(lang, k) {
			msg = i18n.T(lang, k)
		}
		return label + ": " + msg
	}
	return p.Detail
}

func (u *UI) dirSave(w http.ResponseWriter, r *httpx.Request, kind string, id int64) error {
	if err := r.ParseForm(); err != nil {
		return httpx.Invalid("form", "form", "unreadable form")
	}
	ctx, s := r.Context(), store.ScopeOf(r.P)
	f := &formReader{r: r}
	v := r.FormValue
	var write func(tx *store.Tx) error
	if id > 0 {
		if _, err := u.dirRecord(r, kind, id); err != nil {
			return err
		}
	}
	switch kind {
	case "departments":
		d := &directory.Department{ID: id, Code: v("code"), Name: v("name"), Kind: v("kind"), Contact: v("contact"), Phone: v("phone"), ParentID: f.id("parent_id"), AreaID: f.id("area_id")}
		write = func(tx *store.Tx) error {
			if id > 0 {
				return tx.UpdateDepartment(ctx, d)
			}
			return tx.CreateDepartment(ctx, d)
		}
	case "enterprises":
		in := api.EnterpriseIn{USCC: v("uscc"), Name: v("name"), Industry: v("industry"), AboveScale: v("above_scale") == "on", Park: v("park"), Address: v("address"),
			AreaID: f.id("area_id"), GridID: f.id("grid_id"), Lon: f.float("lon"), Lat: f.float("lat"), Status: directory.EnterpriseStatus(v("status")), UserID: f.id("user_id")}
		if mu := f.float("land_mu"); mu != nil {
			in.LandMu = *mu
		}
		if v("contact_name") != "" || v("contact_phone") != "" {
			in.Contacts = []directory.Contact{{Name: v("contact_name"), Phone: v("contact_phone")}}
		}
		e := api.EnterpriseOf(in)
		e.ID = id
		if id > 0 && len(in.Contacts) == 1 && strings.Contains(in.Contacts[0].Phone, "*") {
			// The form showed a masked phone: keep the stored one.
			old, err := u.a.DB.Enterprise(ctx, id, s)
			if err == nil && len(old.Contacts) > 0 {
				e.Contacts[0].Phone = old.Contacts[0].Phone
			}
		}
		write = func(tx *store.Tx) error {
			if id > 0 {
				return tx.UpdateEnterprise(ctx, e)
			}
			return tx.CreateEnterprise(ctx, e)
		}
	case "components":
		c := api.ComponentOf(api.ComponentIn{Code: v("code"), State: directory.ComponentState(v("state")), AreaID: f.id("area_id"), GridID: f.id("grid_id"),
			OwnerDeptID: f.id("owner_department_id"), MaintainerDeptID: f.id("maintainer_department_id"), MajorName: v("major_name"), MinorName: v("minor_name"),
			Lon: f.float("lon"), Lat: f.float("lat"), Note: v("note")})
		c.ID = id
		write = func(tx *store.Tx) error {
			if id > 0 {
				return tx.UpdateComponent(ctx, c)
			}
			return tx.CreateComponent(ctx, c)
		}
	case "residents":
		res := &directory.Resident{ID: id, Name: v("name"), IDNumber: v("id_number"), Phone: v("phone"), Address: v("address"), AreaID: f.id("area_id"), GridID: f.id("grid_id")}
		for _, t := range strings.FieldsFunc(v("tags"), func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
			res.Tags = append(res.Tags, strings.TrimSpace(t))
		}
		if v("consent") == "on" {
			res.ConsentAt = u.a.DB.Now()
		}
		write = func(tx *store.Tx) error {
			box, err := u.box()
			if err != nil {
				return err
			}
			if id > 0 {
				if old, err := u.a.DB.Resident(ctx, id, s); err == nil && (res.IDNumber == "" || res.Phone == "") {
					if err := u.a.DB.ResidentClear(ctx, box, old); err != nil {
						return err
					}
					if res.IDNumber == "" {
						res.IDNumber = old.IDNumber
					}
					if res.Phone == "" {
						res.Phone = old.Phone
					}
					if res.ConsentAt == 0 {
						res.ConsentAt = old.ConsentAt
					}
				}
				return tx.UpdateResident(ctx, box, res)
			}
			return tx.CreateResident(ctx, box, res)
		}
	}
	err := f.err
	if err == nil {
		err = u.a.DB.Write(ctx, actor(r), write)
	}
	if err != nil {
		if httpx.AsProblem(err).Status >= 500 {
			return err
		}
		if id > 0 {
			return u.dirShow(w, r, kind, http.StatusUnprocessableEntity, dirText(r.Lang, err), r.PostForm)
		}
		return u.dirList(w, r, kind, http.StatusUnprocessableEntity, dirText(r.Lang, err), r.PostForm)
	}
	http.Redirect(w, r.Request, "/directory/"+kind, http.StatusSeeOther)
	return nil
}
