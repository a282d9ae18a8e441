package store

import (
	"context"
	"errors"
	"strings"

	"towngrid/internal/account"
)

// CreateSession stores a new session for user and returns the cookie token.
func (t *Tx) CreateSession(ctx context.Context, userID int64, ttlMillis int64, ip, userAgent string) (string, error) {
	token := account.RandomToken(32)
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	if _, err := t.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)`,
		account.TokenHash(token), userID, t.Now, t.Now+ttlMillis, ip, userAgent); err != nil {
		return "", err
	}
	return token, t.Audit(ctx, Change{Action: "session.create", Object: "user", ObjectID: userID, Detail: "signed in from " + ip})
}

// DeleteSession ends a session (logout).
func (t *Tx) DeleteSession(ctx context.Context, token string) error {
	var uid int64
	if err := t.QueryRow(ctx, `SELECT user_id FROM sessions WHERE id_hash = ?`, account.TokenHash(token)).Scan(&uid); err != nil {
		return nil // already gone: logging out twice is fine
	}
	if _, err := t.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, account.TokenHash(token)); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "session.delete", Object: "user", ObjectID: uid, Detail: "signed out"})
}

// SessionUser returns the active user of a session token.
func (db *DB) SessionUser(ctx context.Context, token string) (*account.User, error) {
	var uid, expires int64
	if err := db.QueryRow(ctx, `SELECT user_id, expires_at FROM sessions WHERE id_hash = ?`, account.TokenHash(token)).Scan(&uid, &expires); err != nil {
		return nil, ErrNotFound
	}
	if expires <= db.Now() {
		return nil, ErrNotFound
	}
	u, err := db.User(ctx, uid)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, ErrNotFound
	}
	return u, nil
}

// APIKey is a program's credential, as listed (never with its secret).
type APIKey struct {
	ID         int64          `json:"id"`
	UserID     int64          `json:"user_id"`
	Name       string         `json:"name"`
	Prefix     string         `json:"prefix"`
	Perms      []account.Perm `json:"perms"`
	ExpiresAt  int64          `json:"expires_at"`
	RevokedAt  int64          `json:"revoked_at"`
	LastUsedAt int64          `json:"last_used_at"`
	CreatedAt  int64          `json:"created_at"`
}

// CreateAPIKey stores a new key for a user and returns the key in clear, once.
func (t *Tx) CreateAPIKey(ctx context.Context, k *APIKey) (string, error) {
	key, prefix := account.NewAPIKey()
	return key, t.insertAPIKey(ctx, k, key, prefix)
}

// ImportAPIKey stores a key whose text is given (the demo town's documented keys).
func (t *Tx) ImportAPIKey(ctx context.Context, k *APIKey, key string) error {
	prefix, ok := account.SplitAPIKey(key)
	if !ok {
		prefix = account.TokenHash(key)[:10]
	}
	return t.insertAPIKey(ctx, k, key, prefix)
}

func (t *Tx) insertAPIKey(ctx context.Context, k *APIKey, key, prefix string) error {
	perms := make([]string, len(k.Perms))
	for i, p := range k.Perms {
		perms[i] = string(p)
	}
	id, err := t.InsertID(ctx, `INSERT INTO api_keys (user_id, name, prefix, secret_hash, perms, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.UserID, k.Name, prefix, account.TokenHash(key), strings.Join(perms, ","), k.ExpiresAt, t.Now)
	if err != nil {
		return err
	}
	k.ID, k.Prefix, k.CreatedAt = id, prefix, t.Now
	return t.Audit(ctx, Change{Action: "apikey.create", Object: "apikey", ObjectID: id, After: k, Detail: k.Name})
}

// RevokeAPIKey revokes a key; owner 0 means any owner (administrators).
func (t *Tx) RevokeAPIKey(ctx context.Context, id, owner int64) error {
	q, args := `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, []any{t.Now, id}
	if owner != 0 {
		q += ` AND user_id = ?`
		args = append(args, owner)
	}
	res, err := t.Exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return t.Audit(ctx, Change{Action: "apikey.revoke", Object: "apikey", ObjectID: id})
}

// APIKeyUser checks a key and returns its user and key record.
func (db *DB) APIKeyUser(ctx context.Context, key string) (*account.User, *APIKey, error) {
	prefix, ok := account.SplitAPIKey(key)
	if !ok {
		prefix = account.TokenHash(key)[:10]
	}
	k := &APIKey{}
	var hash, perms string
	err := db.QueryRow(ctx, `SELECT id, user_id, name, prefix, secret_hash, perms, expires_at, revoked_at, created_at FROM api_keys WHERE prefix = ?`, prefix).
		Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &hash, &perms, &k.ExpiresAt, &k.RevokedAt, &k.CreatedAt)
	if err != nil || hash != account.TokenHash(key) || k.RevokedAt != 0 || (k.ExpiresAt != 0 && k.ExpiresAt <= db.Now()) {
		return nil, nil, errors.New("invalid API key")
	}
	for _, p := range strings.Split(perms, ",") {
		k.Perms = append(k.Perms, account.Perm(p))
	}
	u, err := db.User(ctx, k.UserID)
	if err != nil || u.Disabled {
		return nil, nil, errors.New("invalid API key")
	}
	return u, k, nil
}

// ListAPIKeys lists keys; owner 0 lists everybody's.
func (db *DB) ListAPIKeys(ctx context.Context, owner int64) ([]APIKey, error) {
	q, args := `SELECT id, user_id, name, prefix, perms, expires_at, revoked_at, last_used_at, created_at FROM api_keys`, []any{}
	if owner != 0 {
		q += ` WHERE user_id = ?`
		args = append(args, owner)
	}
	rows, err := db.Query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []APIKey{}
	for rows.Next() {
		var k APIKey
		var perms string
		if err := rows.Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &perms, &k.ExpiresAt, &k.RevokedAt, &k.LastUsedAt, &k.CreatedAt); err != nil {
			return nil, err
		}
		for _, p := range strings.Split(perms, ",") {
			k.Perms = append(k.Perms, account.Perm(p))
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
