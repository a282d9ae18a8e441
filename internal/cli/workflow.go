package cli

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"time"

	"towngrid/internal/calendar"
	"towngrid/internal/workflow"
)

func init() {
	Register(&Command{Name: "workflow flows", Short: "list the seeded work-order flows, or show one as JSON", Run: runWorkflowFlows})
	Register(&Command{Name: "workflow validate", Short: "validate a flow definition (JSON file or stdin)", Run: runWorkflowValidate})
	Register(&Command{Name: "workflow categories", Short: "list the seeded 部件/事件 categories, or show one", Run: runWorkflowCategories})
	Register(&Command{Name: "workflow casenumber", Short: "format a case number (案卷号) C|E+大类+小类+YYYYMMDD+serial", Run: runWorkflowCaseNumber})
}

func wfJSON(env *Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runWorkflowFlows(_ context.Context, env *Env, args []string) error {
	if len(args) > 1 {
		return Usagef("workflow flows [ID]")
	}
	fs, err := workflow.SeedFlows()
	if err != nil {
		return err
	}
	if len(args) == 1 {
		f, ok := fs[args[0]]
		if !ok {
			return Usagef("unknown flow %q (have %v)", args[0], workflow.SeedFlowIDs())
		}
		return wfJSON(env, f)
	}
	type row struct {
		ID      string `json:"id"`
		Kind    string `json:"kind"`
		Version int    `json:"version"`
		Label   string `json:"label"`
		States  int    `json:"states"`
		Actions int    `json:"actions"`
	}
	var out []row
	for _, id := range workflow.SeedFlowIDs() {
		f := fs[id]
		out = append(out, row{f.ID, f.Kind, f.Version, f.Label, len(f.States), len(f.Actions)})
	}
	return wfJSON(env, out)
}

func runWorkflowValidate(_ context.Context, env *Env, args []string) error {
	fl := flag.NewFlagSet("towngrid workflow validate", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	file := fl.String("f", "-", "flow JSON file, - for stdin")
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 {
		return Usagef("workflow validate [-f FILE]")
	}
	var data []byte
	var err error
	if *file == "-" {
		data, err = io.ReadAll(io.LimitReader(env.Stdin, 1<<20))
	} else {
		data, err = os.ReadFile(*file)
	}
	if err != nil {
		return err
	}
	f, err := workflow.ParseFlow(data)
	if err != nil {
		_ = wfJSON(env, map[string]any{"ok": false, "error": err})
		return err
	}
	return wfJSON(env, map[string]any{"ok": true, "id": f.ID, "version": f.Version})
}

func runWorkflowCategories(_ context.Context, env *Env, args []string) error {
	if len(args) > 1 {
		return Usagef("workflow categories [CODE]")
	}
	t, err := workflow.SeedCategories()
	if err != nil {
		return err
	}
	if len(args) == 1 {
		c, ok := t.Get(args[0])
		if !ok {
			return Usagef("unknown category %q", args[0])
		}
		return wfJSON(env, c)
	}
	return wfJSON(env, t)
}

func runWorkflowCaseNumber(_ context.Context, env *Env, args []string) error {
	fl := flag.NewFlagSet("towngrid workflow casenumber", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	cat := fl.String("category", "", "category code, e.g. E0102")
	date := fl.String("date", "", "date YYYY-MM-DD (Asia/Shanghai)")
	serial := fl.Int("serial", 1, "daily serial")
	width := fl.Int("width", 2, "serial width")
	if err := fl.Parse(args); err != nil || fl.NArg() > 0 || *cat == "" || *date == "" || *width < 1 || *width > 8 {
		return Usagef("workflow casenumber -category CODE -date YYYY-MM-DD [-serial N] [-width 2]")
	}
	d, err := time.ParseInLocation("2006-01-02", *date, calendar.Location())
	if err != nil {
		return Usagef("bad date %q", *date)
	}
	n, err := workflow.CaseNumber(*cat, d, *serial, *width)
	if err != nil {
		return Usagef("%v", err)
	}
	return wfJSON(env, map[string]string{"number": n})
}
