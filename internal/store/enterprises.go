package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"slices"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/directory"
)

const entCols = `e.id, e.uscc, e.name, e.industry, e.above_scale, e.land_mu_e4, e.park, e.area_id, COALESCE(e.grid_id, 0), e.address, e.lon, e.lat, e.contacts, e.status, COALESCE(e.user_id, 0), e.created_at, e.updated_at`

func scanEnterprise(row interface{ Scan(...any) error }) (*directory.Enterprise, error) {
	e := &directory.Enterprise{}
	var mu int64
	var lon, lat sql.NullFloat64
	var contacts, status string
	err := row.Scan(&e.ID, &e.USCC, &e.Name, &e.Industry, &e.AboveScale, &mu, &e.Park, &e.AreaID, &e.GridID, &e.Address, &lon, &lat, &contacts, &status, &e.UserID, &e.Created, &e.Updated)
	if err != nil {
		return nil, classify(err)
	}
	e.LandMu, e.Lon, e.Lat, e.Status = float64(mu)/1e4, floatPtr(lon), floatPtr(lat), directory.EnterpriseStatus(status)
	if err := json.Unmarshal([]byte(contacts), &e.Contacts); err != nil || e.Contacts == nil {
		e.Contacts = []directory.Contact{}
	}
	return e, nil
}

func (t *Tx) checkEnterprise(ctx context.Context, e *directory.Enterprise) error {
	if err := directory.ValidateEnterprise(e, codeRules); err != nil {
		return err
	}
	if _, err := t.placement(ctx, &e.AreaID, &e.GridID); err != nil {
		return err
	}
	if e.UserID > 0 {
		var n int
		if err := t.QueryRow(ctx, `SELECT COUNT(*) FROM user_roles WHERE user_id = ? AND role = ?`, e.UserID, string(account.Enterprise)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return &account.FieldError{Field: "user_id", Code: "enterprise.user_role", Detail: "the login account must exist and hold the enterprise role"}
		}
	}
	return nil
}

func enterpriseArgs(e *directory.Enterprise) []any {
	contacts, _ := json.Marshal(e.Contacts)
	return []any{e.USCC, e.Name, e.Industry, e.AboveScale, int64(math.Round(e.LandMu * 1e4)), e.Park, e.AreaID, nullID(e.GridID), e.Address,
		nullFloat(e.Lon), nullFloat(e.Lat), string(contacts), string(e.Status), nullID(e.UserID)}
}

// enterpriseView is the audit digest: the contact phones are personal data,
// so the digest covers the record without them.
type enterpriseView struct {
	USCC, Name, Industry, Park, Status string
	AboveScale                         bool
	LandMu                             float64
	AreaID, GridID, UserID             int64
	Contacts                           int
}

func entView(e *directory.Enterprise) enterpriseView {
	return enterpriseView{e.USCC, e.Name, e.Industry, e.Park, string(e.Status), e.AboveScale, e.LandMu, e.AreaID, e.GridID, e.UserID, len(e.Contacts)}
}

// CreateEnterprise stores an enterprise; its USCC is unique.
func (t *Tx) CreateEnterprise(ctx context.Context, e *directory.Enterprise) error {
	if err := t.checkEnterprise(ctx, e); err != nil {
		return err
	}
	id, err := t.InsertID(ctx, `INSERT INTO enterprises (uscc, name, industry, above_scale, land_mu_e4, park, area_id, grid_id, address, lon, lat, contacts, status, user_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(enterpriseArgs(e), t.Now, t.Now)...)
	if err != nil {
		return unique(err, "uscc", "enterprise.uscc_taken", "an enterprise with this unified social credit code exists")
	}
	e.ID, e.Created, e.Updated = id, t.Now, t.Now
	return t.Audit(ctx, Change{Action: "enterprise.create", Object: "enterprise", ObjectID: id, After: entView(e), Detail: e.USCC})
}

// UpdateEnterprise replaces an enterprise's fields.
func (t *Tx) UpdateEnterprise(ctx context.Context, e *directory.Enterprise) error {
	before, err := scanEnterprise(t.QueryRow(ctx, `SELECT `+entCols+` FROM enterprises e WHERE e.id = ?`+t.Dialect().ForUpdate(), e.ID))
	if err != nil {
		return err
	}
	if err := t.checkEnterprise(ctx, e); err != nil {
		return err
	}
	_, err = t.Exec(ctx, `UPDATE enterprises SET uscc = ?, name = ?, industry = ?, above_scale = ?, land_mu_e4 = ?, park = ?, area_id = ?, grid_id = ?, address = ?, lon = ?, lat = ?, contacts = ?, status = ?, user_id = ?, updated_at = ? WHERE id = ?`,
		append(enterpriseArgs(e), t.Now, e.ID)...)
	if err != nil {
		return unique(err, "uscc", "enterprise.uscc_taken", "an enterprise with this unified social credit code exists")
	}
	e.Created, e.Updated = before.Created, t.Now
	return t.Audit(ctx, Change{Action: "enterprise.update", Object: "enterprise", ObjectID: e.ID, Before: entView(before), After: entView(e), Detail: e.USCC})
}

// DeleteEnterprise removes an enterprise.
func (t *Tx) DeleteEnterprise(ctx context.Context, id int64) error {
	before, err := scanEnterprise(t.QueryRow(ctx, `SELECT `+entCols+` FROM enterprises e WHERE e.id = ?`, id))
	if err != nil {
		return err
	}
	if _, err := t.Exec(ctx, `DELETE FROM enterprises WHERE id = ?`, id); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "enterprise.delete", Object: "enterprise", ObjectID: id, Before: entView(before), Detail: before.USCC})
}

// EnterpriseFilter selects enterprises.
type EnterpriseFilter struct {
	Scope      Scope
	Query      string // part of the name, or the start of the USCC
	Industry   string // GB/T 4754 prefix: C matches every manufacturer, C33 its division
	Park       string
	Status     directory.EnterpriseStatus
	AboveScale *bool
	AreaPath   string // this area and below
	GridID     int64
	USCCs      []string // exactly these codes (import checks)
	After      int64
	Limit      int
}

// ListEnterprises returns enterprises in id order after the cursor.
func (db *DB) ListEnterprises(ctx context.Context, f EnterpriseFilter) ([]*directory.Enterprise, error) {
	var q strings.Builder
	q.WriteString(`SELECT ` + entCols + ` FROM enterprises e JOIN areas ar ON ar.id = e.area_id WHERE e.id > ?`)
	args := []any{f.After}
	if !f.Scope.where(&q, &args) {
		return []*directory.Enterprise{}, nil
	}
	if f.Query != "" {
		q.WriteString(` AND (e.name LIKE ? OR e.uscc LIKE ?)`)
		args = append(args, "%"+f.Query+"%", strings.ToUpper(f.Query)+"%")
	}
	if f.Industry != "" {
		q.WriteString(` AND e.industry LIKE ?`)
		args = append(args, strings.ToUpper(f.Industry)+"%")
	}
	if f.Park != "" {
		q.WriteString(` AND e.park = ?`)
		args = append(args, f.Park)
	}
	if f.Status != "" {
		q.WriteString(` AND e.status = ?`)
		args = append(args, string(f.Status))
	}
	if f.AboveScale != nil {
		q.WriteString(` AND e.above_scale = ?`)
		args = append(args, *f.AboveScale)
	}
	if f.AreaPath != "" {
		subtree(&q, &args, f.AreaPath)
	}
	if f.GridID > 0 {
		q.WriteString(` AND e.grid_id = ?`)
		args = append(args, f.GridID)
	}
	if len(f.USCCs) > 0 {
		q.WriteString(` AND e.uscc IN (?` + strings.Repeat(`, ?`, len(f.USCCs)-1) + `)`)
		for _, u := range f.USCCs {
			args = append(args, u)
		}
	}
	q.WriteString(` ORDER BY e.id LIMIT ?`)
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*directory.Enterprise{}
	for rows.Next() {
		e, err := scanEnterprise(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Enterprise returns one enterprise when it lies in the scope.
func (db *DB) Enterprise(ctx context.Context, id int64, s Scope) (*directory.Enterprise, error) {
	es, err := db.ListEnterprises(ctx, EnterpriseFilter{Scope: s, After: id - 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(es) == 0 || es[0].ID != id {
		return nil, ErrNotFound
	}
	return es[0], nil
}

// ExistingUSCCs returns which of codes are already stored (any scope).
func (db *DB) ExistingUSCCs(ctx context.Context, codes []string) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range slices.Chunk(codes, 500) {
		es, err := db.ListEnterprises(ctx, EnterpriseFilter{Scope: Scope{All: true}, USCCs: chunk, Limit: len(chunk)})
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			out[e.USCC] = true
		}
	}
	return out, nil
}
