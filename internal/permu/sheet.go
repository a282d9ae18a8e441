package permu

import (
	"strconv"
	"strings"
)

// CellError locates a bad cell: Row is the spreadsheet's own 1-based row (the
// header is row 1), Column the header as written, Field the column key.
type CellError struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Field  string `json:"field,omitempty"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// SheetRow is one checked row of a statistics sheet.
type SheetRow struct {
	Line    int // spreadsheet row number
	USCC    string
	Period  Period
	Figures map[string]float64
}

// Column is a column of the statistics sheet (template and import).
type Column struct {
	Key, ZH, EN string
	Required    bool
}

// Columns are the statistics sheet's columns: who, when, then every figure
// with its unit in the Chinese header, as offices write them.
func Columns() []Column {
	cols := []Column{
		{Key: "uscc", ZH: "统一社会信用代码", EN: "USCC", Required: true},
		{Key: "name", ZH: "企业名称", EN: "Name"},
		{Key: "period", ZH: "统计期", EN: "Period", Required: true},
	}
	for _, f := range Figures {
		cols = append(cols, Column{Key: f.ID, ZH: f.ZH + "(" + f.Unit + ")", EN: f.EN + " (" + f.Unit + ")"})
	}
	return cols
}

// MaxSheetRows bounds one import.
const MaxSheetRows = 100000

// maxCellErrors bounds the error list of a badly broken sheet.
const maxCellErrors = 500

// normHeader folds "税收（万元）", "税收(万元)" and " Tax " onto one key.
func normHeader(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	h = strings.NewReplacer("（", "(", "）", ")", "\u3000", " ").Replace(h)
	if i := strings.IndexByte(h, '('); i > 0 {
		h = h[:i]
	}
	return strings.ToLower(strings.Join(strings.Fields(h), ""))
}

var headerAliases = map[string]string{
	"统一社会信用代码": "uscc", "社会信用代码": "uscc", "信用代码": "uscc",
	"统计期": "period", "期间": "period", "报告期": "period", "月份": "period",
	"名称": "name", "单位名称": "name",
}

// ParseSheet checks a statistics sheet (header row first) cell by cell:
// unknown or duplicated columns, empty or unknown USCCs (known says which the
// importer may write), bad periods, non-numbers, negatives, and a (USCC,
// period) given twice. Rows come back only when there is no error at all.
func ParseSheet(table [][]string, known func(uscc string) bool) ([]SheetRow, []CellError) {
	if len(table) == 0 {
		return nil, []CellError{{Row: 1, Code: "import.empty", Detail: "the sheet has no header row"}}
	}
	lookup := map[string]string{}
	for _, c := range Columns() {
		lookup[normHeader(c.Key)], lookup[normHeader(c.ZH)], lookup[normHeader(c.EN)] = c.Key, c.Key, c.Key
	}
	for _, f := range Figures {
		lookup[normHeader(f.ZH)] = f.ID
	}
	for a, k := range headerAliases {
		lookup[normHeader(a)] = k
	}
	var errs []CellError
	add := func(e CellError) bool {
		errs = append(errs, e)
		return len(errs) < maxCellErrors
	}
	pos := map[string]int{}
	header := table[0]
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			continue
		}
		k, ok := lookup[normHeader(h)]
		switch {
		case !ok:
			add(CellError{Row: 1, Column: h, Code: "import.column_unknown", Detail: "not a column of the statistics sheet"})
		case pos[k] > 0:
			add(CellError{Row: 1, Column: h, Field: k, Code: "import.column_duplicate", Detail: "column given twice"})
		default:
			pos[k] = i + 1 // 0 means absent
		}
	}
	for _, c := range Columns() {
		if c.Required && pos[c.Key] == 0 {
			add(CellError{Row: 1, Column: c.ZH, Field: c.Key, Code: "import.column_missing", Detail: "required column is missing"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(table)-1 > MaxSheetRows {
		return nil, []CellError{{Row: MaxSheetRows + 2, Code: "import.too_many_rows", Detail: "at most " + strconv.Itoa(MaxSheetRows) + " rows per import"}}
	}
	cell := func(row []string, k string) (string, string) {
		i := pos[k] - 1
		col := header[i]
		if i < len(row) {
			return strings.TrimSpace(row[i]), col
		}
		return "", col
	}
	seen := map[string]int{}
	out := make([]SheetRow, 0, len(table)-1)
	for n, row := range table[1:] {
		line := n + 2
		if blank(row) {
			continue
		}
		r := SheetRow{Line: line, Figures: map[string]float64{}}
		ok := true
		u, col := cell(row, "uscc")
		r.USCC = strings.ToUpper(u)
		switch {
		case r.USCC == "":
			add(CellError{Row: line, Column: col, Field: "uscc", Code: "import.required", Detail: "the USCC is required"})
			ok = false
		case known != nil && !known(r.USCC):
			add(CellError{Row: line, Column: col, Field: "uscc", Code: "stats.uscc_unknown", Detail: "no enterprise with this USCC that you may report for"})
			ok = false
		}
		ps, pcol := cell(row, "period")
		p, err := ParsePeriod(ps)
		if err != nil {
			add(CellError{Row: line, Column: pcol, Field: "period", Code: "stats.period", Detail: err.(*Error).Detail})
			ok = false
		}
		r.Period = p
		for _, f := range Figures {
			if pos[f.ID] == 0 {
				continue
			}
			s, fcol := cell(row, f.ID)
			v, present, code := ParseNumber(s)
			if code == "" && present {
				if err := CheckValue(f.ID, v); err != nil {
					code = err.(*Error).Code
				}
			}
			if code != "" {
				add(CellError{Row: line, Column: fcol, Field: f.ID, Code: code, Detail: numberDetail[code]})
				ok = false
				continue
			}
			if present {
				r.Figures[f.ID] = v
			}
		}
		if r.USCC != "" && err == nil {
			key := r.USCC + "|" + p.String()
			if first, dup := seen[key]; dup {
				add(CellError{Row: line, Column: pcol, Field: "period", Code: "stats.duplicate", Detail: "this enterprise and period are also on row " + strconv.Itoa(first)})
				ok = false
			} else {
				seen[key] = line
			}
		}
		if len(errs) >= maxCellErrors {
			break
		}
		if ok {
			out = append(out, r)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

var numberDetail = map[string]string{
	"cell.not_number":      "not a number",
	"stats.negative":       "must not be negative",
	"stats.value_range":    "not a finite number in range",
	"stats.figure_unknown": "unknown figure",
}

// ParseNumber reads a cell: thousands separators are allowed; empty, "-",
// "—", "/" and "无" mean not reported. code is "cell.not_number" for anything else.
func ParseNumber(s string) (v float64, present bool, code string) {
	s = strings.TrimSpace(s)
	switch s {
	case "", "-", "—", "/", "无", "－":
		return 0, false, ""
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil {
		return 0, false, "cell.not_number"
	}
	return f, true, ""
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
