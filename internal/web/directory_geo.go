package web

import (
	"net/http"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/httpx"
)

// The geographic half of the directory: the map of areas, a grid worker's
// phone page and the import page. All three draw from the JSON API
// (/api/v1/areas, /api/v1/locate, /api/v1/areas/import), so the pages hold no
// data of their own and scope is enforced in one place.
func init() {
	register(func(u *UI) []*httpx.Route {
		return []*httpx.Route{
			{Method: "GET", Path: "/directory", Perm: account.AreasRead, Kind: httpx.Page, Summary: "Map of areas and grids", Handle: u.directoryMap},
			{Method: "GET", Path: "/directory/mygrid", Perm: account.AreasRead, Kind: httpx.Page, Summary: "My grids (phone)", Handle: u.myGrid},
			{Method: "GET", Path: "/directory/import", Perm: account.AreasWrite, Kind: httpx.Page, Summary: "Import areas", Handle: u.areaImport},
		}
	})
}

type dirData struct {
	Levels []directory.Level
}

func (u *UI) directoryMap(w http.ResponseWriter, r *httpx.Request) error {
	return u.render(w, r, 200, "directory_map", Page{Title: "dirgeo.title", Active: "directory", Data: dirData{Levels: directory.Levels}})
}

func (u *UI) myGrid(w http.ResponseWriter, r *httpx.Request) error {
	return u.render(w, r, 200, "directory_mygrid", Page{Title: "dirgeo.mygrid", Active: "directory", Data: dirData{Levels: directory.Levels}})
}

func (u *UI) areaImport(w http.ResponseWriter, r *httpx.Request) error {
	return u.render(w, r, 200, "directory_import", Page{Title: "dirgeo.import", Active: "directory"})
}
