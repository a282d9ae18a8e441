package recordio

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/codes"
	"towngrid/internal/directory"
	"towngrid/internal/store"
)

// EnterpriseColumns are the columns of the enterprise sheet.
var EnterpriseColumns = []Column{
	{"uscc", "统一社会信用代码", "USCC", true},
	{"name", "企业名称", "Name", true},
	{"industry", "行业代码", "Industry", false},
	{"above_scale", "规上企业", "Above scale", false},
	{"land_mu", "用地面积(亩)", "Land (mu)", false},
	{"park", "园区", "Park", false},
	{"area_code", "所属区域代码", "Area code", false},
	{"grid_code", "网格代码", "Grid code", false},
	{"address", "地址", "Address", false},
	{"lon", "经度", "Longitude", false},
	{"lat", "纬度", "Latitude", false},
	{"contact_name", "联系人", "Contact", false},
	{"contact_phone", "联系电话", "Contact phone", false},
	{"status", "状态", "Status", false},
}

// ComponentColumns are the columns of the component sheet.
var ComponentColumns = []Column{
	{"code", "部件编码", "Code", true},
	{"state", "状态", "State", false},
	{"area_code", "所属区域代码", "Area code", false},
	{"grid_code", "网格代码", "Grid code", false},
	{"owner_department", "主管部门代码", "Owner department code", false},
	{"maintainer_department", "养护部门代码", "Maintainer department code", false},
	{"lon", "经度", "Longitude", false},
	{"lat", "纬度", "Latitude", false},
	{"major_name", "大类名称", "Major class", false},
	{"minor_name", "小类名称", "Minor class", false},
	{"note", "备注", "Note", false},
}

// Options of an import.
type Options struct {
	Scope    store.Scope // the areas the importer may write into
	DryRun   bool        // check only
	Progress func(done, total int)
}

func (o Options) progress(done, total int) {
	if o.Progress != nil {
		o.Progress(done, total)
	}
}

// importer collects the errors of one import.
type importer struct {
	ctx    context.Context
	db     *store.DB
	opt    Options
	header map[string]string
	errs   []RowError
	areas  map[string]*directory.Area
}

func (im *importer) fail(n int, field, code, detail string) {
	im.errs = append(im.errs, RowError{Row: n, Column: im.header[field], Field: field, Code: code, Detail: detail})
}

// failErr maps a validation error to the row's cell. Record fields are
// mapped back to the sheet column they came from.
func (im *importer) failErr(n int, err error, fieldToColumn map[string]string) {
	var fe *account.FieldError
	if errors.As(err, &fe) {
		col := fe.Field
		if c, ok := fieldToColumn[col]; ok {
			col = c
		}
		im.fail(n, col, fe.Code, fe.Detail)
		return
	}
	im.fail(n, "", "import.row", err.Error())
}

// area resolves an area code in the importer's scope; empty code → 0.
func (im *importer) area(n int, field, code string, wantGrid bool) int64 {
	if code == "" {
		return 0
	}
	a, ok := im.areas[code]
	if !ok {
		var err error
		a, err = im.db.AreaByCode(im.ctx, code)
		if err != nil {
			a = nil
		}
		im.areas[code] = a
	}
	if a == nil || !im.opt.Scope.Contains(a.Path) {
		im.fail(n, field, "import.area_unknown", "no area with code "+code+" in your areas")
		return 0
	}
	if wantGrid && a.Level != directory.Grid {
		im.fail(n, field, "record.grid_level", "area "+code+" is not a unit grid")
		return 0
	}
	return a.ID
}

func (im *importer) float(n int, field, s string) *float64 {
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		im.fail(n, field, "import.number", "not a number: "+s)
		return nil
	}
	return &v
}

var yes = map[string]bool{"是": true, "规上": true, "true": true, "yes": true, "y": true, "1": true}
var no = map[string]bool{"否": true, "规下": true, "false": true, "no": true, "n": true, "0": true, "": true}

// ImportEnterprises checks every row of an enterprise sheet and, when all are
// good, writes them in one transaction; otherwise it writes nothing and
// returns the errors of every bad cell.
func ImportEnterprises(ctx context.Context, db *store.DB, actor store.Actor, table [][]string, opt Options) (*Result, error) {
	rows, header, errs := rowsOf(EnterpriseColumns, table)
	im := &importer{ctx: ctx, db: db, opt: opt, header: header, errs: errs, areas: map[string]*directory.Area{}}
	res := &Result{Rows: len(rows), DryRun: opt.DryRun}
	toCol := map[string]string{"area_id": "area_code", "grid_id": "grid_code", "contacts": "contact_name"}
	list := make([]*directory.Enterprise, 0, len(rows))
	lines := make([]int, 0, len(rows))
	seen := map[string]int{}
	total := 2 * len(rows)
	for i, r := range rows {
		c := r.cells
		before := len(im.errs)
		e := &directory.Enterprise{USCC: c["uscc"], Name: c["name"], Industry: c["industry"], Park: c["park"], Address: c["address"],
			Status: directory.EnterpriseStatus(c["status"])}
		switch v := strings.ToLower(c["above_scale"]); {
		case yes[v]:
			e.AboveScale = true
		case !no[v]:
			im.fail(r.n, "above_scale", "import.bool", "是 or 否 (yes or no)")
		}
		if s := c["land_mu"]; s != "" {
			if v := im.float(r.n, "land_mu", s); v != nil {
				e.LandMu = *v
			}
		}
		e.Lon, e.Lat = im.float(r.n, "lon", c["lon"]), im.float(r.n, "lat", c["lat"])
		if c["contact_name"] != "" || c["contact_phone"] != "" {
			e.Contacts = []directory.Contact{{Name: c["contact_name"], Phone: c["contact_phone"]}}
		}
		e.AreaID = im.area(r.n, "area_code", c["area_code"], false)
		e.GridID = im.area(r.n, "grid_code", c["grid_code"], true)
		if c["area_code"] == "" && c["grid_code"] == "" {
			im.fail(r.n, "area_code", "enterprise.area", "give an area code or a grid code")
		}
		if len(im.errs) == before {
			if err := directory.ValidateEnterprise(e, store.CodeRules()); err != nil {
				im.failErr(r.n, err, toCol)
			} else if first, dup := seen[e.USCC]; dup {
				im.fail(r.n, "uscc", "import.duplicate_in_file", "the same code is on row "+strconv.Itoa(first))
			} else {
				seen[e.USCC] = r.n
				list, lines = append(list, e), append(lines, r.n)
			}
		}
		opt.progress(i+1, total)
	}
	if len(list) > 0 {
		codes := make([]string, len(list))
		for i, e := range list {
			codes[i] = e.USCC
		}
		have, err := db.ExistingUSCCs(ctx, codes)
		if err != nil {
			return nil, err
		}
		for i, e := range list {
			if have[e.USCC] {
				im.fail(lines[i], "uscc", "enterprise.uscc_taken", "an enterprise with this code is already recorded")
			}
		}
	}
	return im.finish(res, len(rows), func(tx *store.Tx, i int) error { return tx.CreateEnterprise(ctx, list[i]) }, lines, toCol, actor)
}

// finish writes the checked records in one transaction, or reports the errors.
func (im *importer) finish(res *Result, n int, create func(tx *store.Tx, i int) error, lines []int, toCol map[string]string, actor store.Actor) (*Result, error) {
	if len(im.errs) > 0 || im.opt.DryRun {
		res.Errors = im.errs
		if res.Errors == nil {
			res.Errors = []RowError{}
		}
		im.opt.progress(2*n, 2*n)
		return res, nil
	}
	err := im.db.Write(im.ctx, actor, func(tx *store.Tx) error {
		for i := range lines {
			if err := create(tx, i); err != nil {
				var fe *account.FieldError
				if errors.As(err, &fe) {
					im.failErr(lines[i], err, toCol)
				}
				return err
			}
			im.opt.progress(n+i+1, 2*n)
		}
		return nil
	})
	if len(im.errs) > 0 {
		res.Errors = im.errs
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.Imported, res.Errors = len(lines), []RowError{}
	return res, nil
}

// ImportComponents is ImportEnterprises for the component sheet.
func ImportComponents(ctx context.Context, db *store.DB, actor store.Actor, table [][]string, opt Options) (*Result, error) {
	rows, header, errs := rowsOf(ComponentColumns, table)
	im := &importer{ctx: ctx, db: db, opt: opt, header: header, errs: errs, areas: map[string]*directory.Area{}}
	res := &Result{Rows: len(rows), DryRun: opt.DryRun}
	toCol := map[string]string{"area_id": "area_code", "grid_id": "grid_code", "owner_department_id": "owner_department", "maintainer_department_id": "maintainer_department"}
	depts := map[string]int64{}
	dept := func(n int, field, code string) int64 {
		if code == "" {
			return 0
		}
		id, ok := depts[code]
		if !ok {
			ds, err := db.ListDepartments(ctx, store.DepartmentFilter{Scope: store.Scope{All: true}, Query: code, Limit: 50})
			if err == nil {
				for _, d := range ds {
					if d.Code == code {
						id = d.ID
					}
				}
			}
			depts[code] = id
		}
		if id == 0 {
			im.fail(n, field, "component.department_unknown", "no department with code "+code)
		}
		return id
	}
	list := make([]*directory.Component, 0, len(rows))
	lines := make([]int, 0, len(rows))
	seen := map[string]int{}
	for i, r := range rows {
		c := r.cells
		before := len(im.errs)
		comp := &directory.Component{Code: c["code"], State: directory.ComponentState(c["state"]), MajorName: c["major_name"], MinorName: c["minor_name"], Note: c["note"]}
		comp.Lon, comp.Lat = im.float(r.n, "lon", c["lon"]), im.float(r.n, "lat", c["lat"])
		comp.AreaID = im.area(r.n, "area_code", c["area_code"], false)
		comp.GridID = im.area(r.n, "grid_code", c["grid_code"], true)
		if c["area_code"] == "" && c["grid_code"] == "" {
			im.fail(r.n, "area_code", "component.area", "give an area code or a grid code")
		}
		comp.OwnerDeptID = dept(r.n, "owner_department", c["owner_department"])
		comp.MaintainerDeptID = dept(r.n, "maintainer_department", c["maintainer_department"])
		if len(im.errs) == before {
			if err := directory.ValidateComponent(comp, store.CodeRules(), store.ComponentClassNames); err != nil {
				im.failErr(r.n, err, toCol)
			} else if first, dup := seen[comp.Code]; dup {
				im.fail(r.n, "code", "import.duplicate_in_file", "the same code is on row "+strconv.Itoa(first))
			} else {
				seen[comp.Code] = r.n
				list, lines = append(list, comp), append(lines, r.n)
			}
		}
		opt.progress(i+1, 2*len(rows))
	}
	if len(list) > 0 {
		cs := make([]string, len(list))
		for i, c := range list {
			cs[i] = c.Code
		}
		have, err := db.ExistingComponentCodes(ctx, cs)
		if err != nil {
			return nil, err
		}
		for i, c := range list {
			if have[c.Code] {
				im.fail(lines[i], "code", "component.code_taken", "a component with this code is already recorded")
			}
		}
	}
	return im.finish(res, len(rows), func(tx *store.Tx, i int) error { return tx.CreateComponent(ctx, list[i]) }, lines, toCol, actor)
}

// EnterpriseRows renders enterprises for export; phones are masked unless clear.
func EnterpriseRows(es []*directory.Enterprise, areaCode func(int64) string, clear bool) [][]string {
	out := make([][]string, 0, len(es))
	for _, e := range es {
		name, phone := "", ""
		if len(e.Contacts) > 0 {
			name, phone = e.Contacts[0].Name, e.Contacts[0].Phone
			if !clear {
				phone = codes.MaskMobile(phone)
			}
		}
		scale := "否"
		if e.AboveScale {
			scale = "是"
		}
		out = append(out, []string{e.USCC, e.Name, e.Industry, scale, strconv.FormatFloat(e.LandMu, 'f', -1, 64), e.Park,
			areaCode(e.AreaID), areaCode(e.GridID), e.Address, fmtF(e.Lon), fmtF(e.Lat), name, phone, string(e.Status)})
	}
	return out
}

// ComponentRows renders components for export.
func ComponentRows(cs []*directory.Component, areaCode, deptCode func(int64) string) [][]string {
	out := make([][]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, []string{c.Code, string(c.State), areaCode(c.AreaID), areaCode(c.GridID), deptCode(c.OwnerDeptID), deptCode(c.MaintainerDeptID),
			fmtF(c.Lon), fmtF(c.Lat), c.MajorName, c.MinorName, c.Note})
	}
	return out
}

func fmtF(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}
