// Package config reads towngrid's settings from flags, TOWNGRID_* environment
// variables and an optional JSON file, in that order of precedence.
package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is every setting of a towngrid process.
type Config struct {
	Addr         string        `json:"addr"`
	DB           string        `json:"db"`   // sqlite:///path/file.db or postgres://…
	Data         string        `json:"data"` // folder for the database, uploads and keys
	Lang         string        `json:"lang"` // default UI language
	LogLevel     string        `json:"log_level"`
	LogFormat    string        `json:"log_format"` // text | json
	TileURL      string        `json:"tile_url"`   // optional base-map tiles; none by default (offline)
	SecureCookie bool          `json:"secure_cookie"`
	MaxInFlight  int           `json:"max_in_flight"` // requests served at once before shedding with 503
	MaxBody      int64         `json:"max_body"`      // bytes
	ShutdownWait time.Duration `json:"shutdown_wait"`
	// GCPercent and MemoryLimitMB tune Go's collector (runtime.go).
	GCPercent     int   `json:"gc_percent"`
	MemoryLimitMB int64 `json:"memory_limit_mb"`
}

// Defaults returns the embedded-defaults configuration.
func Defaults() Config {
	return Config{
		Addr: ":8080", Data: "data", Lang: "zh-CN", LogLevel: "info", LogFormat: "text",
		MaxInFlight: 512, MaxBody: 1 << 20, ShutdownWait: 10 * time.Second,
		GCPercent: 400, MemoryLimitMB: 256,
	}
}

// Bind registers the shared flags on fs, writing into c.
func (c *Config) Bind(fs *flag.FlagSet) {
	fs.String("config", "", "optional JSON configuration file")
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address")
	fs.StringVar(&c.DB, "db", c.DB, "database: sqlite:///path/file.db (default under --data) or postgres://…")
	fs.StringVar(&c.Data, "data", c.Data, "folder for the database, uploads and keys")
	fs.StringVar(&c.Lang, "lang", c.Lang, "default language: zh-CN or en")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json")
	fs.StringVar(&c.TileURL, "tile-url", c.TileURL, "base-map tile URL template (none by default: towngrid works offline)")
	fs.BoolVar(&c.SecureCookie, "secure-cookie", c.SecureCookie, "mark cookies Secure (set behind HTTPS)")
	fs.IntVar(&c.MaxInFlight, "max-in-flight", c.MaxInFlight, "requests served at once; beyond it 503 + Retry-After")
	fs.Int64Var(&c.MaxBody, "max-body", c.MaxBody, "largest request body in bytes")
	fs.DurationVar(&c.ShutdownWait, "shutdown-wait", c.ShutdownWait, "grace period for in-flight requests on shutdown")
	fs.IntVar(&c.GCPercent, "gc-percent", c.GCPercent, "Go heap growth before a collection, in percent (GOGC); the environment's GOGC wins")
	fs.Int64Var(&c.MemoryLimitMB, "memory-limit-mb", c.MemoryLimitMB, "soft memory limit for the Go heap in MiB (GOMEMLIMIT); 0 = none; the environment's GOMEMLIMIT wins")
}

// Parse parses args into fs, then fills every flag the user did not set from
// TOWNGRID_<NAME> (dashes become underscores) and then from the --config file.
func Parse(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if getenv == nil {
		getenv = os.Getenv
	}
	envName := func(n string) string { return "TOWNGRID_" + strings.ToUpper(strings.ReplaceAll(n, "-", "_")) }
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s: %w", envName(f.Name), e)
			}
			set[f.Name] = true
		}
	})
	if err != nil {
		return err
	}
	file := ""
	if f := fs.Lookup("config"); f != nil {
		file = f.Value.String()
	}
	if file == "" {
		return nil
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	var values map[string]any
	if err := json.Unmarshal(raw, &values); err != nil {
		return fmt.Errorf("config file %s: %w", file, err)
	}
	for k, v := range values {
		name := strings.ReplaceAll(k, "_", "-")
		f := fs.Lookup(name)
		if f == nil {
			return fmt.Errorf("config file %s: unknown setting %q", file, k)
		}
		if set[name] {
			continue
		}
		if err := fs.Set(name, fmt.Sprint(v)); err != nil {
			return fmt.Errorf("config file %s: %s: %w", file, k, err)
		}
	}
	return nil
}

// DSN returns the database address, defaulting to a SQLite file under Data.
func (c *Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	p, err := filepath.Abs(filepath.Join(c.Data, "towngrid.db"))
	if err != nil {
		p = filepath.Join(c.Data, "towngrid.db")
	}
	return "sqlite://" + p
}

// Validate checks values that flag parsing cannot.
func (c *Config) Validate() error {
	var errs []error
	if c.Lang != "zh-CN" && c.Lang != "en" {
		errs = append(errs, fmt.Errorf("lang %q: want zh-CN or en", c.Lang))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format %q: want text or json", c.LogFormat))
	}
	if c.MaxInFlight < 1 {
		errs = append(errs, errors.New("max-in-flight must be at least 1"))
	}
	if c.MaxBody < 1024 {
		errs = append(errs, errors.New("max-body must be at least 1024 bytes"))
	}
	return errors.Join(errs...)
}
