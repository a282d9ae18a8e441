package web

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
	"towngrid/internal/store"
)

// SessionCookie carries the sign-in token (the server reads it too).
const SessionCookie = "tg_session"

type loginData struct {
	Username string
	Next     string
}

func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return "/"
	}
	return s
}

func (u *UI) loginForm(w http.ResponseWriter, r *httpx.Request) error {
	if !r.P.Anonymous() {
		http.Redirect(w, r.Request, "/", http.StatusSeeOther)
		return nil
	}
	return u.render(w, r, 200, "login", Page{Title: "login.title", Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (u *UI) login(w http.ResponseWriter, r *httpx.Request) error {
	username := strings.TrimSpace(r.FormValue("username"))
	password := r.FormValue("password")
	d := loginData{Username: username, Next: safeNext(r.FormValue("next"))}
	userKey, ipKey := strings.ToLower(username), clientIP(r.Request)
	if wait := max(u.a.Throttle.Wait(userKey), u.a.IPThrottle.Wait(ipKey)); wait > 0 {
		secs := int(wait.Seconds()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return u.render(w, r, http.StatusTooManyRequests, "login", Page{Title: "login.title", Error: i18n.T(r.Lang, "login.throttled", secs), Data: d})
	}
	user, hash, err := u.a.DB.UserByUsername(r.Context(), username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// Hash even for an unknown user so the answer takes the same time.
	ok := account.CheckPassword(hashOrDummy(hash), password) && user != nil && !user.Disabled
	if !ok {
		u.a.Throttle.Fail(userKey)
		u.a.IPThrottle.Fail(ipKey)
		return u.render(w, r, http.StatusUnauthorized, "login", Page{Title: "login.title", Error: i18n.T(r.Lang, "login.failed"), Data: d})
	}
	u.a.Throttle.Succeed(userKey)
	var token string
	err = u.a.DB.Write(r.Context(), store.Actor{ID: user.ID, Name: user.Username, Via: "web"}, func(tx *store.Tx) error {
		var err error
		token, err = tx.CreateSession(r.Context(), user.ID, u.a.SessionTTL.Milliseconds(), clientIP(r.Request), r.UserAgent())
		return err
	})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: u.a.Cfg.SecureCookie,
		SameSite: http.SameSiteLaxMode, MaxAge: int(u.a.SessionTTL.Seconds())})
	http.SetCookie(w, &http.Cookie{Name: "tg_lang", Value: user.Lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r.Request, d.Next, http.StatusSeeOther)
	return nil
}

var dummyHash string

func hashOrDummy(h string) string {
	if h != "" {
		return h
	}
	if dummyHash == "" {
		dummyHash, _ = account.HashPassword("not-a-real-password")
	}
	return dummyHash
}

func (u *UI) logout(w http.ResponseWriter, r *httpx.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := u.a.DB.Write(r.Context(), store.Actor{ID: r.P.UserID, Name: r.P.Username, Via: "web"}, func(tx *store.Tx) error {
			return tx.DeleteSession(r.Context(), c.Value)
		}); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	http.Redirect(w, r.Request, "/login", http.StatusSeeOther)
	return nil
}
