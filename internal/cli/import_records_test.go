package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"towngrid/internal/directory"
	"towngrid/internal/store"
)

func TestImportEnterprisesCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite://" + filepath.Join(dir, "t.db")
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, 0); err != nil {
		t.Fatal(err)
	}
	town := &directory.Area{Level: directory.Town, Code: "442000113", Name: "古镇镇"}
	if err := db.Write(ctx, store.System, func(tx *store.Tx) error { return tx.CreateArea(ctx, town) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	run := func(csv string) (int, string, string) {
		p := filepath.Join(dir, "e.csv")
		if err := os.WriteFile(p, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		code := Main(ctx, &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, []string{"import", "enterprises", "--db", dsn, p})
		return code, out.String(), errb.String()
	}
	// Tencent's code is valid; the second row's check character is wrong (GB 32100).
	code, out, errs := run("uscc,name,area_code\n91440300708461136T,腾讯,442000113\n91440300708461136A,坏码,442000113\n")
	if code != 1 || !strings.Contains(errs, "row 3") || !strings.Contains(errs, "uscc.check_char") || !strings.Contains(out, `"imported": 0`) {
		t.Fatalf("bad file: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = run("统一社会信用代码,企业名称,所属区域代码\n91440300708461136T,腾讯,442000113\n")
	if code != 0 || !strings.Contains(out, `"imported": 1`) || !strings.Contains(errs, "100%") {
		t.Fatalf("good file: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, _ := run("uscc,name\n"); code != 0 {
		t.Errorf("header-only file: exit %d", code)
	}
	if code, _, errs := run("uscc\n"); code != 1 || !strings.Contains(errs, "import.column_missing") {
		t.Errorf("missing name column: exit %d %s", code, errs)
	}
	var o, e bytes.Buffer
	if code := Main(ctx, &Env{Stdout: &o, Stderr: &e, Getenv: func(string) string { return "" }}, []string{"import", "components", "--db", dsn, "x.txt"}); code != 2 {
		t.Errorf("wrong extension: exit %d", code)
	}
}
