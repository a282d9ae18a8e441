package server

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/app"
)

// SessionCookie carries the sign-in token.
const SessionCookie = "tg_session"

// principalTTL bounds how long a revoked key, a disabled account or a changed
// role can still be served from the cache: the price of not reading five rows
// on every request.
const principalTTL = 2 * time.Second

type cached struct {
	p      *account.Principal
	viaKey bool
	until  time.Time
}

type authenticator struct {
	a  *app.App
	mu sync.Mutex
	m  map[string]cached
}

func newAuthenticator(a *app.App) *authenticator {
	return &authenticator{a: a, m: map[string]cached{}}
}

// Authenticate reads an API key (Authorization: Bearer tgk_…) or the session cookie.
func (au *authenticator) Authenticate(r *http.Request) (*account.Principal, bool, error) {
	var token string
	viaKey := false
	if h := r.Header.Get("Authorization"); h != "" {
		key, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, false, errors.New("unsupported Authorization scheme")
		}
		token, viaKey = strings.TrimSpace(key), true
	} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		token = c.Value
	} else {
		return &account.Principal{}, false, nil
	}
	now := time.Now()
	au.mu.Lock()
	c, ok := au.m[token]
	au.mu.Unlock()
	if ok && now.Before(c.until) && c.viaKey == viaKey {
		return c.p, viaKey, nil
	}
	p, err := au.load(r, token, viaKey)
	if err != nil {
		return nil, viaKey, err
	}
	if p.Anonymous() { // an expired cookie: signed out, not cached
		return p, false, nil
	}
	au.mu.Lock()
	if len(au.m) > 10_000 {
		clear(au.m) // bound memory; the next requests reload
	}
	au.m[token] = cached{p: p, viaKey: viaKey, until: now.Add(principalTTL)}
	au.mu.Unlock()
	return p, viaKey, nil
}

func (au *authenticator) load(r *http.Request, token string, viaKey bool) (*account.Principal, error) {
	ctx := r.Context()
	if viaKey {
		u, k, err := au.a.DB.APIKeyUser(ctx, token)
		if err != nil {
			return nil, err
		}
		p, err := au.a.DB.Principal(ctx, u)
		if err != nil {
			return nil, err
		}
		p.KeyPerms, p.KeyID = k.Perms, k.ID
		return p, nil
	}
	u, err := au.a.DB.SessionUser(ctx, token)
	if err != nil {
		// An expired or unknown cookie is treated as signed out, not as an
		// error, so the login page still works.
		return &account.Principal{}, nil
	}
	return au.a.DB.Principal(ctx, u)
}

// Forget drops a token from the cache (sign-out).
func (au *authenticator) Forget(token string) {
	au.mu.Lock()
	delete(au.m, token)
	au.mu.Unlock()
}
