package recordio

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteReadRoundTrip(t *testing.T) {
	for _, format := range []string{"xlsx", "csv"} {
		var buf bytes.Buffer
		rows := [][]string{{"91440300708461136T", "腾讯", "I6510"}}
		if err := Write(&buf, format, EnterpriseColumns[:3], "zh-CN", rows); err != nil {
			t.Fatal(err)
		}
		table, err := Read(&buf, format)
		if err != nil {
			t.Fatal(err)
		}
		if len(table) != 2 || table[0][0] != "统一社会信用代码" || table[1][1] != "腾讯" {
			t.Errorf("%s: %v", format, table)
		}
		got, header, errs := rowsOf(EnterpriseColumns, table)
		if len(errs) != 0 || len(got) != 1 || got[0].n != 2 || got[0].cells["uscc"] != rows[0][0] || header["name"] != "企业名称" {
			t.Errorf("%s: rows %v errs %v", format, got, errs)
		}
	}
}

func TestHeaderErrors(t *testing.T) {
	_, _, errs := rowsOf(EnterpriseColumns, [][]string{{"USCC", "颜色"}})
	codes := map[string]bool{}
	for _, e := range errs {
		codes[e.Code+" "+e.Field] = true
	}
	if !codes["import.column_unknown "] || !codes["import.column_missing name"] || len(errs) != 2 {
		t.Errorf("errors %+v", errs)
	}
}

// Read parses uploaded files: it must never panic.
func FuzzRead(f *testing.F) {
	var x bytes.Buffer
	_ = Write(&x, "xlsx", ComponentColumns, "en", [][]string{{"4420000101000001"}})
	f.Add(x.Bytes(), true)
	f.Add([]byte("code,state\n1,\"x"), false)
	f.Fuzz(func(t *testing.T, b []byte, xlsx bool) {
		format := "csv"
		if xlsx {
			format = "xlsx"
		}
		table, err := Read(bytes.NewReader(b), format)
		if err != nil {
			return
		}
		rows, _, _ := rowsOf(ComponentColumns, table)
		for _, r := range rows {
			if r.n < 2 {
				t.Fatalf("data row numbered %d", r.n)
			}
			for _, v := range r.cells {
				if v != strings.TrimSpace(v) {
					t.Fatal("cell not trimmed")
				}
			}
		}
	})
}
