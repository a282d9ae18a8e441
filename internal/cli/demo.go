package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/demo"
	"towngrid/internal/directory"
	"towngrid/internal/secretbox"
)

func init() {
	Register(&Command{Name: "demo", Short: "generate a demo town (中山市古镇镇) and serve it", Run: runDemo})
}

func runDemo(ctx context.Context, env *Env, args []string) error {
	fs, cfg := flags("demo", env)
	// The demo keeps its own folder so that it never mixes with real data.
	cfg.Data = "demo-data"
	fs.Lookup("data").DefValue = "demo-data"
	seed := fs.Int64("seed", 2026, "seed: the same seed gives the same town, accounts and passwords")
	size := fs.String("size", demo.SizeTown, "town (古镇镇), city (中山市, 8 towns) or province (广东省, ~25 000 grids)")
	reset := fs.Bool("reset", false, "delete an earlier demo database first (only one the demo made)")
	noServe := fs.Bool("no-serve", false, "generate, print the accounts and exit")
	if err := parse(fs, cfg, env, args); err != nil {
		return err
	}
	opt := demo.Options{Seed: *seed, Size: *size, Data: cfg.Data}
	if _, err := demo.Describe(opt); err != nil { // checks --size before touching files
		return Usagef("%v", err)
	}
	// Residents' ID numbers and phones are sealed with the master key, the
	// one the server's "secrets" starter loads from the same place
	// (TOWNGRID_MASTER_KEY or <data>/keys/master.key, created when missing).
	key, err := secretbox.LoadKey(env.Getenv, cfg.Data, true)
	if err != nil {
		return err
	}
	if opt.Secrets, err = secretbox.New(key); err != nil {
		return err
	}
	dsn := cfg.DSN()
	if *reset {
		if err := resetDemo(dsn); err != nil {
			return err
		}
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := demo.Generate(ctx, db, opt)
	if errors.Is(err, demo.ErrNotEmpty) {
		// The passwords are derived from the seed: print them again without writing.
		stored, ok, serr := demo.Stored(ctx, db)
		if serr != nil {
			return serr
		}
		if !ok {
			return fmt.Errorf("%s holds areas the demo did not make; use an empty --data folder", dsn)
		}
		stored.Secrets = opt.Secrets
		if sum, err = demo.Describe(stored); err != nil {
			return err
		}
	} else if err != nil {
		return err
	} else if err := markDemo(dsn); err != nil {
		return err
	}
	printBanner(env.Stdout, cfg.Addr, sum)
	if err := printDevices(env.Stdout, cfg.Data, cfg.Addr, sum); err != nil { // demo_devices.go
		return err
	}
	if *noServe {
		return nil
	}
	return serve(ctx, env, app.New(db, *cfg, logger(cfg, stderrOr(env))))
}

// The marker beside a demo database lets --reset delete only what the demo
// made, never a real database that TOWNGRID_DATA happens to point at.
func demoFile(dsn string) (string, bool) {
	path, ok := strings.CutPrefix(dsn, "sqlite://")
	return path, ok
}

func markDemo(dsn string) error {
	if path, ok := demoFile(dsn); ok {
		return os.WriteFile(path+".demo", []byte("made by towngrid demo; --reset may delete this database\n"), 0o640)
	}
	return nil
}

func resetDemo(dsn string) error {
	path, ok := demoFile(dsn)
	if !ok {
		return Usagef("--reset works only on a SQLite demo database")
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(path + ".demo"); err != nil {
		return fmt.Errorf("--reset: %s was not made by towngrid demo (no %s); not deleting it", path, filepath.Base(path)+".demo")
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + ".demo"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// demoURL turns a listen address into one a browser on this machine can open.
func demoURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// recordKinds are the directory records the banner counts, in print order.
var recordKinds = []struct{ zh, key string }{
	{"部门", "departments"}, {"权属规则", "ownership_rules"}, {"企业", "enterprises"}, {"部件", "components"},
	{"居民", "residents"}, {"责任网格", "responsibility_grids"},
}

func printBanner(w io.Writer, addr string, s *demo.Summary) {
	if s.Generated {
		fmt.Fprintf(w, "towngrid 演示数据已生成 / demo generated in %s (seed %d, size %s)\n", s.Elapsed.Round(1e6), s.Seed, s.Size)
	} else {
		fmt.Fprintf(w, "数据库已有演示数据，未重新生成 / the database already holds the demo; not generating again (seed %d, size %s)\n", s.Seed, s.Size)
	}
	fmt.Fprintf(w, "区域 / areas:")
	for _, l := range directory.Levels {
		if n := s.Areas[l]; n > 0 {
			fmt.Fprintf(w, " %s %d", l, n)
		}
	}
	fmt.Fprintf(w, "\n名录 / records:")
	for _, k := range recordKinds {
		fmt.Fprintf(w, " %s %s %d", k.zh, k.key, s.Records[k.key])
	}
	if s.Records["residents"] == 0 {
		fmt.Fprint(w, " (无主密钥，未生成居民 / no master key, no residents)")
	}
	fmt.Fprintf(w, "\n打开 / open: %s\n", demoURL(addr))
	fmt.Fprintln(w, "演示账号（密码仅供演示，请勿用于生产）/ demo accounts (demo passwords, never for production):")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tUSERNAME\tPASSWORD\tNAME")
	shown := map[account.Role]int{}
	total := map[account.Role]int{}
	for _, a := range s.Accounts {
		total[a.Role]++
	}
	for _, a := range s.Accounts {
		if shown[a.Role]++; shown[a.Role] > 3 && len(s.Accounts) > 60 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Role, a.Username, a.Password, a.DisplayName)
	}
	for _, r := range account.Roles {
		if total[r] > 3 && len(s.Accounts) > 60 {
			fmt.Fprintf(tw, "%s\t… %d more / 另有 %d 个\t%s\t(same password / 同一密码)\n", r, total[r]-3, total[r]-3, s.Passwords[r])
		}
	}
	tw.Flush()
}
