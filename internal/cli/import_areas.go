package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"towngrid/internal/directory"
	"towngrid/internal/store"
)

func init() {
	Register(&Command{Name: "import areas", Short: "import areas from FILE.geojson or FILE.xlsx, all or nothing (--dry-run, --grid-code-width 2|3)", Run: runImportAreas})
	Register(&Command{Name: "export areas", Short: "export areas to --out FILE.geojson or FILE.xlsx (--root CODE, --level)", Run: runExportAreas})
}

// splitFile takes the first positional argument out of args wherever it is,
// so that flags may follow the file name.
func splitFile(args []string) (string, []string) {
	for i, a := range args {
		if a == "--" && i+1 < len(args) {
			return args[i+1], append(append([]string{}, args[:i]...), args[i+2:]...)
		}
		if !strings.HasPrefix(a, "-") && (i == 0 || !needsValue(args[i-1])) {
			return a, append(append([]string{}, args[:i]...), args[i+1:]...)
		}
	}
	return "", args
}

// needsValue reports whether a flag takes the next argument as its value.
func needsValue(a string) bool {
	if !strings.HasPrefix(a, "-") || strings.Contains(a, "=") {
		return false
	}
	switch strings.TrimLeft(a, "-") {
	case "dry-run", "secure-cookie", "h", "help":
		return false
	}
	return true
}

// bar draws a textual progress bar on w, redrawing only when it moves.
type bar struct {
	w     io.Writer
	stage string
	last  int
}

func (b *bar) step(stage string, done, total int) {
	if total == 0 {
		return
	}
	const width = 30
	n := done * width / total
	if stage == b.stage && n == b.last && done != total {
		return
	}
	if stage != b.stage && b.stage != "" && b.last < width {
		fmt.Fprintln(b.w)
	}
	b.stage, b.last = stage, n
	fmt.Fprintf(b.w, "\r%-8s [%s%s] %d/%d", stage, strings.Repeat("#", n), strings.Repeat(".", width-n), done, total)
	if done == total {
		fmt.Fprintln(b.w)
		b.last = width
	}
}

func runImportAreas(ctx context.Context, env *Env, args []string) error {
	file, rest := splitFile(args)
	fs, cfg := flags("import areas", env)
	dry := fs.Bool("dry-run", false, "check the file and report, write nothing")
	width := fs.Int("grid-code-width", 2, "digits of a grid code's sequence: 2 (CJ/T 213, 14 digits) or 3 (DB11, 15 digits)")
	if err := parse(fs, cfg, env, rest); err != nil {
		return err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" {
		return Usagef("name the file: towngrid import areas FILE.geojson|FILE.xlsx")
	}
	if *width != 2 && *width != 3 {
		return Usagef("--grid-code-width must be 2 or 3")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var items []directory.ImportItem
	var pre []directory.ImportIssue
	if strings.HasSuffix(strings.ToLower(file), ".xlsx") {
		items, pre, err = directory.ParseAreasXLSX(strings.NewReader(string(data)))
	} else {
		items, err = directory.ParseAreasGeoJSON(data)
	}
	var fe *directory.FormatError
	if errors.As(err, &fe) {
		return fmt.Errorf("%s: %s", file, fe.Detail)
	}
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	b := &bar{w: stderrOr(env)}
	opt := directory.ImportOptions{Codes: directory.CodeOptions{GridSeqWidth: *width}, DryRun: *dry, Progress: b.step}
	rep, err := db.ImportAreas(ctx, store.Actor{Name: "cli", Via: "cli"}, items, pre, opt)
	if err != nil {
		return err
	}
	if err := printJSON(env.Stdout, rep); err != nil {
		return err
	}
	summarise(stderrOr(env), rep)
	if !rep.OK() {
		return fmt.Errorf("%d problems in %s; nothing was written", len(rep.Errors), file)
	}
	return nil
}

// summarise tells a person at a terminal what was refused and why.
func summarise(w io.Writer, rep *directory.ImportReport) {
	if rep.OK() {
		verb := "written"
		if rep.DryRun {
			verb = "would be written (dry run)"
		}
		fmt.Fprintf(w, "%d areas %s: %d created, %d updated; %d warnings\n", rep.Total, verb, rep.Created, rep.Updated, len(rep.Warnings))
		return
	}
	fmt.Fprintf(w, "REJECTED: %d errors in %d areas; nothing was written\n", len(rep.Errors), rep.Total)
	for i, is := range rep.Errors {
		if i == 50 {
			fmt.Fprintf(w, "  … and %d more (see the JSON report)\n", len(rep.Errors)-50)
			break
		}
		where := fmt.Sprintf("#%d", is.Index)
		if is.Row > 0 {
			where = fmt.Sprintf("row %d", is.Row)
		}
		other := ""
		if is.OtherID != "" {
			other = " ↔ " + is.OtherID
		}
		fmt.Fprintf(w, "  %s %s%s %s %s: %s\n", where, is.ID, other, is.Field, is.Code, is.Detail)
	}
}

func runExportAreas(ctx context.Context, env *Env, args []string) error {
	fs, cfg := flags("export areas", env)
	out := fs.String("out", "", "FILE.geojson or FILE.xlsx")
	rootCode := fs.String("root", "", "export only this area (by code) and what lies below it")
	level := fs.String("level", "", "export only one level (town, community, grid, …)")
	if err := parse(fs, cfg, env, args); err != nil {
		return err
	}
	if *out == "" {
		return Usagef("--out FILE.geojson|FILE.xlsx is required")
	}
	if *level != "" && directory.Level(*level).Depth() < 0 {
		return Usagef("--level: one of province, city, county, town, community, grid")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	var paths []string
	if *rootCode != "" {
		root, err := db.AreaByCode(ctx, *rootCode)
		if err != nil {
			return fmt.Errorf("--root %s: %w", *rootCode, err)
		}
		paths = []string{root.Path}
	}
	areas, err := db.AreasUnder(ctx, paths, directory.Level(*level))
	if err != nil {
		return err
	}
	all, err := db.AllAreas(ctx, "", false)
	if err != nil {
		return err
	}
	codes := make(map[int64]string, len(all))
	for _, a := range all {
		codes[a.ID] = a.Code
	}
	codeOf := func(id int64) string { return codes[id] }
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	if strings.HasSuffix(strings.ToLower(*out), ".xlsx") {
		tooLong, err := directory.WriteAreasXLSX(f, areas, codeOf)
		if err != nil {
			return err
		}
		if len(tooLong) > 0 {
			fmt.Fprintf(stderrOr(env), "%d boundaries are longer than a spreadsheet cell and were left empty (export GeoJSON for them): %s\n", len(tooLong), strings.Join(tooLong, ", "))
		}
	} else if err := directory.WriteAreasGeoJSON(f, areas, codeOf); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return printJSON(env.Stdout, map[string]any{"file": *out, "areas": len(areas)})
}
