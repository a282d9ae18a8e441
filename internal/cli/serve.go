package cli

import (
	"context"
	"fmt"

	"towngrid/internal/app"
	"towngrid/internal/server"
	"towngrid/internal/store"
)

func init() {
	Register(&Command{Name: "serve", Short: "serve the web UI, the JSON API and Open311", Run: runServe})
	Register(&Command{Name: "migrate", Short: "apply database migrations (--to N for a version)", Run: runMigrate})
	Register(&Command{Name: "version", Short: "print the version", Run: func(ctx context.Context, env *Env, args []string) error {
		_, err := fmt.Fprintln(env.Stdout, "towngrid", app.Version)
		return err
	}})
}

func runServe(ctx context.Context, env *Env, args []string) error {
	fs, cfg := flags("serve", env)
	if err := parse(fs, cfg, env, args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return serve(ctx, env, app.New(db, *cfg, logger(cfg, stderrOr(env))))
}

func serve(ctx context.Context, env *Env, a *app.App) error {
	app.TuneRuntime(a.Cfg)
	if err := a.Start(ctx); err != nil {
		return err
	}
	return server.New(a).Serve(ctx, a.Cfg.Addr, nil)
}

func runMigrate(ctx context.Context, env *Env, args []string) error {
	fs, cfg := flags("migrate", env)
	to := fs.Int("to", 0, "stop at this version (0 = latest)")
	if err := parse(fs, cfg, env, args); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx, *to)
	if err != nil {
		return err
	}
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	return printJSON(env.Stdout, map[string]any{"database": db.Dialect().String(), "applied": applied, "version": v})
}
