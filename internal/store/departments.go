package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/directory"
)

const deptCols = `d.id, COALESCE(d.parent_id, 0), d.level, d.code, d.name, d.kind, d.contact, d.phone, d.area_id, d.created_at, d.updated_at`

func scanDept(row interface{ Scan(...any) error }) (*directory.Department, error) {
	d := &directory.Department{}
	err := row.Scan(&d.ID, &d.ParentID, &d.Level, &d.Code, &d.Name, &d.Kind, &d.Contact, &d.Phone, &d.AreaID, &d.Created, &d.Updated)
	return d, classify(err)
}

func (t *Tx) deptParent(ctx context.Context, d *directory.Department) (*directory.Department, error) {
	if d.ParentID <= 0 {
		return nil, nil
	}
	p, err := scanDept(t.QueryRow(ctx, `SELECT `+deptCols+` FROM departments d WHERE d.id = ?`, d.ParentID))
	if err != nil {
		return nil, &account.FieldError{Field: "parent_id", Code: "department.parent_unknown", Detail: "no such parent department"}
	}
	return p, nil
}

// CreateDepartment stores a department (一级 without parent, 二级 under a 一级).
func (t *Tx) CreateDepartment(ctx context.Context, d *directory.Department) error {
	parent, err := t.deptParent(ctx, d)
	if err != nil {
		return err
	}
	if err := directory.ValidateDepartment(d, parent); err != nil {
		return err
	}
	var none int64
	if _, err := t.placement(ctx, &d.AreaID, &none); err != nil {
		return err
	}
	d.ID, err = t.InsertID(ctx, `INSERT INTO departments (parent_id, level, code, name, kind, contact, phone, area_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullID(d.ParentID), d.Level, d.Code, d.Name, d.Kind, d.Contact, d.Phone, d.AreaID, t.Now, t.Now)
	if err != nil {
		return unique(err, "code", "department.code_taken", "a department with code "+d.Code+" exists")
	}
	d.Created, d.Updated = t.Now, t.Now
	return t.Audit(ctx, Change{Action: "department.create", Object: "department", ObjectID: d.ID, After: d, Detail: d.Code + " " + d.Name})
}

// UpdateDepartment changes a department. A department with sections cannot
// become a section itself.
func (t *Tx) UpdateDepartment(ctx context.Context, d *directory.Department) error {
	before, err := scanDept(t.QueryRow(ctx, `SELECT `+deptCols+` FROM departments d WHERE d.id = ?`+t.Dialect().ForUpdate(), d.ID))
	if err != nil {
		return err
	}
	parent, err := t.deptParent(ctx, d)
	if err != nil {
		return err
	}
	if err := directory.ValidateDepartment(d, parent); err != nil {
		return err
	}
	if parent != nil {
		var n int
		if err := t.QueryRow(ctx, `SELECT COUNT(*) FROM departments WHERE parent_id = ?`, d.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &account.FieldError{Field: "parent_id", Code: "department.has_sections", Detail: "a department with sections cannot move under another"}
		}
	}
	var none int64
	if _, err := t.placement(ctx, &d.AreaID, &none); err != nil {
		return err
	}
	_, err = t.Exec(ctx, `UPDATE departments SET parent_id = ?, level = ?, code = ?, name = ?, kind = ?, contact = ?, phone = ?, area_id = ?, updated_at = ? WHERE id = ?`,
		nullID(d.ParentID), d.Level, d.Code, d.Name, d.Kind, d.Contact, d.Phone, d.AreaID, t.Now, d.ID)
	if err != nil {
		return unique(err, "code", "department.code_taken", "a department with code "+d.Code+" exists")
	}
	d.Created, d.Updated = before.Created, t.Now
	return t.Audit(ctx, Change{Action: "department.update", Object: "department", ObjectID: d.ID, Before: before, After: d, Detail: d.Code + " " + d.Name})
}

// DeleteDepartment removes a department that has no sections, no members,
// no ownership rules and owns or maintains no component.
func (t *Tx) DeleteDepartment(ctx context.Context, id int64) error {
	before, err := scanDept(t.QueryRow(ctx, `SELECT `+deptCols+` FROM departments d WHERE d.id = ?`+t.Dialect().ForUpdate(), id))
	if err != nil {
		return err
	}
	for _, q := range []string{
		`SELECT COUNT(*) FROM departments WHERE parent_id = ?`,
		`SELECT COUNT(*) FROM category_owners WHERE department_id = ?`,
		`SELECT COUNT(*) FROM user_departments WHERE department_id = ?`,
		`SELECT COUNT(*) FROM components WHERE owner_dept_id = ? OR maintainer_dept_id = ?`,
	} {
		args := []any{id}
		if strings.Count(q, "?") == 2 {
			args = append(args, id)
		}
		var n int
		if err := t.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: the department still has sections, members, ownership rules or components", ErrConflict)
		}
	}
	if _, err := t.Exec(ctx, `DELETE FROM departments WHERE id = ?`, id); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "department.delete", Object: "department", ObjectID: id, Before: before, Detail: before.Code + " " + before.Name})
}

// DepartmentFilter selects departments.
type DepartmentFilter struct {
	Scope    Scope
	Query    string // part of name or code
	Kind     string
	ParentID int64
	After    int64
	Limit    int
}

// ListDepartments returns departments in id order after the cursor.
func (db *DB) ListDepartments(ctx context.Context, f DepartmentFilter) ([]*directory.Department, error) {
	var q strings.Builder
	q.WriteString(`SELECT ` + deptCols + ` FROM departments d JOIN areas ar ON ar.id = d.area_id WHERE d.id > ?`)
	args := []any{f.After}
	if !f.Scope.where(&q, &args) {
		return []*directory.Department{}, nil
	}
	if f.Query != "" {
		q.WriteString(` AND (d.name LIKE ? OR d.code LIKE ?)`)
		like := "%" + f.Query + "%"
		args = append(args, like, like)
	}
	if f.Kind != "" {
		q.WriteString(` AND d.kind = ?`)
		args = append(args, f.Kind)
	}
	if f.ParentID > 0 {
		q.WriteString(` AND d.parent_id = ?`)
		args = append(args, f.ParentID)
	}
	q.WriteString(` ORDER BY d.id LIMIT ?`)
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*directory.Department{}
	for rows.Next() {
		d, err := scanDept(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Department returns one department when it lies in the scope.
func (db *DB) Department(ctx context.Context, id int64, s Scope) (*directory.Department, error) {
	ds, err := db.ListDepartments(ctx, DepartmentFilter{Scope: s, After: id - 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 || ds[0].ID != id {
		return nil, ErrNotFound
	}
	return ds[0], nil
}

// SetOwnership adds or replaces the rule for (area, category).
func (t *Tx) SetOwnership(ctx context.Context, r *directory.OwnershipRule) error {
	if err := directory.ValidateOwnership(r, KnownCategory); err != nil {
		return err
	}
	var none int64
	if _, err := t.placement(ctx, &r.AreaID, &none); err != nil {
		return err
	}
	var one int
	if err := t.QueryRow(ctx, `SELECT 1 FROM departments WHERE id = ?`, r.DepartmentID).Scan(&one); err != nil {
		return &account.FieldError{Field: "department_id", Code: "ownership.department_unknown", Detail: "no such department"}
	}
	var oldID, oldDept int64
	err := t.QueryRow(ctx, `SELECT id, department_id FROM category_owners WHERE area_id = ? AND category = ?`, r.AreaID, r.Category).Scan(&oldID, &oldDept)
	switch {
	case err == nil:
		if _, err := t.Exec(ctx, `UPDATE category_owners SET department_id = ?, created_at = ? WHERE id = ?`, r.DepartmentID, t.Now, oldID); err != nil {
			return err
		}
		r.ID, r.Created = oldID, t.Now
		return t.Audit(ctx, Change{Action: "ownership.update", Object: "ownership", ObjectID: r.ID, Before: oldDept, After: r, Detail: r.Category})
	case errors.Is(classify(err), ErrNotFound):
		r.ID, err = t.InsertID(ctx, `INSERT INTO category_owners (area_id, category, department_id, created_at) VALUES (?, ?, ?, ?)`, r.AreaID, r.Category, r.DepartmentID, t.Now)
		if err != nil {
			return err
		}
		r.Created = t.Now
		return t.Audit(ctx, Change{Action: "ownership.create", Object: "ownership", ObjectID: r.ID, After: r, Detail: r.Category})
	default:
		return err
	}
}

// DeleteOwnership removes a rule.
func (t *Tx) DeleteOwnership(ctx context.Context, id int64) error {
	res, err := t.Exec(ctx, `DELETE FROM category_owners WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return t.Audit(ctx, Change{Action: "ownership.delete", Object: "ownership", ObjectID: id, Detail: "rule removed"})
}

// OwnershipFilter selects rules.
type OwnershipFilter struct {
	Scope        Scope
	DepartmentID int64
	AreaID       int64
	After        int64
	Limit        int
}

// ListOwnership returns ownership rules whose area lies in the scope.
func (db *DB) ListOwnership(ctx context.Context, f OwnershipFilter) ([]*directory.OwnershipRule, error) {
	var q strings.Builder
	q.WriteString(`SELECT o.id, o.area_id, o.category, o.department_id, o.created_at FROM category_owners o JOIN areas ar ON ar.id = o.area_id WHERE o.id > ?`)
	args := []any{f.After}
	if !f.Scope.where(&q, &args) {
		return []*directory.OwnershipRule{}, nil
	}
	if f.DepartmentID > 0 {
		q.WriteString(` AND o.department_id = ?`)
		args = append(args, f.DepartmentID)
	}
	if f.AreaID > 0 {
		q.WriteString(` AND o.area_id = ?`)
		args = append(args, f.AreaID)
	}
	q.WriteString(` ORDER BY o.id LIMIT ?`)
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*directory.OwnershipRule{}
	for rows.Next() {
		r := &directory.OwnershipRule{}
		if err := rows.Scan(&r.ID, &r.AreaID, &r.Category, &r.DepartmentID, &r.Created); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// OwningDepartment answers "which department owns category code at this
// place": among the rules on the areas of areaPath (the area and its
// ancestors), the rule on the DEEPEST area wins; on that area the most
// specific category wins: the 小类 code (C0101) before its 大类 prefix (C01)
// before the catch-all "*". ErrNotFound when no rule applies. Work-order
// dispatch calls it with the path of the case's grid.
func (db *DB) OwningDepartment(ctx context.Context, areaPath string, categoryCode string) (int64, error) {
	ids := directory.AncestorIDs(areaPath)
	if len(ids) == 0 {
		return 0, ErrNotFound
	}
	cats := []any{categoryCode, directory.CategoryAny}
	if len(categoryCode) == 5 {
		cats = append(cats, categoryCode[:3])
	}
	q := `SELECT id, area_id, category, department_id FROM category_owners WHERE area_id IN (?` + strings.Repeat(`, ?`, len(ids)-1) + `) AND category IN (?` + strings.Repeat(`, ?`, len(cats)-1) + `)`
	args := make([]any, 0, len(ids)+len(cats))
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, cats...)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var rules []directory.OwnershipRule
	for rows.Next() {
		var r directory.OwnershipRule
		if err := rows.Scan(&r.ID, &r.AreaID, &r.Category, &r.DepartmentID); err != nil {
			return 0, err
		}
		rules = append(rules, r)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	i := directory.PickOwner(areaPath, categoryCode, rules)
	if i < 0 {
		return 0, ErrNotFound
	}
	return rules[i].DepartmentID, nil
}
