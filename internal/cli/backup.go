package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"towngrid/internal/store"
)

func init() {
	Register(&Command{Name: "backup", Short: "write an online, consistent copy of the database to --out", Run: runBackup})
}

func runBackup(ctx context.Context, env *Env, args []string) error {
	fs, cfg := flags("backup", env)
	out := fs.String("out", "", "file to write (SQLite: a database file; PostgreSQL: a pg_dump custom-format archive)")
	if err := parse(fs, cfg, env, args); err != nil {
		return err
	}
	if *out == "" {
		return Usagef("--out is required")
	}
	if _, err := os.Stat(*out); err == nil {
		return Usagef("%s exists; choose a new file", *out)
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	abs, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	if db.Dialect() == store.SQLite {
		// VACUUM INTO copies a consistent snapshot while the server keeps running.
		if err := db.Backup(ctx, abs); err != nil {
			return err
		}
	} else {
		cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--file="+abs, cfg.DSN())
		cmd.Stderr = env.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("pg_dump: %w", err)
		}
	}
	st, err := os.Stat(abs)
	if err != nil {
		return err
	}
	return printJSON(env.Stdout, map[string]any{"database": db.Dialect().String(), "out": abs, "bytes": st.Size()})
}
