package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/directory"
	"towngrid/internal/geo"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
	"towngrid/internal/locate"
)

func init() { register((*handlers).areaGeoRoutes) }

func (h *handlers) areaGeoRoutes() []*httpx.Route {
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/locate", Perm: account.AreasRead, Tag: "directory", Summary: "Point → unit grid and its ancestors (?lon=&lat=&crs=wgs84|gcj02|bd09)", Out: locate.Result{}, Handle: h.locate},
		{Method: "POST", Path: "/api/v1/areas/import", MaxBody: ImportMaxBody, Perm: account.AreasWrite, Tag: "directory", Summary: "Import areas from a GeoJSON FeatureCollection, all or nothing (?dry_run=true, ?grid_code_width=2|3)", Out: directory.ImportReport{}, Handle: h.importGeoJSON},
		{Method: "POST", Path: "/api/v1/areas/import.xlsx", MaxBody: ImportMaxBody, Perm: account.AreasWrite, Tag: "directory", Summary: "Import areas from a spreadsheet (multipart field file, or the raw .xlsx body)", Out: directory.ImportReport{}, Handle: h.importXLSX},
		{Method: "GET", Path: "/api/v1/areas/export.geojson", Perm: account.AreasRead, Kind: httpx.Raw, Tag: "directory", Summary: "Areas in your scope as an RFC 7946 FeatureCollection (?root=ID, ?level=)", Handle: h.exportGeoJSON},
		{Method: "GET", Path: "/api/v1/areas/export.xlsx", Perm: account.AreasRead, Kind: httpx.Raw, Tag: "directory", Summary: "Areas in your scope as a spreadsheet (?root=ID, ?level=)", Handle: h.exportXLSX},
		{Method: "GET", Path: "/api/v1/areas/template.xlsx", Perm: account.AreasRead, Kind: httpx.Raw, Tag: "directory", Summary: "Empty area spreadsheet with examples and help", Handle: h.areaTemplate},
	}
}

// Locate returns the unit grid that contains a WGS-84 point, for capabilities
// that place reports, sensors or enterprises. It is locate.Grid, repeated here
// so that handlers in this package find it beside the route.
func Locate(a *app.App, lon, lat float64) (gridID int64, ok bool) { return locate.Grid(a, lon, lat) }

func queryFloat(r *httpx.Request, name string, lo, hi float64) (float64, error) {
	s := r.URL.Query().Get(name)
	v, err := strconv.ParseFloat(s, 64)
	if s == "" || err != nil || math.IsNaN(v) || v < lo || v > hi {
		return 0, httpx.Invalid(name, "locate."+name, "a number from "+strconv.FormatFloat(lo, 'f', -1, 64)+" to "+strconv.FormatFloat(hi, 'f', -1, 64))
	}
	return v, nil
}

func (h *handlers) locate(w http.ResponseWriter, r *httpx.Request) error {
	lon, err := queryFloat(r, "lon", -180, 180)
	if err != nil {
		return err
	}
	lat, err := queryFloat(r, "lat", -90, 90)
	if err != nil {
		return err
	}
	crs := geo.CRS(r.URL.Query().Get("crs"))
	if crs == "" {
		crs = geo.WGS84
	}
	res, ok, err := locate.Find(r.Context(), h.a, lon, lat, crs)
	if errors.Is(err, locate.ErrUnknownCRS) {
		return httpx.Invalid("crs", "locate.crs", "wgs84, gcj02 or bd09")
	}
	if err != nil {
		return err
	}
	if !ok {
		return httpx.Errorf(http.StatusNotFound, "locate.no_grid", "the point (%.6f, %.6f) WGS-84 lies in no unit grid", res.WGS84.Lon, res.WGS84.Lat)
	}
	return r.JSON(w, http.StatusOK, res)
}

// codeOptions reads ?grid_code_width=2|3 (2, CJ/T 213, by default).
func codeOptions(r *httpx.Request) (directory.CodeOptions, error) {
	switch s := r.URL.Query().Get("grid_code_width"); s {
	case "", "2":
		return directory.CodeOptions{GridSeqWidth: 2}, nil
	case "3":
		return directory.CodeOptions{GridSeqWidth: 3}, nil
	}
	return directory.CodeOptions{}, httpx.Invalid("grid_code_width", "area.grid_code_width", "2 (CJ/T 213, 14 digits) or 3 (DB11, 15 digits)")
}

func importOptions(r *httpx.Request) (directory.ImportOptions, error) {
	co, err := codeOptions(r)
	if err != nil {
		return directory.ImportOptions{}, err
	}
	opt := directory.ImportOptions{Codes: co}
	switch s := r.URL.Query().Get("dry_run"); s {
	case "", "false", "0":
	case "true", "1":
		opt.DryRun = true
	default:
		return opt, httpx.Invalid("dry_run", "import.dry_run", "true or false")
	}
	return opt, nil
}

func readBody(r *httpx.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, httpx.Errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the file is larger than %d bytes; raise --max-body or use `towngrid import areas`", mbe.Limit)
	}
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, httpx.Errorf(http.StatusBadRequest, "import.empty", "the body is empty; send the file")
	}
	return b, nil
}

func formatProblem(err error) error {
	var fe *directory.FormatError
	if errors.As(err, &fe) {
		return httpx.Invalid("file", fe.Code, fe.Detail)
	}
	return err
}

func (h *handlers) importGeoJSON(w http.ResponseWriter, r *httpx.Request) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/json" && mt != "application/geo+json" {
			return httpx.Errorf(http.StatusUnsupportedMediaType, "content_type", "send application/geo+json or application/json, not %q", ct)
		}
	}
	opt, err := importOptions(r)
	if err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	items, err := directory.ParseAreasGeoJSON(body)
	if err != nil {
		return formatProblem(err)
	}
	return h.runImport(w, r, items, nil, opt)
}

func (h *handlers) importXLSX(w http.ResponseWriter, r *httpx.Request) error {
	opt, err := importOptions(r)
	if err != nil {
		return err
	}
	var file io.Reader = r.Body
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return httpx.Invalid("file", "import.multipart", err.Error())
		}
		file = nil
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if p.FormName() == "file" {
				file = p
				break
			}
		}
		if file == nil {
			return httpx.Invalid("file", "import.no_file", "send the spreadsheet in the form field \"file\"")
		}
	}
	data, err := readBodyFrom(file)
	if err != nil {
		return err
	}
	items, pre, err := directory.ParseAreasXLSX(bytes.NewReader(data))
	if err != nil {
		return formatProblem(err)
	}
	return h.runImport(w, r, items, pre, opt)
}

func readBodyFrom(rd io.Reader) ([]byte, error) {
	b, err := io.ReadAll(rd)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, httpx.Errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the file is larger than %d bytes; raise --max-body or use `towngrid import areas`", mbe.Limit)
	}
	if err == nil && len(b) == 0 {
		return nil, httpx.Errorf(http.StatusBadRequest, "import.empty", "the file is empty")
	}
	return b, err
}

// importProblem is a refused import: problem+json whose errors are the
// report's (each a field error with the item's index and area code) plus the
// report's counts and warnings.
type importProblem struct {
	Type      string                  `json:"type"`
	Title     string                  `json:"title"`
	Status    int                     `json:"status"`
	Detail    string                  `json:"detail"`
	Instance  string                  `json:"instance"`
	Code      string                  `json:"code"`
	RequestID string                  `json:"request_id,omitempty"`
	DryRun    bool                    `json:"dry_run"`
	Total     int                     `json:"total"`
	Created   int                     `json:"created"`
	Updated   int                     `json:"updated"`
	Errors    []directory.ImportIssue `json:"errors"`
	Warnings  []directory.ImportIssue `json:"warnings"`
}

func (h *handlers) runImport(w http.ResponseWriter, r *httpx.Request, items []directory.ImportItem, pre []directory.ImportIssue, opt directory.ImportOptions) error {
	rep, err := h.a.DB.ImportAreas(r.Context(), h.actor(r), items, pre, opt)
	if err != nil {
		return err
	}
	if !rep.OK() {
		p := importProblem{Type: "urn:towngrid:problem:import.rejected", Status: http.StatusUnprocessableEntity, Code: "import.rejected",
			Title: i18n.T(r.Lang, "problem.import.rejected"), Instance: r.URL.Path, RequestID: r.ID,
			Detail: strconv.Itoa(len(rep.Errors)) + " problems; nothing was written",
			DryRun: rep.DryRun, Total: rep.Total, Errors: rep.Errors, Warnings: rep.Warnings}
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusUnprocessableEntity)
		return json.NewEncoder(w).Encode(p)
	}
	if !opt.DryRun {
		if err := locate.Rebuild(r.Context(), h.a); err != nil {
			h.a.Log.Error("grid index rebuild failed", "err", err)
		}
	}
	return r.JSON(w, http.StatusOK, rep)
}

// exportSet returns the areas the caller may export, with a parent-code resolver.
func (h *handlers) exportSet(r *httpx.Request) ([]*directory.Area, directory.CodeOfID, error) {
	q := r.URL.Query()
	var level directory.Level
	if s := q.Get("level"); s != "" {
		if level = directory.Level(s); level.Depth() < 0 {
			return nil, nil, httpx.Invalid("level", "area.level", "one of province, city, county, town, community, grid")
		}
	}
	var paths []string
	if !Unscoped(r.P) {
		paths = append([]string{}, r.P.Scopes...)
	}
	if s := q.Get("root"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, nil, httpx.Invalid("root", "area.root", "a positive whole number")
		}
		root, err := VisibleArea(r, h.a.DB, id)
		if err != nil {
			return nil, nil, err
		}
		paths = []string{root.Path}
	}
	areas, err := h.a.DB.AreasUnder(r.Context(), paths, level)
	if err != nil {
		return nil, nil, err
	}
	codes := make(map[int64]string, len(areas))
	var missing []int64
	for _, a := range areas {
		codes[a.ID] = a.Code
	}
	for _, a := range areas {
		if _, ok := codes[a.ParentID]; !ok && a.ParentID != 0 {
			missing = append(missing, a.ParentID)
			codes[a.ParentID] = ""
		}
	}
	more, err := h.a.DB.AreasByID(r.Context(), missing)
	if err != nil {
		return nil, nil, err
	}
	for id, a := range more {
		codes[id] = a.Code
	}
	return areas, func(id int64) string { return codes[id] }, nil
}

func attachment(w http.ResponseWriter, ctype, name string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (h *handlers) exportGeoJSON(w http.ResponseWriter, r *httpx.Request) error {
	areas, codeOf, err := h.exportSet(r)
	if err != nil {
		return err
	}
	attachment(w, "application/geo+json", "areas.geojson")
	return directory.WriteAreasGeoJSON(w, areas, codeOf)
}

func (h *handlers) exportXLSX(w http.ResponseWriter, r *httpx.Request) error {
	areas, codeOf, err := h.exportSet(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	tooLong, err := directory.WriteAreasXLSX(&buf, areas, codeOf)
	if err != nil {
		return err
	}
	if len(tooLong) > 0 {
		w.Header().Set("X-Towngrid-Geometry-Omitted", strings.Join(tooLong, ","))
	}
	attachment(w, xlsxType, "areas.xlsx")
	_, err = w.Write(buf.Bytes())
	return err
}

func (h *handlers) areaTemplate(w http.ResponseWriter, r *httpx.Request) error {
	var buf bytes.Buffer
	if err := directory.WriteAreasTemplate(&buf); err != nil {
		return err
	}
	attachment(w, xlsxType, "areas-template.xlsx")
	_, err := w.Write(buf.Bytes())
	return err
}

// rebuildAfter refreshes the grid index after a write that touched a grid.
func (h *handlers) rebuildAfter(r *httpx.Request, a *directory.Area) {
	if a.Level != directory.Grid {
		return
	}
	if err := locate.Rebuild(r.Context(), h.a); err != nil {
		h.a.Log.Error("grid index rebuild failed", "err", err)
	}
}
