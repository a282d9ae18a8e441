package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
)

// Open311Request is what a resident's request carries beyond its work order:
// the tracking token, the service code and attribute answers, the address
// and the reporter's contact (personal data: never published).
type Open311Request struct {
	WorkOrderID int64           `json:"workorder_id"`
	Token       string          `json:"token"`
	ServiceCode string          `json:"service_code"`
	Channel     string          `json:"channel"` // open311 | web
	Attributes  json.RawMessage `json:"attributes"`
	Address     string          `json:"address,omitempty"`
	AddressID   string          `json:"address_id,omitempty"`
	MediaURL    string          `json:"media_url,omitempty"`
	DeviceID    string          `json:"-"`
	AccountID   string          `json:"-"`
	Contact     json.RawMessage `json:"-"` // {email, first_name, last_name, phone}
	ClientIP    string          `json:"-"`
	CreatedAt   int64           `json:"created_at"`
}

const o311Cols = `workorder_id, token, service_code, channel, attributes, address, address_id, media_url, device_id, account_id, contact, client_ip, created_at`

func scanOpen311(row interface{ Scan(...any) error }) (*Open311Request, error) {
	r := &Open311Request{}
	var attrs, contact string
	err := row.Scan(&r.WorkOrderID, &r.Token, &r.ServiceCode, &r.Channel, &attrs, &r.Address, &r.AddressID, &r.MediaURL,
		&r.DeviceID, &r.AccountID, &contact, &r.ClientIP, &r.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	r.Attributes, r.Contact = json.RawMessage(attrs), json.RawMessage(contact)
	return r, err
}

// CreateOpen311Request stores the request's extras in the transaction that
// created its work order (through the engine's IntakeTx).
func (t *Tx) CreateOpen311Request(ctx context.Context, r *Open311Request) error {
	if len(r.Attributes) == 0 {
		r.Attributes = json.RawMessage("{}")
	}
	if len(r.Contact) == 0 {
		r.Contact = json.RawMessage("{}")
	}
	r.CreatedAt = t.Now
	_, err := t.Exec(ctx, `INSERT INTO open311_requests (`+o311Cols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.WorkOrderID, r.Token, r.ServiceCode, r.Channel, string(r.Attributes), r.Address, r.AddressID, r.MediaURL,
		r.DeviceID, r.AccountID, string(r.Contact), r.ClientIP, r.CreatedAt)
	if err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "open311.request", Object: "workorder", ObjectID: r.WorkOrderID,
		After: map[string]any{"service_code": r.ServiceCode, "channel": r.Channel}, Detail: r.Channel + " " + r.ServiceCode})
}

// Open311ByToken finds a request by its tracking token.
func (db *DB) Open311ByToken(ctx context.Context, token string) (*Open311Request, error) {
	return scanOpen311(db.QueryRow(ctx, `SELECT `+o311Cols+` FROM open311_requests WHERE token = ?`, token))
}

// Open311Requests returns the extras of the given work orders (absent ones
// were filed by staff or another channel).
func (db *DB) Open311Requests(ctx context.Context, ids []int64) (map[int64]*Open311Request, error) {
	out := map[int64]*Open311Request{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := db.Query(ctx, `SELECT `+o311Cols+` FROM open311_requests WHERE workorder_id IN (?`+strings.Repeat(`, ?`, n-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r, err := scanOpen311(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[r.WorkOrderID] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// PublicFilter selects work orders of one kind for public lists (Open311
// GET requests, the transparency map and feeds). Rows come newest first.
type PublicFilter struct {
	Kind       string
	AreaPath   string   // only below this area (a town: the Open311 jurisdiction)
	IDs        []int64  // when set, the other filters are ignored (Open311 §2.2 #5)
	Categories []string // service codes
	From, To   int64    // created_at in [From, To), unix ms; 0 = unbounded
	Open       *bool
	BBox       *[4]float64 // minLon, minLat, maxLon, maxLat
	Q          string      // words in the title or description
	Offset     int
	Limit      int
}

// PublicWorkOrders lists work orders for the public side.
func (db *DB) PublicWorkOrders(ctx context.Context, f PublicFilter) ([]*WorkOrder, error) {
	q := strings.Builder{}
	q.WriteString(`SELECT ` + woListCols + ` FROM workorders WHERE kind = ?`)
	args := []any{f.Kind}
	if f.AreaPath != "" {
		q.WriteString(` AND area_path >= ? AND area_path < ?`)
		args = append(args, f.AreaPath, f.AreaPath+"~")
	}
	in := func(col string, vals []any) {
		q.WriteString(` AND ` + col + ` IN (?` + strings.Repeat(`, ?`, len(vals)-1) + `)`)
		args = append(args, vals...)
	}
	if len(f.IDs) > 0 {
		vals := make([]any, len(f.IDs))
		for i, v := range f.IDs {
			vals[i] = v
		}
		in("id", vals)
	} else {
		if len(f.Categories) > 0 {
			vals := make([]any, len(f.Categories))
			for i, v := range f.Categories {
				vals[i] = v
			}
			in("category", vals)
		}
		if f.From > 0 {
			q.WriteString(` AND created_at >= ?`)
			args = append(args, f.From)
		}
		if f.To > 0 {
			q.WriteString(` AND created_at < ?`)
			args = append(args, f.To)
		}
		if f.Open != nil {
			q.WriteString(` AND is_open = ?`)
			args = append(args, *f.Open)
		}
		if b := f.BBox; b != nil {
			q.WriteString(` AND lon >= ? AND lon <= ? AND lat >= ? AND lat <= ?`)
			args = append(args, b[0], b[2], b[1], b[3])
		}
		if s := strings.TrimSpace(f.Q); s != "" {
			like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
			q.WriteString(` AND (title LIKE ? ESCAPE '\' OR description LIKE ? ESCAPE '\')`)
			args = append(args, like, like)
		}
	}
	q.WriteString(` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
	args = append(args, f.Limit, f.Offset)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*WorkOrder{}
	for rows.Next() {
		w, err := scanWorkOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// KindEvent is one event of a work order of a kind, for update feeds.
type KindEvent struct {
	WorkOrderEvent
	Category string
}

// KindEvents returns events of one kind's work orders in [from, to), oldest
// first, after the event id cursor.
func (db *DB) KindEvents(ctx context.Context, kind string, after, from, to int64, limit int) ([]*KindEvent, error) {
	q := `SELECT e.id, e.workorder_id, e.seq, e.action, e.from_state, e.to_state, e.public_comment, e.at, w.category
		FROM workorder_events e JOIN workorders w ON w.id = e.workorder_id WHERE w.kind = ? AND e.id > ?`
	args := []any{kind, after}
	if from > 0 {
		q += ` AND e.at >= ?`
		args = append(args, from)
	}
	if to > 0 {
		q += ` AND e.at < ?`
		args = append(args, to)
	}
	rows, err := db.Query(ctx, q+` ORDER BY e.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*KindEvent{}
	for rows.Next() {
		e := &KindEvent{}
		if err := rows.Scan(&e.ID, &e.WorkOrderID, &e.Seq, &e.Action, &e.From, &e.To, &e.PublicComment, &e.At, &e.Category); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Open311Update is an update a client posted (mySociety servicerequestupdates):
// a comment on the request. It never changes the work order's state, which
// only the engine moves.
type Open311Update struct {
	ID          int64  `json:"id"`
	WorkOrderID int64  `json:"workorder_id"`
	ExternalID  string `json:"external_id,omitempty"`
	Status      string `json:"status"`
	Description string `json:"description"`
	MediaURL    string `json:"media_url,omitempty"`
	AuthorID    int64  `json:"author_id"`
	At          int64  `json:"at"`
	CreatedAt   int64  `json:"created_at"`
}

// AddOpen311Update stores a posted update.
func (t *Tx) AddOpen311Update(ctx context.Context, u *Open311Update) error {
	u.CreatedAt = t.Now
	id, err := t.InsertID(ctx, `INSERT INTO open311_updates (workorder_id, external_id, status, description, media_url, author_id, at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.WorkOrderID, u.ExternalID, u.Status, u.Description, u.MediaURL, u.AuthorID, u.At, u.CreatedAt)
	if err != nil {
		return err
	}
	u.ID = id
	return t.Audit(ctx, Change{Action: "open311.update", Object: "workorder", ObjectID: u.WorkOrderID,
		After: map[string]any{"update_id": id, "status": u.Status}, Detail: "update " + u.Status})
}

// Open311Updates lists the updates posted on a work order.
func (db *DB) Open311Updates(ctx context.Context, woID int64) ([]*Open311Update, error) {
	rows, err := db.Query(ctx, `SELECT id, workorder_id, external_id, status, description, media_url, author_id, at, created_at
		FROM open311_updates WHERE workorder_id = ? ORDER BY id LIMIT 500`, woID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Open311Update{}
	for rows.Next() {
		u := &Open311Update{}
		if err := rows.Scan(&u.ID, &u.WorkOrderID, &u.ExternalID, &u.Status, &u.Description, &u.MediaURL, &u.AuthorID, &u.At, &u.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
