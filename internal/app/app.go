// Package app holds what every adapter of a running towngrid shares: the
// database, the configuration, the logger and the process-wide helpers.
// Capabilities add their services here as fields.
package app

import (
	"log/slog"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/config"
	"towngrid/internal/secretbox"
	"towngrid/internal/store"
)

// Version is set at build time with -ldflags "-X towngrid/internal/app.Version=…".
var Version = "dev"

// App is one running towngrid.
type App struct {
	DB       *store.DB
	Cfg      config.Config
	Log      *slog.Logger
	Throttle *account.Throttle // failed sign-ins per username
	// IPThrottle counts failures per address with a larger allowance, since
	// a whole office often shares one address.
	IPThrottle *account.Throttle
	Started    time.Time
	Services
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// Secrets seals personal data at rest (residents' ID numbers and phones);
	// set by the directory records' starter, the key loaded on first use.
	Secrets *secretbox.Lazy
}

// New assembles an App.
func New(db *store.DB, cfg config.Config, log *slog.Logger) *App {
	return &App{DB: db, Cfg: cfg, Log: log, Throttle: account.NewThrottle(), IPThrottle: ipThrottle(), Started: time.Now(), SessionTTL: 12 * time.Hour}
}

func ipThrottle() *account.Throttle {
	t := account.NewThrottle()
	t.Free = 50
	return t
}
