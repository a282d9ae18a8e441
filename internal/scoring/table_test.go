package scoring

import (
	"errors"
	"math"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const zhCSV = "\ufeff统一社会信用代码,企业名称,规模,企业类型,所属园区,评价税收（万元）,用地面积(亩),用电量(kWh),备注\n" +
	"91331003MA2AAAAA1X,甲公司,规下,,北园,\"1,200\",40,5000000,x\n" +
	"91331003MA2AAAAA2X,乙公司,规上,在建,南园,-,3.5,,\n"

func TestParseTableChineseHeaders(t *testing.T) {
	s, _ := Seed("huangyan-2022")
	h, rows, err := ReadCSV(strings.NewReader(zhCSV))
	if err != nil {
		t.Fatal(err)
	}
	in, err := ParseTable(s, h, rows)
	if err != nil {
		t.Fatal(err)
	}
	if in.N != 2 || in.Name[0] != "甲公司" || in.Figures["tax"][0] != 1200 || !math.IsNaN(in.Figures["tax"][1]) ||
		in.Figures["land_mu"][1] != 3.5 || in.Cats["scale"].Get(1) != ScaleAbove || in.Cats["kind"].Get(1) != "在建" ||
		in.Cats["unit"].Get(0) != "北园" {
		t.Errorf("parsed %+v", in)
	}
	// The same sheet saved by Excel in GB18030.
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String(strings.TrimPrefix(zhCSV, "\ufeff"))
	h2, rows2, err := ReadCSV(strings.NewReader(gb))
	if err != nil || h2[1] != "企业名称" || len(rows2) != 2 {
		t.Errorf("GB18030: %v %q", err, h2)
	}
}

func TestParseTableReportsBadCells(t *testing.T) {
	s, _ := Seed("huangyan-2022")
	h := []string{"id", "tax", "land_mu", "scale"}
	rows := [][]string{{"a", "1", "2", "above"}, {"b", "12万", "2", "中型"}, {"a", "0x10", "Inf", "below"}, {"", "1", "1", "规下"}}
	_, err := ParseTable(s, h, rows)
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("want Errors, got %v", err)
	}
	type cell struct {
		row, col int
		code     string
	}
	want := []cell{{3, 2, "cell.not_number"}, {3, 4, "cell.scale"}, {4, 1, "cell.id_duplicate"}, {4, 2, "cell.not_number"},
		{4, 3, "cell.not_number"}, {5, 1, "cell.id_empty"}}
	if len(es) != len(want) {
		t.Fatalf("errors %v", es)
	}
	for k, w := range want {
		if es[k].Row != w.row || es[k].Col != w.col || es[k].Code != w.code {
			t.Errorf("error %d = %v, want %+v", k, es[k], w)
		}
	}
	if _, err := ParseTable(s, []string{"tax", "税收"}, nil); err == nil || !strings.Contains(err.Error(), "header.duplicate") {
		t.Errorf("duplicate header: %v", err)
	}
}

// FuzzReadCSV: no panic on any sheet; on success every row is an entity with finite or
// NaN figures and a non-empty unique id; on failure every error is located.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(zhCSV))
	f.Add([]byte("id,tax,land_mu,scale\na,1,2,above\n"))
	f.Add([]byte("id,\"tax\nb\",x\n\"a"))
	f.Add([]byte{0xff, 0xfe, ',', '\n'})
	s, _ := Seed("huangyan-2022")
	f.Fuzz(func(t *testing.T, data []byte) {
		h, rows, err := ReadCSV(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		in, err := ParseTable(s, h, rows)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 || len(es) > maxCellErrors {
				t.Fatalf("bad error %v", err)
			}
			for _, e := range es {
				if e.Row < 1 || e.Code == "" {
					t.Fatalf("unlocated error %+v", e)
				}
			}
			return
		}
		ids := map[string]bool{}
		for i := 0; i < in.N; i++ {
			if in.ID[i] == "" || ids[in.ID[i]] {
				t.Fatalf("bad id %q", in.ID[i])
			}
			ids[in.ID[i]] = true
		}
		for _, col := range in.Figures {
			for _, v := range col {
				if math.IsInf(v, 0) {
					t.Fatal("infinite figure")
				}
			}
		}
		// Whatever parsed must score without error or panic.
		e, _ := Compile(s)
		if _, err := e.Score(in); err != nil {
			t.Fatal(err)
		}
	})
}
