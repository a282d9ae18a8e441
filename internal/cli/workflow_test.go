package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func runWF(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestWorkflowCommands(t *testing.T) {
	code, out, _ := runWF("", "workflow", "flows")
	var rows []struct{ ID string }
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 6 {
		t.Fatalf("flows: %d %s", code, out)
	}
	code, out, _ = runWF("", "workflow", "flows", "citycase")
	if code != 0 || !strings.Contains(out, `"initial": "reported"`) {
		t.Errorf("flows citycase: %d %.200s", code, out)
	}
	// The seeded flow printed by one command validates with the other.
	code, vout, _ := runWF(out, "workflow", "validate")
	if code != 0 || !strings.Contains(vout, `"ok": true`) {
		t.Errorf("validate seeded: %d %s", code, vout)
	}
	code, vout, _ = runWF(`{"id":"x","kind":"x","version":1}`, "workflow", "validate")
	if code != 1 || !strings.Contains(vout, "workflow.flow_invalid") {
		t.Errorf("validate bad: %d %s", code, vout)
	}
	// §5.1 example C01012019041101.
	code, out, _ = runWF("", "workflow", "casenumber", "-category", "C0101", "-date", "2019-04-11", "-serial", "1")
	if code != 0 || !strings.Contains(out, "C01012019041101") {
		t.Errorf("casenumber: %d %s", code, out)
	}
	if code, _, _ = runWF("", "workflow", "casenumber", "-category", "X", "-date", "2019-04-11"); code != 2 {
		t.Errorf("bad category should be a usage error, got %d", code)
	}
	code, out, _ = runWF("", "workflow", "categories", "E0102")
	if code != 0 || !strings.Contains(out, "暴露垃圾") {
		t.Errorf("categories: %d %s", code, out)
	}
}
