package directory

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"
	"github.com/xuri/excelize/v2"
)

// XLSXColumns are the columns of the area spreadsheet, in order.
var XLSXColumns = []string{"code", "name", "level", "parent_code", "geometry", "props"}

// maxCellChars is Excel's limit on one cell (excelize would silently cut).
const maxCellChars = excelize.TotalCellChars

const areaSheet = "areas"

// XLSXHelp is the second sheet of the template: one line per column, in
// Chinese and English, since the template is handed to people.
var XLSXHelp = [][]string{
	{"column", "说明", "meaning"},
	{"code", "标准编码：区县6位(GB/T 2260)，乡镇街道9位(+GB/T 10114)，社区12位，单元网格14位(CJ/T 213)或15位(DB11)", "standard code: county 6, town 9, community 12, grid 14 (CJ/T 213) or 15 (DB11) digits"},
	{"name", "名称", "name"},
	{"level", "层级：province, city, county, town, community, grid", "level"},
	{"parent_code", "上级区域编码（已存在或在本表中）", "parent's code (stored or in this sheet)"},
	{"geometry", "边界：GeoJSON Polygon/MultiPolygon 文本，或 WKT POLYGON/MULTIPOLYGON，WGS-84", "boundary: GeoJSON or WKT text, WGS-84"},
	{"props", "其他属性：JSON 对象，可空", "other properties: a JSON object, may be empty"},
}

// WriteAreasXLSX writes one row per area (code, name, level, parent code,
// GeoJSON geometry text, props). A boundary longer than a cell can hold is
// left empty and named in the returned list: export those as GeoJSON.
func WriteAreasXLSX(w io.Writer, areas []*Area, parentCode CodeOfID) (tooLong []string, err error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", areaSheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(areaSheet)
	if err != nil {
		return nil, err
	}
	header := make([]any, len(XLSXColumns))
	for i, c := range XLSXColumns {
		header[i] = c
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	for i, a := range areas {
		geom := ""
		if HasGeometry(a.Geometry) {
			geom = compactJSON(a.Geometry)
			if len(utf16.Encode([]rune(geom))) > maxCellChars {
				geom, tooLong = "", append(tooLong, a.Code)
			}
		}
		props := ""
		if len(a.Props) > 0 && string(a.Props) != "{}" {
			props = compactJSON(a.Props)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{a.Code, a.Name, string(a.Level), parentCode(a.ParentID), geom, props}); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if err := addHelp(f); err != nil {
		return nil, err
	}
	return tooLong, f.Write(w)
}

func addHelp(f *excelize.File) error {
	if _, err := f.NewSheet("help"); err != nil {
		return err
	}
	for i, row := range XLSXHelp {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = v
		}
		if err := f.SetSheetRow("help", cell, &vals); err != nil {
			return err
		}
	}
	return nil
}

// WriteAreasTemplate writes an empty spreadsheet with the header, one example
// row per level and the help sheet.
func WriteAreasTemplate(w io.Writer) error {
	ex := []*Area{
		{ID: 1, Level: Town, Code: "320508019", Name: "示例街道"},
		{ID: 2, ParentID: 1, Level: Community, Code: "320508019044", Name: "示例社区"},
		{ID: 3, ParentID: 2, Level: Grid, Code: "32050801904401", Name: "示例社区1号网格",
			Geometry: json.RawMessage(`{"type":"Polygon","coordinates":[[[120.61,31.30],[120.62,31.30],[120.62,31.31],[120.61,31.31],[120.61,31.30]]]}`)},
	}
	codes := map[int64]string{1: "320508019", 2: "320508019044"}
	_, err := WriteAreasXLSX(w, ex, func(id int64) string { return codes[id] })
	return err
}

// ParseAreasXLSX reads the first sheet of a workbook: a header row naming the
// columns (any order, case-insensitive), then one area per row. Geometry is
// GeoJSON or WKT text. Errors of single cells come back as issues with their row.
func ParseAreasXLSX(r io.Reader) ([]ImportItem, []ImportIssue, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, nil, &FormatError{"import.format", "not an .xlsx workbook: " + err.Error()}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, &FormatError{"import.empty", "the workbook has no sheet"}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, &FormatError{"import.format", err.Error()}
	}
	defer rows.Close()
	col := map[string]int{}
	var items []ImportItem
	var issues []ImportIssue
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, nil, &FormatError{"import.format", fmt.Sprintf("row %d: %v", n, err)}
		}
		if n == 1 {
			for i, c := range cells {
				col[strings.ToLower(strings.TrimSpace(c))] = i
			}
			for _, need := range []string{"code", "name", "level"} {
				if _, ok := col[need]; !ok {
					return nil, nil, &FormatError{"import.header", fmt.Sprintf("the first row must name the columns; %q is missing", need)}
				}
			}
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		if strings.Join(cells, "") == "" {
			continue
		}
		if len(items) >= MaxImportItems {
			return nil, nil, &FormatError{"import.too_many", fmt.Sprintf("more than %d rows", MaxImportItems)}
		}
		it := ImportItem{Index: len(items), Row: n, Code: get("code"), Name: get("name"), Level: Level(get("level")), ParentCode: get("parent_code")}
		if g := get("geometry"); g != "" {
			raw, err := geometryText(g)
			if err != nil {
				issues = append(issues, ImportIssue{Index: it.Index, Row: n, ID: it.Code, Field: "geometry", Code: "geom.text", Detail: err.Error()})
			}
			it.Geometry = raw
		}
		if p := get("props"); p != "" {
			if !json.Valid([]byte(p)) {
				issues = append(issues, ImportIssue{Index: it.Index, Row: n, ID: it.Code, Field: "props", Code: "area.props", Detail: "props must be a JSON object"})
			} else {
				it.Props = json.RawMessage(p)
			}
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, nil, &FormatError{"import.empty", "the sheet has no area rows"}
	}
	return items, issues, nil
}

// geometryText accepts GeoJSON text or WKT and returns GeoJSON.
func geometryText(s string) (json.RawMessage, error) {
	if strings.HasPrefix(s, "{") {
		if !json.Valid([]byte(s)) {
			return nil, fmt.Errorf("geometry is neither valid GeoJSON nor WKT")
		}
		return json.RawMessage(s), nil
	}
	g, err := wkt.Unmarshal(s)
	if err != nil {
		return nil, fmt.Errorf("geometry is neither GeoJSON nor WKT: %v", err)
	}
	return json.Marshal(geojson.NewGeometry(g))
}
