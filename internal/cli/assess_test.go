package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }}, args)
	return code, out.String(), errb.String()
}

// Chinese headers with units; Huangyan 2022 data (standards.md §1.2): 规下 亩均税收 11.5932 × 50,
// 单位用电税收 0.2352 × 50.
const muSheet = "统一社会信用代码,企业名称,规模,所属园区,评价税收（万元）,用地面积（亩）,用电量（kWh）\n" +
	"X1,甲,规下,北园,20,2,500000\n" +
	"X2,乙,规下,北园,10,2,500000\n"

func TestAssessMuCSVAndJSON(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	os.WriteFile(in, []byte(muSheet), 0o644)
	out := filepath.Join(dir, "out.csv")
	code, stdout, stderr := runCLI(t, "assess", "mu", "--scheme", "huangyan-2022", "--input", in, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || sum["n"].(float64) != 2 {
		t.Fatalf("summary %s %v", stdout, err)
	}
	f, _ := os.Open(out)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != 3 {
		t.Fatalf("result %v %v", recs, err)
	}
	col := map[string]int{}
	for k, h := range recs[0] {
		col[h] = k
	}
	x1, _ := strconv.ParseFloat(recs[1][col["total"]], 64)
	want := 20.0/2/11.5932*50 + 20.0*10000/500000/0.2352*50
	if math.Abs(x1-want) > 1e-9 || recs[1][col["rank"]] != "1" || recs[1][col["class"]] != "B" || recs[2][col["class"]] != "D" {
		t.Errorf("X1 %v (want %v) rank %s class %s; X2 class %s", x1, want, recs[1][col["rank"]], recs[1][col["class"]], recs[2][col["class"]])
	}
	jout := filepath.Join(dir, "out.json")
	if code, _, stderr := runCLI(t, "assess", "mu", "--scheme", "huangyan-2022", "--input", in, "--out", jout); code != 0 {
		t.Fatal(stderr)
	}
	var doc struct {
		Cards []struct {
			ID    string
			Class string
			Items []struct{ ID string }
		}
	}
	b, _ := os.ReadFile(jout)
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Cards) != 2 || len(doc.Cards[0].Items) != 2 {
		t.Errorf("json %v %+v", err, doc)
	}
}

func TestAssessMuBadCellWritesNothing(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	os.WriteFile(in, []byte(strings.Replace(muSheet, ",10,", ",十,", 1)), 0o644)
	out := filepath.Join(dir, "out.csv")
	code, _, stderr := runCLI(t, "assess", "mu", "--scheme", "huangyan-2022", "--input", in, "--out", out)
	if code != 1 || !strings.Contains(stderr, "row 3, column 5") || !strings.Contains(stderr, "cell.not_number") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files written: %v", ents)
	}
	if code, _, _ := runCLI(t, "assess", "mu", "--scheme", "nowhere", "--input", in, "--out", out); code != 2 {
		t.Errorf("unknown scheme: exit %d", code)
	}
}

func TestAssessMuXLSX(t *testing.T) {
	dir := t.TempDir()
	x := excelize.NewFile()
	r, _ := csv.NewReader(strings.NewReader(muSheet)).ReadAll()
	for i, row := range r {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(row))
		for k, v := range row {
			vals[k] = v
		}
		x.SetSheetRow("Sheet1", cell, &vals)
	}
	in := filepath.Join(dir, "in.xlsx")
	if err := x.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.xlsx")
	if code, _, stderr := runCLI(t, "assess", "mu", "--scheme", "huangyan-2022", "--input", in, "--out", out); code != 0 {
		t.Fatal(stderr)
	}
	y, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := y.GetRows("Sheet1")
	if len(rows) != 3 || rows[1][0] != "X1" || rows[1][9] != "B" {
		t.Errorf("xlsx rows %v", rows)
	}
}

func TestAssessSchemes(t *testing.T) {
	code, out, _ := runCLI(t, "assess", "schemes")
	var list []struct{ ID string }
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 3 {
		t.Fatalf("list %d %s", code, out)
	}
	code, out, _ = runCLI(t, "assess", "schemes", "linhai-2014")
	if code != 0 || !strings.Contains(out, "单位COD排放工业增加值") {
		t.Errorf("show %d %s", code, out)
	}
}

// FuzzReadXLSX: arbitrary bytes as a workbook never panic, and a sheet that opens
// has a header.
func FuzzReadXLSX(f *testing.F) {
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"id", "tax", "land_mu"})
	x.SetSheetRow("Sheet1", "A2", &[]any{"a", 1, 2})
	var buf bytes.Buffer
	x.Write(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, _, err := readXLSX(data)
		if err == nil && h == nil {
			t.Fatal("no error and no header")
		}
	})
}
