package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"towngrid/internal/config"
	"towngrid/internal/store"
)

// flags returns a flag set bound to a fresh configuration.
func flags(name string, env *Env) (*flag.FlagSet, *config.Config) {
	cfg := config.Defaults()
	fs := flag.NewFlagSet("towngrid "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.Bind(fs)
	return fs, &cfg
}

// parse reads flags, environment and file, and validates the result.
func parse(fs *flag.FlagSet, cfg *config.Config, env *Env, args []string) error {
	if err := config.Parse(fs, args, env.Getenv); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return Usagef("%v", err)
	}
	if err := cfg.Validate(); err != nil {
		return Usagef("%v", err)
	}
	return nil
}

// openDB opens and migrates the configured database.
func openDB(ctx context.Context, cfg *config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx, 0); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func logger(cfg *config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func stderrOr(env *Env) io.Writer {
	if env.Stderr != nil {
		return env.Stderr
	}
	return os.Stderr
}

var _ = fmt.Sprint
