package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/directory"
)

// Membership is an account's place in a department.
type Membership struct {
	DepartmentID int64  `json:"department_id"`
	Post         string `json:"post"` // 岗位, e.g. 科长, 处置员
}

// Person is an account seen from the directory: its departments and, for a
// grid worker, the grids they are responsible for (责任网格). Responsibility
// is separate from user_scopes, which only says what an account may see.
type Person struct {
	UserID      int64        `json:"user_id"`
	Username    string       `json:"username"`
	DisplayName string       `json:"display_name"`
	Departments []Membership `json:"departments"`
	GridIDs     []int64      `json:"grid_ids"`
}

type personView struct {
	Departments []Membership
	GridIDs     []int64
}

// SetPerson replaces an account's department memberships and responsibility grids.
func (t *Tx) SetPerson(ctx context.Context, p *Person) error {
	if _, err := t.QueryRowUser(ctx, p.UserID); err != nil {
		return err
	}
	before, err := t.db.person(ctx, p.UserID)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for i := range p.Departments {
		m := &p.Departments[i]
		m.Post = strings.TrimSpace(m.Post)
		if seen[m.DepartmentID] {
			return &account.FieldError{Field: "departments", Code: "person.department_duplicate", Detail: fmt.Sprintf("department %d given twice", m.DepartmentID)}
		}
		seen[m.DepartmentID] = true
		if len([]rune(m.Post)) > 32 {
			return &account.FieldError{Field: "departments", Code: "person.post", Detail: "a post has at most 32 characters"}
		}
		var one int
		if err := t.QueryRow(ctx, `SELECT 1 FROM departments WHERE id = ?`, m.DepartmentID).Scan(&one); err != nil {
			return &account.FieldError{Field: "departments", Code: "person.department_unknown", Detail: fmt.Sprintf("no department %d", m.DepartmentID)}
		}
	}
	slices.Sort(p.GridIDs)
	p.GridIDs = slices.Compact(p.GridIDs)
	for _, g := range p.GridIDs {
		var level string
		if err := t.QueryRow(ctx, `SELECT level FROM areas WHERE id = ?`, g).Scan(&level); err != nil {
			return &account.FieldError{Field: "grid_ids", Code: "person.grid_unknown", Detail: fmt.Sprintf("no area %d", g)}
		}
		if directory.Level(level) != directory.Grid {
			return &account.FieldError{Field: "grid_ids", Code: "person.grid_level", Detail: fmt.Sprintf("area %d is not a unit grid", g)}
		}
	}
	if _, err := t.Exec(ctx, `DELETE FROM user_departments WHERE user_id = ?`, p.UserID); err != nil {
		return err
	}
	for _, m := range p.Departments {
		if _, err := t.Exec(ctx, `INSERT INTO user_departments (user_id, department_id, post) VALUES (?, ?, ?)`, p.UserID, m.DepartmentID, m.Post); err != nil {
			return err
		}
	}
	if _, err := t.Exec(ctx, `DELETE FROM user_grids WHERE user_id = ?`, p.UserID); err != nil {
		return err
	}
	for _, g := range p.GridIDs {
		if _, err := t.Exec(ctx, `INSERT INTO user_grids (user_id, grid_id) VALUES (?, ?)`, p.UserID, g); err != nil {
			return err
		}
	}
	return t.Audit(ctx, Change{Action: "person.update", Object: "user", ObjectID: p.UserID,
		Before: personView{before.Departments, before.GridIDs}, After: personView{p.Departments, p.GridIDs}, Detail: "departments and grids"})
}

// Person returns an account's departments and responsibility grids.
func (db *DB) Person(ctx context.Context, userID int64) (*Person, error) {
	u, err := db.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	p, err := db.person(ctx, userID)
	if err != nil {
		return nil, err
	}
	p.Username, p.DisplayName = u.Username, u.DisplayName
	return p, nil
}

func (db *DB) person(ctx context.Context, userID int64) (*Person, error) {
	p := &Person{UserID: userID, Departments: []Membership{}, GridIDs: []int64{}}
	rows, err := db.Query(ctx, `SELECT department_id, post FROM user_departments WHERE user_id = ? ORDER BY department_id`, userID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.DepartmentID, &m.Post); err != nil {
			rows.Close()
			return nil, err
		}
		p.Departments = append(p.Departments, m)
	}
	rows.Close()
	rows, err = db.Query(ctx, `SELECT grid_id FROM user_grids WHERE user_id = ? ORDER BY grid_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var g int64
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		p.GridIDs = append(p.GridIDs, g)
	}
	return p, rows.Err()
}

// GridWorkers returns the ids of the enabled accounts responsible for a grid
// (who must verify and check there), in id order.
func (db *DB) GridWorkers(ctx context.Context, gridID int64) ([]int64, error) {
	return db.ids(ctx, `SELECT g.user_id FROM user_grids g JOIN users u ON u.id = g.user_id WHERE g.grid_id = ? AND u.disabled = FALSE ORDER BY g.user_id`, gridID)
}

// DepartmentMembers returns the ids of the enabled accounts of a department.
func (db *DB) DepartmentMembers(ctx context.Context, deptID int64) ([]int64, error) {
	return db.ids(ctx, `SELECT m.user_id FROM user_departments m JOIN users u ON u.id = m.user_id WHERE m.department_id = ? AND u.disabled = FALSE ORDER BY m.user_id`, deptID)
}

func (db *DB) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
