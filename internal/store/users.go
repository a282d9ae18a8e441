package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"towngrid/internal/account"
)

// userView is what the audit digest of a user covers: never the password hash.
type userView struct {
	Username, DisplayName, Lang string
	Disabled                    bool
	Roles                       []account.Role
	Scopes                      []int64
}

func viewOf(u *account.User) userView {
	return userView{u.Username, u.DisplayName, u.Lang, u.Disabled, u.Roles, u.ScopeAreaIDs}
}

// CreateUser stores a new account with its roles and scopes.
func (t *Tx) CreateUser(ctx context.Context, u *account.User, passwordHash string) error {
	if err := account.ValidateUser(u); err != nil {
		return err
	}
	id, err := t.InsertID(ctx, `INSERT INTO users (username, display_name, password_hash, lang, email, phone, disabled, must_change_password, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.Username, u.DisplayName, passwordHash, u.Lang, u.Email, u.Phone, u.Disabled, u.MustChangePassword, t.Now, t.Now)
	if err != nil {
		if errors.Is(err, ErrConflict) {
			return &account.FieldError{Field: "username", Code: "user.username_taken", Detail: "username " + u.Username + " is taken"}
		}
		return err
	}
	u.ID, u.CreatedAt, u.UpdatedAt = id, t.Now, t.Now
	if err := t.setRolesScopes(ctx, u); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "user.create", Object: "user", ObjectID: u.ID, After: viewOf(u), Detail: u.Username})
}

func (t *Tx) setRolesScopes(ctx context.Context, u *account.User) error {
	if _, err := t.Exec(ctx, `DELETE FROM user_roles WHERE user_id = ?`, u.ID); err != nil {
		return err
	}
	for _, r := range u.Roles {
		if _, err := t.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, u.ID, string(r)); err != nil {
			return err
		}
	}
	if _, err := t.Exec(ctx, `DELETE FROM user_scopes WHERE user_id = ?`, u.ID); err != nil {
		return err
	}
	for _, a := range u.ScopeAreaIDs {
		var one int
		if err := t.QueryRow(ctx, `SELECT 1 FROM areas WHERE id = ?`, a).Scan(&one); err != nil {
			return &account.FieldError{Field: "scope_area_ids", Code: "user.scope_unknown", Detail: fmt.Sprintf("no area %d", a)}
		}
		if _, err := t.Exec(ctx, `INSERT INTO user_scopes (user_id, area_id) VALUES (?, ?)`, u.ID, a); err != nil {
			return err
		}
	}
	return nil
}

// UpdateUser changes an account's profile, roles, scopes and disabled flag.
func (t *Tx) UpdateUser(ctx context.Context, u *account.User) error {
	if err := account.ValidateUser(u); err != nil {
		return err
	}
	before, err := t.db.userByID(ctx, t.QueryRow, u.ID)
	if err != nil {
		return err
	}
	if _, err := t.Exec(ctx, `UPDATE users SET display_name = ?, lang = ?, email = ?, phone = ?, disabled = ?, updated_at = ? WHERE id = ?`,
		u.DisplayName, u.Lang, u.Email, u.Phone, u.Disabled, t.Now, u.ID); err != nil {
		return err
	}
	if err := t.setRolesScopes(ctx, u); err != nil {
		return err
	}
	if u.Disabled {
		if _, err := t.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
	}
	u.Username, u.CreatedAt, u.UpdatedAt = before.Username, before.CreatedAt, t.Now
	return t.Audit(ctx, Change{Action: "user.update", Object: "user", ObjectID: u.ID, Before: viewOf(before), After: viewOf(u), Detail: u.Username})
}

// SetPassword replaces a password hash and ends the user's sessions.
func (t *Tx) SetPassword(ctx context.Context, userID int64, hash string, mustChange bool) error {
	res, err := t.Exec(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?`, hash, mustChange, t.Now, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if _, err := t.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "user.password", Object: "user", ObjectID: userID, Detail: "password changed"})
}

type rowFn func(ctx context.Context, q string, args ...any) *sql.Row

const userCols = `id, username, display_name, lang, email, phone, disabled, must_change_password, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (*account.User, error) {
	u := &account.User{}
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Lang, &u.Email, &u.Phone, &u.Disabled, &u.MustChangePassword, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return u, err
}

func (db *DB) userByID(ctx context.Context, qr rowFn, id int64) (*account.User, error) {
	u, err := scanUser(qr(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	return u, db.fillRolesScopes(ctx, u)
}

func (db *DB) fillRolesScopes(ctx context.Context, u *account.User) error {
	rows, err := db.Query(ctx, `SELECT role FROM user_roles WHERE user_id = ? ORDER BY role`, u.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return err
		}
		u.Roles = append(u.Roles, account.Role(r))
	}
	rows.Close()
	rows, err = db.Query(ctx, `SELECT area_id FROM user_scopes WHERE user_id = ? ORDER BY area_id`, u.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	u.ScopeAreaIDs = []int64{}
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			return err
		}
		u.ScopeAreaIDs = append(u.ScopeAreaIDs, a)
	}
	return rows.Err()
}

// User returns one account.
func (db *DB) User(ctx context.Context, id int64) (*account.User, error) {
	return db.userByID(ctx, db.QueryRow, id)
}

// UserByUsername returns an account and its password hash.
func (db *DB) UserByUsername(ctx context.Context, username string) (*account.User, string, error) {
	var hash string
	u := &account.User{}
	err := db.QueryRow(ctx, `SELECT `+userCols+`, password_hash FROM users WHERE username = ?`, strings.TrimSpace(username)).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Lang, &u.Email, &u.Phone, &u.Disabled, &u.MustChangePassword, &u.CreatedAt, &u.UpdatedAt, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	return u, hash, db.fillRolesScopes(ctx, u)
}

// UserFilter selects accounts for a list.
type UserFilter struct {
	Query string // part of username or display name
	Role  account.Role
	After int64 // cursor: ids above this
	Limit int
}

// ListUsers returns accounts in id order after the cursor.
func (db *DB) ListUsers(ctx context.Context, f UserFilter) ([]*account.User, error) {
	q := `SELECT ` + userCols + ` FROM users WHERE id > ?`
	args := []any{f.After}
	if f.Query != "" {
		q += ` AND (username LIKE ? OR display_name LIKE ?)`
		like := "%" + f.Query + "%"
		args = append(args, like, like)
	}
	if f.Role != "" {
		q += ` AND id IN (SELECT user_id FROM user_roles WHERE role = ?)`
		args = append(args, string(f.Role))
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []*account.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
	}
	rows.Close()
	for _, u := range out {
		if err := db.fillRolesScopes(ctx, u); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// CountUsers counts accounts (used only when a caller asks for a total).
func (db *DB) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// Principal builds the request principal of a user: roles and scope paths.
func (db *DB) Principal(ctx context.Context, u *account.User) (*account.Principal, error) {
	p := &account.Principal{UserID: u.ID, Username: u.Username, Name: u.DisplayName, Lang: u.Lang, Roles: u.Roles}
	rows, err := db.Query(ctx, `SELECT a.path FROM user_scopes s JOIN areas a ON a.id = s.area_id WHERE s.user_id = ?`, u.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var path string
		if err := rows.Scan(&path); err != nil {
			return nil, err
		}
		p.Scopes = append(p.Scopes, path)
	}
	return p, rows.Err()
}

// QueryRowUser checks inside a transaction that an account exists.
func (t *Tx) QueryRowUser(ctx context.Context, id int64) (int64, error) {
	var got int64
	err := t.QueryRow(ctx, `SELECT id FROM users WHERE id = ?`, id).Scan(&got)
	return got, classify(err)
}
