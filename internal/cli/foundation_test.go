package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store"
)

func init() { account.SetHashCost(1, 64) }

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}, args)
	return code, out.String(), errb.String()
}

func TestUserAuditBackupMigrate(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, nil, "user", "create", "--data", dir, "--username", "chief", "--password", "chief-pass-1", "--roles", "admin,leader")
	if code != 0 || !strings.Contains(out, `"username": "chief"`) {
		t.Fatalf("user create: %d %s %s", code, out, errs)
	}
	if code, _, errs := run(t, nil, "user", "create", "--data", dir, "--username", "x", "--password", "short"); code != 2 || !strings.Contains(errs, "password") {
		t.Fatalf("short password: exit %d %s", code, errs)
	}
	if code, _, errs := run(t, nil, "user", "create", "--data", dir, "--username", "y", "--password", "long-enough-1", "--roles", "mayor"); code != 2 || !strings.Contains(errs, "mayor") {
		t.Fatalf("unknown role: exit %d %s", code, errs)
	}
	if code, out, _ := run(t, map[string]string{"TOWNGRID_NEW_PASSWORD": "new-chief-pass"}, "user", "password", "--data", dir, "--username", "chief"); code != 0 || !strings.Contains(out, "changed") {
		t.Fatalf("user password: %d %s", code, out)
	}
	code, out, _ = run(t, nil, "audit", "verify", "--data", dir)
	var v store.VerifyResult
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || !v.OK || v.Rows != 2 {
		t.Fatalf("audit verify: %d %s", code, out)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if code, out, errs := run(t, nil, "backup", "--data", dir, "--out", backup); code != 0 {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}
	// The copy is a working database: the account is there and the chain verifies.
	code, out, _ = run(t, nil, "audit", "verify", "--db", "sqlite://"+backup)
	if code != 0 || !strings.Contains(out, `"ok": true`) {
		t.Fatalf("backup copy does not verify: %d %s", code, out)
	}
	if code, _, errs := run(t, nil, "backup", "--data", dir, "--out", backup); code != 2 || !strings.Contains(errs, "exists") {
		t.Fatalf("backup over an existing file: %d %s", code, errs)
	}
	if code, out, _ := run(t, nil, "migrate", "--data", dir); code != 0 || !strings.Contains(out, `"applied": null`) && !strings.Contains(out, `"applied": []`) {
		t.Fatalf("second migrate: %d %s", code, out)
	}
	// Tamper with the database directly: verify names the row and exits non-zero.
	db, err := store.Open(context.Background(), "sqlite://"+filepath.Join(dir, "towngrid.db"))
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Write(context.Background(), store.System, func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), `UPDATE audit_log SET detail = 'forged' WHERE seq = 1`)
		return err
	})
	db.Close()
	code, out, errs = run(t, nil, "audit", "verify", "--data", dir)
	if code != 1 || !strings.Contains(out, `"seq": 1`) || !strings.Contains(errs, "row 1") {
		t.Fatalf("tampered chain: exit %d %s %s", code, out, errs)
	}
}

// Flags beat TOWNGRID_* variables, which beat the configuration file.
func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "towngrid.json")
	if err := os.WriteFile(file, []byte(`{"data": "`+filepath.Join(dir, "from-file")+`", "lang": "en", "log_level": "warn"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	fs, cfg := flags("test", &Env{Stderr: &bytes.Buffer{}})
	env := map[string]string{"TOWNGRID_LANG": "zh-CN", "TOWNGRID_LOG_LEVEL": "debug", "TOWNGRID_ADDR": ":9999"}
	err := parse(fs, cfg, &Env{Getenv: func(k string) string { return env[k] }}, []string{"--config", file, "--addr", ":7000"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":7000" {
		t.Errorf("flag lost to env: addr %q", cfg.Addr)
	}
	if cfg.Lang != "zh-CN" || cfg.LogLevel != "debug" {
		t.Errorf("env lost to file: lang %q log %q", cfg.Lang, cfg.LogLevel)
	}
	if cfg.Data != filepath.Join(dir, "from-file") {
		t.Errorf("file value not used: data %q", cfg.Data)
	}
	fs, cfg = flags("test", &Env{Stderr: &bytes.Buffer{}})
	if err := parse(fs, cfg, &Env{Getenv: func(string) string { return "" }}, []string{"--lang", "fr"}); err == nil || !strings.Contains(err.Error(), "lang") {
		t.Errorf("bad lang accepted: %v", err)
	}
	os.WriteFile(file, []byte(`{"colour": "red"}`), 0o600)
	fs, cfg = flags("test", &Env{Stderr: &bytes.Buffer{}})
	if err := parse(fs, cfg, &Env{Getenv: func(string) string { return "" }}, []string{"--config", file}); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("unknown file setting accepted: %v", err)
	}
}
