package cli

import (
	"context"
	"errors"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/store"
)

func init() {
	Register(&Command{Name: "user create", Short: "create an account (default role: admin)", Run: runUserCreate})
	Register(&Command{Name: "user password", Short: "reset an account's password", Run: runUserPassword})
}

var cliActor = store.Actor{Name: "cli", Via: "cli"}

func runUserCreate(ctx context.Context, env *Env, args []string) error {
	fs, cfg := flags("user create", env)
	username := fs.String("username", "", "login name")
	name := fs.String("name", "", "display name (default: the username)")
	password := fs.String("password", "", "password (8–128 characters); or TOWNGRID_NEW_PASSWORD")
	roles := fs.String("roles", "admin", "comma-separated roles: "+rolesList())
	if err := parse(fs, cfg, env, args); err != nil {
		return err
	}
	if *password == "" {
		*password = env.Getenv("TOWNGRID_NEW_PASSWORD")
	}
	if *username == "" || *password == "" {
		return Usagef("--username and --password are required")
	}
	u := &account.User{Username: *username, DisplayName: *name}
	if u.DisplayName == "" {
		u.DisplayName = *username
	}
	for _, r := range strings.Split(*roles, ",") {
		role, err := account.ParseRole(r)
		if err != nil {
			return Usagef("%v", err)
		}
		u.Roles = append(u.Roles, role)
	}
	hash, err := account.HashPassword(*password)
	if err != nil {
		return Usagef("%v", err)
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	err = db.Write(ctx, cliActor, func(tx *store.Tx) error { return tx.CreateUser(ctx, u, hash) })
	var fe *account.FieldError
	if errors.As(err, &fe) {
		return Usagef("%v", fe)
	}
	if err != nil {
		return err
	}
	return printJSON(env.Stdout, u)
}

func runUserPassword(ctx context.Context, env *Env, args []string) error {
	fs, cfg := flags("user password", env)
	username := fs.String("username", "", "login name")
	password := fs.String("password", "", "new password; or TOWNGRID_NEW_PASSWORD")
	if err := parse(fs, cfg, env, args); err != nil {
		return err
	}
	if *password == "" {
		*password = env.Getenv("TOWNGRID_NEW_PASSWORD")
	}
	if *username == "" || *password == "" {
		return Usagef("--username and --password are required")
	}
	hash, err := account.HashPassword(*password)
	if err != nil {
		return Usagef("%v", err)
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	u, _, err := db.UserByUsername(ctx, *username)
	if err != nil {
		return Usagef("no account %q", *username)
	}
	if err := db.Write(ctx, cliActor, func(tx *store.Tx) error { return tx.SetPassword(ctx, u.ID, hash, false) }); err != nil {
		return err
	}
	return printJSON(env.Stdout, map[string]any{"username": u.Username, "password": "changed", "sessions": "ended"})
}

func rolesList() string {
	s := make([]string, len(account.Roles))
	for i, r := range account.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}
