// Package recordio reads and writes the directory's records as spreadsheets
// (xlsx through excelize, and CSV), the form in which Chinese offices keep
// them: a template with bilingual headers, an import that checks every row and
// every cell before it writes anything, and an export. The HTTP API and the
// `towngrid import` command share it.
package recordio

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Column is one column of a sheet: a stable key and its headers.
type Column struct {
	Key      string
	ZH, EN   string
	Required bool
}

// Header is the header text of c in lang.
func (c Column) Header(lang string) string {
	if lang == "en" {
		return c.EN
	}
	return c.ZH
}

// RowError says which cell of which row is wrong. Row is the spreadsheet's
// own 1-based row number (the header is row 1), so people find it in Excel.
type RowError struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"` // header as written in the file
	Field  string `json:"field,omitempty"`  // column key
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (e RowError) Error() string {
	return fmt.Sprintf("row %d %s: %s (%s)", e.Row, e.Column, e.Detail, e.Code)
}

// Result is the outcome of an import: all rows written, or none.
type Result struct {
	Rows     int        `json:"rows"`
	Imported int        `json:"imported"`
	DryRun   bool       `json:"dry_run,omitempty"`
	Errors   []RowError `json:"errors"`
}

// MaxRows bounds one import (a town has thousands of enterprises, not millions).
const MaxRows = 100000

// ErrFormat marks a file that is not a readable sheet.
var ErrFormat = errors.New("recordio: not a readable sheet")

// Read reads the first sheet of an xlsx file, or a CSV file ("csv"), into rows of cells.
func Read(r io.Reader, format string) ([][]string, error) {
	switch format {
	case "xlsx":
		f, err := excelize.OpenReader(r)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, fmt.Errorf("%w: no sheet", ErrFormat)
		}
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		return rows, nil
	case "csv":
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // Excel writes a BOM in UTF-8 CSV
		cr := csv.NewReader(bytes.NewReader(b))
		cr.FieldsPerRecord = -1
		rows, err := cr.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		return rows, nil
	}
	return nil, fmt.Errorf("%w: format %q (want xlsx or csv)", ErrFormat, format)
}

// mapHeader finds each column's position from the header row; headers may be
// the key, the Chinese or the English header. Unknown and missing required
// columns are row-1 errors.
func mapHeader(cols []Column, header []string) (map[string]int, []string, []RowError) {
	pos := map[string]int{}
	names := make([]string, len(header))
	var errs []RowError
	for i, h := range header {
		h = strings.TrimSpace(h)
		names[i] = h
		if h == "" {
			continue
		}
		found := false
		for _, c := range cols {
			if strings.EqualFold(h, c.Key) || h == c.ZH || strings.EqualFold(h, c.EN) {
				if _, dup := pos[c.Key]; dup {
					errs = append(errs, RowError{Row: 1, Column: h, Field: c.Key, Code: "import.column_duplicate", Detail: "column given twice"})
				}
				pos[c.Key], found = i, true
				break
			}
		}
		if !found {
			errs = append(errs, RowError{Row: 1, Column: h, Code: "import.column_unknown", Detail: "unknown column"})
		}
	}
	for _, c := range cols {
		if _, ok := pos[c.Key]; !ok && c.Required {
			errs = append(errs, RowError{Row: 1, Column: c.ZH, Field: c.Key, Code: "import.column_missing", Detail: "required column missing: " + c.ZH + " / " + c.EN})
		}
	}
	return pos, names, errs
}

// row gives the cells of one data row by column key.
type row struct {
	n     int
	cells map[string]string
}

func rowsOf(cols []Column, table [][]string) ([]row, map[string]string, []RowError) {
	if len(table) == 0 {
		return nil, nil, []RowError{{Row: 1, Code: "import.empty", Detail: "the sheet is empty: the first row must hold the headers"}}
	}
	pos, _, errs := mapHeader(cols, table[0])
	header := map[string]string{}
	for k, i := range pos {
		header[k] = strings.TrimSpace(table[0][i])
	}
	var out []row
	for i, cells := range table[1:] {
		blank := true
		m := map[string]string{}
		for k, p := range pos {
			if p < len(cells) {
				m[k] = strings.TrimSpace(cells[p])
				if m[k] != "" {
					blank = false
				}
			}
		}
		if blank { // trailing empty rows are common in Excel files
			continue
		}
		out = append(out, row{n: i + 2, cells: m})
	}
	if len(out) > MaxRows {
		errs = append(errs, RowError{Row: MaxRows + 2, Code: "import.too_many_rows", Detail: fmt.Sprintf("at most %d rows per import", MaxRows)})
	}
	return out, header, errs
}

// Write writes a sheet: the headers in lang, then the rows, as xlsx or csv.
func Write(w io.Writer, format string, cols []Column, lang string, rows [][]string) error {
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Header(lang)
	}
	if format == "csv" {
		if _, err := w.Write([]byte("\xef\xbb\xbf")); err != nil { // so that Excel reads UTF-8
			return err
		}
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
		return cw.Error()
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cells := func(ss []string) []any {
		out := make([]any, len(ss))
		for i, s := range ss {
			out[i] = s
		}
		return out
	}
	if err := sw.SetRow("A1", cells(header)); err != nil {
		return err
	}
	for i, r := range rows {
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(ref, cells(r)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
