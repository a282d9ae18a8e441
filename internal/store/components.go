package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/directory"
)

const compCols = `c.id, c.code, c.category, c.major_name, c.minor_name, COALESCE(c.owner_dept_id, 0), COALESCE(c.maintainer_dept_id, 0), c.state, c.area_id, COALESCE(c.grid_id, 0), c.lon, c.lat, c.note, c.created_at, c.updated_at`

func scanComponent(row interface{ Scan(...any) error }) (*directory.Component, error) {
	c := &directory.Component{}
	var lon, lat sql.NullFloat64
	var state string
	err := row.Scan(&c.ID, &c.Code, &c.Category, &c.MajorName, &c.MinorName, &c.OwnerDeptID, &c.MaintainerDeptID, &state, &c.AreaID, &c.GridID, &lon, &lat, &c.Note, &c.Created, &c.Updated)
	if err != nil {
		return nil, classify(err)
	}
	c.State, c.Lon, c.Lat = directory.ComponentState(state), floatPtr(lon), floatPtr(lat)
	return c, nil
}

func (t *Tx) checkComponent(ctx context.Context, c *directory.Component) error {
	if err := directory.ValidateComponent(c, codeRules, ComponentClassNames); err != nil {
		return err
	}
	if _, err := t.placement(ctx, &c.AreaID, &c.GridID); err != nil {
		return err
	}
	for _, d := range []struct {
		field string
		id    int64
	}{{"owner_department_id", c.OwnerDeptID}, {"maintainer_department_id", c.MaintainerDeptID}} {
		if d.id <= 0 {
			continue
		}
		var one int
		if err := t.QueryRow(ctx, `SELECT 1 FROM departments WHERE id = ?`, d.id).Scan(&one); err != nil {
			return &account.FieldError{Field: d.field, Code: "component.department_unknown", Detail: "no such department"}
		}
	}
	return nil
}

func componentArgs(c *directory.Component) []any {
	return []any{c.Code, c.Category, c.MajorName, c.MinorName, nullID(c.OwnerDeptID), nullID(c.MaintainerDeptID), string(c.State), c.AreaID, nullID(c.GridID), nullFloat(c.Lon), nullFloat(c.Lat), c.Note}
}

// CreateComponent stores a component; its 16-digit code is unique.
func (t *Tx) CreateComponent(ctx context.Context, c *directory.Component) error {
	if err := t.checkComponent(ctx, c); err != nil {
		return err
	}
	id, err := t.InsertID(ctx, `INSERT INTO components (code, category, major_name, minor_name, owner_dept_id, maintainer_dept_id, state, area_id, grid_id, lon, lat, note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(componentArgs(c), t.Now, t.Now)...)
	if err != nil {
		return unique(err, "code", "component.code_taken", "a component with code "+c.Code+" exists")
	}
	c.ID, c.Created, c.Updated = id, t.Now, t.Now
	return t.Audit(ctx, Change{Action: "component.create", Object: "component", ObjectID: id, After: c, Detail: c.Code})
}

// UpdateComponent replaces a component's fields.
func (t *Tx) UpdateComponent(ctx context.Context, c *directory.Component) error {
	before, err := scanComponent(t.QueryRow(ctx, `SELECT `+compCols+` FROM components c WHERE c.id = ?`+t.Dialect().ForUpdate(), c.ID))
	if err != nil {
		return err
	}
	if err := t.checkComponent(ctx, c); err != nil {
		return err
	}
	_, err = t.Exec(ctx, `UPDATE components SET code = ?, category = ?, major_name = ?, minor_name = ?, owner_dept_id = ?, maintainer_dept_id = ?, state = ?, area_id = ?, grid_id = ?, lon = ?, lat = ?, note = ?, updated_at = ? WHERE id = ?`,
		append(componentArgs(c), t.Now, c.ID)...)
	if err != nil {
		return unique(err, "code", "component.code_taken", "a component with code "+c.Code+" exists")
	}
	c.Created, c.Updated = before.Created, t.Now
	return t.Audit(ctx, Change{Action: "component.update", Object: "component", ObjectID: c.ID, Before: before, After: c, Detail: c.Code})
}

// DeleteComponent removes a component.
func (t *Tx) DeleteComponent(ctx context.Context, id int64) error {
	before, err := scanComponent(t.QueryRow(ctx, `SELECT `+compCols+` FROM components c WHERE c.id = ?`, id))
	if err != nil {
		return err
	}
	if _, err := t.Exec(ctx, `DELETE FROM components WHERE id = ?`, id); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "component.delete", Object: "component", ObjectID: id, Before: before, Detail: before.Code})
}

// ComponentFilter selects components.
type ComponentFilter struct {
	Scope    Scope
	Query    string // start of the code, or part of a class name
	Class    string // C0101 (小类) or C01 (大类)
	State    directory.ComponentState
	GridID   int64
	AreaPath string
	Codes    []string
	After    int64
	Limit    int
}

// ListComponents returns components in id order after the cursor.
func (db *DB) ListComponents(ctx context.Context, f ComponentFilter) ([]*directory.Component, error) {
	var q strings.Builder
	q.WriteString(`SELECT ` + compCols + ` FROM components c JOIN areas ar ON ar.id = c.area_id WHERE c.id > ?`)
	args := []any{f.After}
	if !f.Scope.where(&q, &args) {
		return []*directory.Component{}, nil
	}
	if f.Query != "" {
		q.WriteString(` AND (c.code LIKE ? OR c.minor_name LIKE ? OR c.major_name LIKE ?)`)
		args = append(args, f.Query+"%", "%"+f.Query+"%", "%"+f.Query+"%")
	}
	if f.Class != "" {
		q.WriteString(` AND c.category LIKE ?`)
		args = append(args, strings.ToUpper(f.Class)+"%")
	}
	if f.State != "" {
		q.WriteString(` AND c.state = ?`)
		args = append(args, string(f.State))
	}
	if f.GridID > 0 {
		q.WriteString(` AND c.grid_id = ?`)
		args = append(args, f.GridID)
	}
	if f.AreaPath != "" {
		subtree(&q, &args, f.AreaPath)
	}
	if len(f.Codes) > 0 {
		q.WriteString(` AND c.code IN (?` + strings.Repeat(`, ?`, len(f.Codes)-1) + `)`)
		for _, c := range f.Codes {
			args = append(args, c)
		}
	}
	q.WriteString(` ORDER BY c.id LIMIT ?`)
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*directory.Component{}
	for rows.Next() {
		c, err := scanComponent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Component returns one component when it lies in the scope.
func (db *DB) Component(ctx context.Context, id int64, s Scope) (*directory.Component, error) {
	cs, err := db.ListComponents(ctx, ComponentFilter{Scope: s, After: id - 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 || cs[0].ID != id {
		return nil, ErrNotFound
	}
	return cs[0], nil
}

// ExistingComponentCodes returns which of codes are already stored.
func (db *DB) ExistingComponentCodes(ctx context.Context, codes []string) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range slices.Chunk(codes, 500) {
		cs, err := db.ListComponents(ctx, ComponentFilter{Scope: Scope{All: true}, Codes: chunk, Limit: len(chunk)})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[c.Code] = true
		}
	}
	return out, nil
}
