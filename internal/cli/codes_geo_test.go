package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func runCG(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
	return code, out.String(), errb.String()
}

func TestCodeCheckCommand(t *testing.T) {
	code, out, _ := runCG(t, "", "code", "check", "-kind", "uscc", "91440300708461136T", "91440300708461136U")
	if code != 1 {
		t.Fatalf("exit %d, want 1 for one invalid code", code)
	}
	var res []struct {
		Valid bool
		Error *struct{ Code string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 2 {
		t.Fatalf("output %q: %v", out, err)
	}
	if !res[0].Valid || res[1].Valid || res[1].Error.Code != "uscc.check_char" {
		t.Errorf("results %+v", res)
	}
	// ID numbers are never echoed in clear.
	code, out, _ = runCG(t, "", "code", "check", "-kind", "idcard", "11010519491231002X")
	if code != 0 || strings.Contains(out, "11010519491231002X") || !strings.Contains(out, "1101**********002X") {
		t.Errorf("idcard: exit %d, %s", code, out)
	}
	if code, _, _ := runCG(t, "", "code", "check", "-kind", "nope", "1"); code != 2 {
		t.Errorf("bad kind exit %d, want 2", code)
	}
}

func TestGeoConvertCommand(t *testing.T) {
	code, out, _ := runCG(t, "", "geo", "convert", "-from", "wgs84", "-to", "gcj02", "116.404", "39.915")
	var p struct{ Lon, Lat float64 }
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil {
		t.Fatalf("exit %d, %s", code, out)
	}
	// wandergis/coordtransform's published pair.
	if d := p.Lon - 116.41024449916938; d > 1e-9 || d < -1e-9 {
		t.Errorf("lon %v", p.Lon)
	}
	if code, _, _ := runCG(t, "", "geo", "convert", "-to", "utm", "1", "2"); code != 2 {
		t.Errorf("unknown crs exit %d", code)
	}
}

func TestGeoValidateCommand(t *testing.T) {
	doc := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":"a","properties":{"parent":"c"},"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.002,30],[120.002,30.002],[120,30.002],[120,30]]]}},
	 {"type":"Feature","id":"b","properties":{"parent":"c"},"geometry":{"type":"Polygon","coordinates":[[[120.001,30],[120.003,30],[120.003,30.002],[120.001,30.002],[120.001,30]]]}}]}`
	code, out, _ := runCG(t, doc, "geo", "validate")
	if code != 1 || !strings.Contains(out, `"area.overlap"`) || !strings.Contains(out, `"other_id": "b"`) {
		t.Errorf("exit %d, %s", code, out)
	}
	if code, _, _ := runCG(t, `{"type":"Point"}`, "geo", "validate"); code != 2 {
		t.Errorf("not a collection: exit %d", code)
	}
}
