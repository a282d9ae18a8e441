package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"towngrid/internal/recordio"
	"towngrid/internal/store"
)

func init() {
	for _, k := range []string{"enterprises", "components"} {
		kind := k
		Register(&Command{Name: "import " + kind, Short: "Import " + kind + " from an xlsx or csv file: all rows or none", Run: func(ctx context.Context, env *Env, args []string) error {
			return runImport(ctx, env, kind, args)
		}})
	}
}

func runImport(ctx context.Context, env *Env, kind string, args []string) error {
	fs, cfg := flags("import "+kind, env)
	dry := fs.Bool("dry-run", false, "check every row, write nothing")
	if err := parse(fs, cfg, env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return Usagef("give one file: towngrid import %s FILE.xlsx|FILE.csv", kind)
	}
	path := fs.Arg(0)
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if format != "xlsx" && format != "csv" {
		return Usagef("%s: the file must end in .xlsx or .csv", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	table, err := recordio.Read(f, format)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	bar := &progressBar{w: stderrOr(env), label: kind}
	opt := recordio.Options{Scope: store.Scope{All: true}, DryRun: *dry, Progress: bar.set}
	actor := store.Actor{Name: "cli", Via: "cli"}
	run := recordio.ImportEnterprises
	if kind == "components" {
		run = recordio.ImportComponents
	}
	res, err := run(ctx, db, actor, table, opt)
	bar.done()
	if err != nil {
		return err
	}
	if err := printJSON(env.Stdout, res); err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		w := stderrOr(env)
		fmt.Fprintf(w, "rejected: %d bad cells in %d rows; nothing was written\n", len(res.Errors), res.Rows)
		for i, e := range res.Errors {
			if i == 20 {
				fmt.Fprintf(w, "  … and %d more (see the JSON on stdout)\n", len(res.Errors)-20)
				break
			}
			fmt.Fprintf(w, "  row %d  %s: %s (%s)\n", e.Row, e.Column, e.Detail, e.Code)
		}
		return fmt.Errorf("import refused")
	}
	return nil
}

// progressBar draws "label [#####     ] 50%" on one line of stderr, redrawn
// only when the percentage changes so that large files stay cheap.
type progressBar struct {
	w     io.Writer
	label string
	last  int
}

func (b *progressBar) set(done, total int) {
	if total <= 0 {
		return
	}
	pct := done * 100 / total
	if pct == b.last && done != total {
		return
	}
	b.last = pct
	n := pct / 5
	fmt.Fprintf(b.w, "\r%s [%s%s] %3d%%", b.label, strings.Repeat("#", n), strings.Repeat(" ", 20-n), pct)
}

func (b *progressBar) done() { fmt.Fprintln(b.w) }
