package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"towngrid/internal/scoring"
)

func init() {
	Register(&Command{Name: "assess mu", Short: "per-mu evaluation (亩均论英雄) of a figures sheet", Run: runAssessMu})
	Register(&Command{Name: "assess schemes", Short: "list scoring schemes, or show one as JSON", Run: runAssessSchemes})
}

func runAssessSchemes(_ context.Context, env *Env, args []string) error {
	if len(args) > 1 {
		return Usagef("assess schemes [NAME]")
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	if len(args) == 1 {
		s, err := loadScheme(args[0])
		if err != nil {
			return err
		}
		return enc.Encode(s)
	}
	type row struct {
		ID           string `json:"id"`
		Name         string `json:"name"`
		Jurisdiction string `json:"jurisdiction"`
		DataYear     int    `json:"data_year"`
		Effective    string `json:"effective"`
		Version      int    `json:"version"`
	}
	var out []row
	for _, id := range scoring.SeedIDs() {
		s, err := scoring.Seed(id)
		if err != nil {
			return err
		}
		out = append(out, row{s.ID, s.Name, s.Jurisdiction, s.DataYear, s.Effective, s.Version})
	}
	return enc.Encode(out)
}

// loadScheme takes a seeded scheme's id or a JSON file (an edited scheme).
func loadScheme(name string) (*scoring.Scheme, error) {
	if strings.HasSuffix(name, ".json") || strings.ContainsRune(name, os.PathSeparator) {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		return scoring.ParseScheme(b)
	}
	s, err := scoring.Seed(name)
	if err != nil {
		return nil, Usagef("%v (known: %s)", err, strings.Join(scoring.SeedIDs(), ", "))
	}
	return s, nil
}

func runAssessMu(_ context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("assess mu", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	schemeName := fs.String("scheme", "", "seeded scheme id (see `assess schemes`) or scheme JSON file")
	inPath := fs.String("input", "", "figures sheet, .csv or .xlsx (headers in Chinese or English)")
	outPath := fs.String("out", "", "result file, .csv, .xlsx or .json")
	by := fs.String("by", "unit", "category to aggregate by in the summary (unit = park/town)")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if *schemeName == "" || *inPath == "" || *outPath == "" || fs.NArg() > 0 {
		return Usagef("assess mu --scheme NAME|FILE --input figures.csv|xlsx --out result.csv|xlsx|json")
	}
	outExt := strings.ToLower(filepath.Ext(*outPath))
	if outExt != ".csv" && outExt != ".xlsx" && outExt != ".json" {
		return Usagef("--out must end in .csv, .xlsx or .json")
	}
	s, err := loadScheme(*schemeName)
	if err != nil {
		return err
	}
	eng, err := scoring.Compile(s)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(*inPath)
	if err != nil {
		return err
	}
	header, rows, err := readSheet(raw, strings.ToLower(filepath.Ext(*inPath)))
	if err != nil {
		return err
	}
	in, err := scoring.ParseTable(s, header, rows)
	if err != nil {
		return err // every bad cell, with row and column; nothing is written
	}
	t0 := time.Now()
	res, err := eng.Score(in)
	if err != nil {
		return err
	}
	elapsed := time.Since(t0)
	var sums []string
	for _, f := range s.Figures {
		if _, ok := in.Figures[f.ID]; ok {
			sums = append(sums, f.ID)
		}
	}
	var ratios []scoring.Ratio
	if _, ok := in.Figures["tax"]; ok {
		if _, ok := in.Figures["land_mu"]; ok {
			ratios = []scoring.Ratio{{ID: "tax_per_mu", Num: "tax", Den: "land_mu"}}
		}
	}
	agg, err := res.Aggregate(*by, sums, ratios)
	if err != nil {
		return err
	}
	if err := writeResult(*outPath, outExt, res, agg); err != nil {
		return err
	}
	summary := map[string]any{"scheme": s.ID, "version": s.Version, "n": in.N, "out": *outPath,
		"score_ms": float64(elapsed.Microseconds()) / 1000, "absent_figures": eng.Absent(in), "aggregates": agg}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(summary)
}

// readSheet reads the first worksheet of an xlsx, or a CSV, into strings.
func readSheet(raw []byte, ext string) ([]string, [][]string, error) {
	switch ext {
	case ".csv", ".txt":
		return scoring.ReadCSV(bytes.NewReader(raw))
	case ".xlsx":
		return readXLSX(raw)
	}
	return nil, nil, Usagef("--input must be .csv or .xlsx, not %q", ext)
}

func readXLSX(raw []byte) ([]string, [][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, &scoring.Error{Code: "xlsx.open", Detail: err.Error()}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, &scoring.Error{Code: "table.empty", Detail: "the workbook has no sheet"}
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, nil, &scoring.Error{Code: "xlsx.read", Detail: err.Error()}
	}
	if len(rows) == 0 {
		return nil, nil, &scoring.Error{Code: "table.empty", Detail: "the sheet has no header row"}
	}
	return rows[0], rows[1:], nil
}

// resultColumns: fixed columns, then actual/score/flags of every item of the scheme
// (blank where the entity's group has no such item).
func resultColumns(s *scoring.Scheme) ([]string, []string) {
	head := []string{"id", "name", "unit", "group", "group_name", "total", "rank", "group_size", "percentile", "class", "class_name", "unclassified"}
	var items []string
	seen := map[string]bool{}
	for _, g := range s.Groups {
		for _, it := range g.Items {
			if !seen[it.ID] {
				seen[it.ID] = true
				items = append(items, it.ID)
				head = append(head, it.ID+"_actual", it.ID+"_score", it.ID+"_flags")
			}
		}
	}
	return head, items
}

func resultRow(res *scoring.Result, i int, items []string, unit string) []string {
	c := res.Card(i)
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	row := []string{c.ID, c.Name, unit, c.Group, c.GroupName, "", "", strconv.Itoa(c.GroupSize), "", c.Class, c.ClassName, ""}
	if c.Group != "" && !c.Unclassified {
		row[5], row[6], row[8] = f(c.Total), strconv.Itoa(c.Rank), f(c.Percentile)
	}
	if c.Unclassified {
		row[11] = "1"
	}
	for _, id := range items {
		var a, sc, fl string
		for _, it := range c.Items {
			if it.ID != id {
				continue
			}
			if it.Actual != nil {
				a = f(*it.Actual)
			}
			sc = f(it.Score)
			var flags []string
			for _, x := range []struct {
				on   bool
				name string
			}{{it.Missing, "missing"}, {it.MeanRule, "mean_rule"}, {it.Capped, "capped"}, {it.Floored, "floored"}} {
				if x.on {
					flags = append(flags, x.name)
				}
			}
			fl = strings.Join(flags, "|")
		}
		row = append(row, a, sc, fl)
	}
	return row
}

// writeResult writes to a temporary file and renames it, so that a failure never
// leaves a half-written result where the analyst expects one.
func writeResult(path, ext string, res *scoring.Result, agg []scoring.UnitAggregate) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".assess-*"+ext)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	head, items := resultColumns(res.Scheme)
	unitOf := func(i int) string {
		if c := res.In.Cats["unit"]; c != nil {
			return c.Get(i)
		}
		return ""
	}
	switch ext {
	case ".csv":
		cw := csv.NewWriter(w)
		if err = cw.Write(head); err == nil {
			for i := 0; i < res.In.N && err == nil; i++ {
				err = cw.Write(resultRow(res, i, items, unitOf(i)))
			}
			cw.Flush()
			err = cmpErr(err, cw.Error())
		}
	case ".json":
		cards := make([]scoring.Card, res.In.N)
		for i := range cards {
			cards[i] = res.Card(i)
		}
		err = json.NewEncoder(w).Encode(map[string]any{"scheme": res.Scheme.ID, "version": res.Scheme.Version,
			"cards": nanSafe(cards), "aggregates": agg})
	case ".xlsx":
		err = writeXLSX(w, head, items, res, unitOf)
	}
	if err = cmpErr(err, w.Flush()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// nanSafe replaces non-finite benchmarks (an empty group's computed mean) by 0,
// which encoding/json cannot represent.
func nanSafe(cards []scoring.Card) []scoring.Card {
	for i := range cards {
		for k := range cards[i].Items {
			if b := cards[i].Items[k].Benchmark; math.IsNaN(b) || math.IsInf(b, 0) {
				cards[i].Items[k].Benchmark = 0
			}
		}
	}
	return cards
}

func writeXLSX(w io.Writer, head, items []string, res *scoring.Result, unitOf func(int) string) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	toRow := func(ss []string) []any {
		out := make([]any, len(ss))
		for k, s := range ss {
			if x, err := strconv.ParseFloat(s, 64); err == nil && k > 4 {
				out[k] = x
			} else {
				out[k] = s
			}
		}
		return out
	}
	if err := sw.SetRow("A1", toRow(head)); err != nil {
		return err
	}
	for i := 0; i < res.In.N; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, toRow(resultRow(res, i, items, unitOf(i)))); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	if b != nil {
		return fmt.Errorf("write: %w", b)
	}
	return nil
}
