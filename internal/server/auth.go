package server

import (
	"errors"
	"net/http"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/app"
)

// SessionCookie carries the sign-in token.
const SessionCookie = "tg_session"

type authenticator struct{ a *app.App }

// Authenticate reads an API key (Authorization: Bearer tgk_…) or the session cookie.
func (au authenticator) Authenticate(r *http.Request) (*account.Principal, bool, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		key, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, false, errors.New("unsupported Authorization scheme")
		}
		u, k, err := au.a.DB.APIKeyUser(ctx, strings.TrimSpace(key))
		if err != nil {
			return nil, true, err
		}
		p, err := au.a.DB.Principal(ctx, u)
		if err != nil {
			return nil, true, err
		}
		p.KeyPerms, p.KeyID = k.Perms, k.ID
		return p, true, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return &account.Principal{}, false, nil
	}
	u, err := au.a.DB.SessionUser(ctx, c.Value)
	if err != nil {
		// An expired or unknown cookie is treated as signed out, not as an error,
		// so the login page still works.
		return &account.Principal{}, false, nil
	}
	p, err := au.a.DB.Principal(ctx, u)
	return p, false, err
}
