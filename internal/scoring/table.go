package scoring

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// maxCellErrors bounds the report on a badly broken sheet.
const maxCellErrors = 100

// Header spellings (normalised by normHeader) of the columns that are not figures.
var fixedColumns = map[string][]string{
	"id":    {"id", "uscc", "code", "统一社会信用代码", "社会信用代码", "信用代码", "企业代码", "企业编号"},
	"name":  {"name", "enterprise", "企业名称", "名称", "单位名称"},
	"unit":  {"unit", "park", "town", "园区", "所属园区", "镇街", "乡镇", "乡镇(街道)", "所属乡镇", "所属镇街"},
	"scale": {"scale", "size", "规模", "企业规模", "规上规下", "是否规上"},
	"kind":  {"kind", "type", "类型", "企业类型"},
}

var scaleValues = map[string]string{
	"规上": ScaleAbove, "规模以上": ScaleAbove, "规上企业": ScaleAbove, "above": ScaleAbove, "是": ScaleAbove,
	"1": ScaleAbove, "y": ScaleAbove, "yes": ScaleAbove, "true": ScaleAbove,
	"规下": ScaleBelow, "规模以下": ScaleBelow, "规下企业": ScaleBelow, "below": ScaleBelow, "否": ScaleBelow,
	"0": ScaleBelow, "n": ScaleBelow, "no": ScaleBelow, "false": ScaleBelow,
}

// normHeader folds a header so that "评价税收（万元）", "评价税收(万元)" and " Tax " match
// their figure: units in brackets, spaces and case are dropped.
func normHeader(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	h = strings.NewReplacer("（", "(", "）", ")", "\u3000", " ").Replace(h)
	if i := strings.IndexByte(h, '('); i > 0 {
		h = h[:i]
	}
	return strings.ToLower(strings.Join(strings.Fields(h), ""))
}

// ReadCSV reads a CSV sheet into a header and rows. Files saved by Chinese Excel
// are often GB18030, not UTF-8; they are decoded so that their headers match.
func ReadCSV(r io.Reader) ([]string, [][]string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	if !utf8.Valid(b) {
		if d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b); err == nil {
			b = d
		}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, nil, &Error{Code: "csv.syntax", Detail: err.Error()}
	}
	if len(recs) == 0 {
		return nil, nil, errf("table.empty", "the sheet has no header row")
	}
	return recs[0], recs[1:], nil
}

// ParseTable turns a sheet (header + rows, from CSV or xlsx) into an Input for
// scheme s. Headers may be in Chinese or English (figure id, name, name_en or an
// alias); unknown columns are ignored. Every bad cell is reported with its row
// (1 = header) and column, and then no Input is returned.
func ParseTable(s *Scheme, header []string, rows [][]string) (*Input, error) {
	lookup := map[string]string{}
	for k, names := range fixedColumns {
		for _, n := range names {
			lookup[normHeader(n)] = k
		}
	}
	for _, f := range s.Figures {
		for _, n := range append([]string{f.ID, f.Name, f.NameEn}, f.Aliases...) {
			if n != "" {
				lookup[normHeader(n)] = "fig:" + f.ID
			}
		}
	}
	var errs Errors
	colOf := make([]string, len(header))
	seen := map[string]int{}
	for c, h := range header {
		k := lookup[normHeader(h)]
		if k == "" {
			continue
		}
		if prev, dup := seen[k]; dup {
			errs = append(errs, &Error{Code: "header.duplicate", Row: 1, Col: c + 1, Column: h,
				Detail: "same field as column " + strconv.Itoa(prev+1)})
			continue
		}
		seen[k] = c
		colOf[c] = k
	}
	if _, ok := seen["id"]; !ok {
		errs = append(errs, &Error{Code: "header.no_id", Row: 1, Detail: "no id column (统一社会信用代码 / id)"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	in := NewInput(len(rows))
	cols := make([][]float64, len(header))
	cats := make([]*Cat, len(header))
	for c, k := range colOf {
		if f, ok := strings.CutPrefix(k, "fig:"); ok {
			cols[c] = in.Figure(f)
		} else if k == "unit" || k == "scale" || k == "kind" {
			cats[c] = in.Cat(k)
		}
	}
	ids := make(map[string]int, len(rows))
	bad := func(r, c int, code, detail string) {
		if len(errs) < maxCellErrors {
			errs = append(errs, &Error{Code: code, Row: r + 2, Col: c + 1, Column: header[c], Detail: detail})
		}
	}
	for r, row := range rows {
		for c, k := range colOf {
			if k == "" {
				continue
			}
			v := ""
			if c < len(row) {
				v = strings.TrimSpace(row[c])
			}
			switch {
			case cols[c] != nil:
				x, ok := parseNumber(v)
				if !ok {
					bad(r, c, "cell.not_number", "not a finite number: "+strconv.Quote(clip(v)))
					continue
				}
				cols[c][r] = x
			case k == "id":
				if v == "" {
					bad(r, c, "cell.id_empty", "empty id")
				} else if prev, dup := ids[v]; dup {
					bad(r, c, "cell.id_duplicate", "same id as row "+strconv.Itoa(prev+2))
				}
				ids[v] = r
				in.ID[r] = v
			case k == "name":
				in.Name[r] = v
			case k == "scale":
				sv, ok := scaleValues[strings.ToLower(v)]
				if !ok {
					bad(r, c, "cell.scale", "scale must be 规上/规下 (above/below), not "+strconv.Quote(clip(v)))
					continue
				}
				cats[c].Set(r, sv)
			default:
				cats[c].Set(r, v)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return in, nil
}

// parseNumber accepts decimal numbers with thousands separators; an empty cell or
// a dash means "not reported" (NaN). Hex, Inf and NaN spellings are refused.
func parseNumber(v string) (float64, bool) {
	switch v {
	case "", "-", "—", "/", "无", "n/a", "N/A":
		return math.NaN(), true
	}
	v = strings.ReplaceAll(v, ",", "")
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if !(ch >= '0' && ch <= '9' || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E') {
			return 0, false
		}
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, false
	}
	return x, true
}

func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	for i := 40; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return ""
}
