package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"towngrid/internal/directory"
)

func runCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), env, args)
	return out.String(), errb.String(), code
}

func TestImportExportAreas(t *testing.T) {
	dir := t.TempDir()
	s := directory.Sample{Town: "442000113", Lon: 113.3, Lat: 22.5, Communities: 2, GX: 2, GY: 2, CommunityGeometry: true}
	good := filepath.Join(dir, "town.geojson")
	if err := os.WriteFile(good, s.FeatureCollection(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCmd(t, "import", "areas", good, "--data", dir)
	var rep directory.ImportReport
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Created != 11 {
		t.Fatalf("import: exit %d %s %s", code, out, errs)
	}
	if !strings.Contains(errs, "write    [###") || !strings.Contains(errs, "11 areas written") {
		t.Errorf("no progress bar or summary on stderr:\n%s", errs)
	}
	// A broken file: exit 1, the reasons on stderr, nothing written.
	items := s.Items()
	items[3].Geometry = items[2].Geometry
	broken := strings.Replace(string(s.FeatureCollection()), string(s.Items()[3].Geometry), string(items[2].Geometry), 1)
	broken = strings.Replace(broken, `"code":"44200011300201"`, `"code":"4420001130020"`, 1)
	bad := filepath.Join(dir, "bad.geojson")
	_ = os.WriteFile(bad, []byte(broken), 0o600)
	_, errs, code = runCmd(t, "import", "areas", "--grid-code-width", "2", bad, "--data", dir)
	if code != 1 || !strings.Contains(errs, "REJECTED") || !strings.Contains(errs, "area.overlap") || !strings.Contains(errs, "grid.length") {
		t.Errorf("broken file: exit %d\n%s", code, errs)
	}
	// Export: the same 11 areas, readable by the importer.
	exp := filepath.Join(dir, "out.geojson")
	if _, errs, code := runCmd(t, "export", "areas", "--out", exp, "--data", dir); code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	data, _ := os.ReadFile(exp)
	back, err := directory.ParseAreasGeoJSON(data)
	if err != nil || len(back) != 11 {
		t.Fatalf("export has %d areas: %v", len(back), err)
	}
	// Re-importing the export as a spreadsheet updates everything.
	xl := filepath.Join(dir, "out.xlsx")
	if _, errs, code := runCmd(t, "export", "areas", "--out", xl, "--data", dir); code != 0 {
		t.Fatalf("export xlsx: %d %s", code, errs)
	}
	out, errs, code = runCmd(t, "import", "areas", xl, "--dry-run", "--data", dir)
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Updated != 11 || !rep.DryRun {
		t.Errorf("xlsx re-import: %d %s %s", code, out, errs)
	}
	if _, _, code := runCmd(t, "import", "areas", "--data", dir); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}
