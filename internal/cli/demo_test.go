package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"towngrid/internal/demo"
	_ "towngrid/internal/store/storetest" // low argon2 cost for the test
)

func runDemoCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), env, append([]string{"demo"}, args...))
	return out.String(), errb.String(), code
}

func TestDemoNoServe(t *testing.T) {
	dir := t.TempDir()
	out, errs, code := runDemoCmd(t, "--no-serve", "--data", dir, "--addr", ":8099")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want, err := demo.Describe(demo.Options{Seed: 2026})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"http://localhost:8099", "demo generated", "admin", want.Passwords["admin"], "古一村",
		"enterprises 60", "residents 24", "ownership_rules"} {
		if !strings.Contains(out, s) {
			t.Errorf("banner lacks %q:\n%s", s, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "towngrid.db")); err != nil {
		t.Errorf("no database in --data: %v", err)
	}
	// Residents are sealed with the master key the server will load from --data.
	if _, err := os.Stat(filepath.Join(dir, "keys", "master.key")); err != nil {
		t.Errorf("no master key in --data: %v", err)
	}
	// Second run: nothing regenerated, the same passwords printed again.
	out2, errs, code := runDemoCmd(t, "--no-serve", "--data", dir, "--seed", "99")
	if code != 0 || !strings.Contains(out2, "not generating again") || !strings.Contains(out2, want.Passwords["admin"]) {
		t.Errorf("second run (exit %d, %s):\n%s", code, errs, out2)
	}
	// --reset starts over with the new seed.
	out3, errs, code := runDemoCmd(t, "--no-serve", "--data", dir, "--seed", "99", "--reset")
	other, _ := demo.Describe(demo.Options{Seed: 99})
	if code != 0 || !strings.Contains(out3, "demo generated") || !strings.Contains(out3, other.Passwords["admin"]) {
		t.Errorf("reset run (exit %d, %s):\n%s", code, errs, out3)
	}
}

func TestDemoRefusesForeignDatabase(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "towngrid.db"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runDemoCmd(t, "--no-serve", "--data", dir, "--reset")
	if code == 0 || !strings.Contains(errs, "not made by towngrid demo") {
		t.Errorf("reset of a foreign database: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "towngrid.db")); err != nil {
		t.Error("foreign database was deleted")
	}
	if _, _, code := runDemoCmd(t, "--no-serve", "--data", t.TempDir(), "--size", "planet"); code != 2 {
		t.Errorf("bad --size: exit %d, want 2", code)
	}
}

func TestDemoURL(t *testing.T) {
	for in, want := range map[string]string{":8080": "http://localhost:8080", "127.0.0.1:9000": "http://127.0.0.1:9000", "0.0.0.0:80": "http://localhost:80"} {
		if got := demoURL(in); got != want {
			t.Errorf("demoURL(%q) = %q, want %q", in, got, want)
		}
	}
}
