package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"towngrid/internal/account"
	"towngrid/internal/httpx"
	"towngrid/internal/ingest"
	"towngrid/internal/monitor"
	"towngrid/internal/store"
)

func init() { register((*handlers).monitoringRoutes) }

// DeviceIn creates or replaces a device (监测设备/点位).
type DeviceIn struct {
	Name        string             `json:"name"`
	Kind        string             `json:"kind"`
	AreaID      int64              `json:"area_id"`
	Lon         *float64           `json:"lon,omitempty"`
	Lat         *float64           `json:"lat,omitempty"`
	NoiseZone   string             `json:"noise_zone,omitempty"`
	AirClass    int                `json:"air_class,omitempty"`
	WaterBody   string             `json:"water_body,omitempty"`
	WaterTarget int                `json:"water_target,omitempty"`
	Attributes  map[string]float64 `json:"attributes,omitempty"`
	Active      *bool              `json:"active,omitempty"`
}

// DeviceWithToken is a device with its access token: only at creation and rotation.
type DeviceWithToken struct {
	monitor.Device
	Token string `json:"token"`
}

// DeviceView is a device with its newest values (the live map).
type DeviceView struct {
	monitor.Device
	Latest   map[string]store.Latest `json:"latest,omitempty"`
	AQIColor string                  `json:"aqi_color,omitempty"` // official colour of the latest AQI (HJ 633 Table A.1)
}

// TelemetryAck answers a device's HTTP telemetry.
type TelemetryAck struct {
	Stored int `json:"stored"`
}

func (h *handlers) monitoringRoutes() []*httpx.Route {
	const tag = "monitoring"
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/devices", Perm: account.MonitoringRead, Tag: tag, Summary: "Devices in your areas (?kind=, ?latest=true for the newest values, cursor)", Out: httpx.List[DeviceView]{}, Handle: h.listDevices},
		{Method: "POST", Path: "/api/v1/devices", Perm: account.MonitoringWrite, Tag: tag, Summary: "Register a device; its access token is shown once", In: DeviceIn{}, Out: DeviceWithToken{}, Status: 201, Handle: h.createDevice},
		{Method: "GET", Path: "/api/v1/devices/{id}", Perm: account.MonitoringRead, Tag: tag, Summary: "One device with its newest values", Out: DeviceView{}, Handle: h.getDevice},
		{Method: "PUT", Path: "/api/v1/devices/{id}", Perm: account.MonitoringWrite, Tag: tag, Summary: "Replace a device's settings", In: DeviceIn{}, Out: monitor.Device{}, Handle: h.putDevice},
		{Method: "DELETE", Path: "/api/v1/devices/{id}", Perm: account.MonitoringWrite, Tag: tag, Summary: "Retire a device (its token stops working; readings stay)", Status: 204, Handle: h.retireDevice},
		{Method: "POST", Path: "/api/v1/devices/{id}/token", Perm: account.MonitoringWrite, Tag: tag, Summary: "Rotate a device's access token; the new one is shown once", Out: DeviceWithToken{}, Handle: h.rotateToken},
		{Method: "GET", Path: "/api/v1/devices/{id}/readings", Perm: account.MonitoringRead, Tag: tag, Summary: "Chart data: ?key=&from=&to= (unix ms or RFC 3339)&resolution=raw|1m|1h|1d", Out: []store.Point{}, Handle: h.readings},
		// ThingsBoard's device HTTP API: the token in the path authenticates.
		{Method: "POST", Path: "/api/v1/{token}/telemetry", Perm: account.Public, Tag: tag, Summary: "Device telemetry (ThingsBoard contract): {\"k\":v}, [{…}], {\"ts\":ms,\"values\":{…}}", Out: TelemetryAck{}, Handle: h.telemetry},
		{Method: "GET", Path: "/metrics/monitoring", Perm: account.Public, Kind: httpx.Raw, Tag: "operations", Summary: "Prometheus metrics of ingest (accepted, rejected, queue depth, batch size)", Handle: h.ingestMetrics},
	}
}

func deviceOf(in DeviceIn) *monitor.Device {
	d := &monitor.Device{Name: in.Name, Kind: in.Kind, AreaID: in.AreaID, Lon: in.Lon, Lat: in.Lat, NoiseZone: in.NoiseZone, AirClass: in.AirClass,
		WaterBody: in.WaterBody, WaterTarget: in.WaterTarget, Attributes: in.Attributes, Active: true}
	if in.Active != nil {
		d.Active = *in.Active
	}
	return d
}

// visibleDevice loads a device in the caller's areas (others are not found).
func visibleDevice(r *httpx.Request, db *store.DB) (*monitor.Device, error) {
	id, err := r.PathID("id")
	if err != nil {
		return nil, err
	}
	d, err := db.Device(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !store.ScopeOf(r.P).Contains(d.AreaPath) {
		return nil, httpx.ErrNotFound
	}
	return d, nil
}

func (h *handlers) listDevices(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.DeviceFilter{Scope: store.ScopeOf(r.P), Kind: q.Get("kind"), After: pg.After, Limit: pg.Limit + 1}
	if f.Kind != "" && !slicesContains(monitor.DeviceKinds, f.Kind) {
		return httpx.Invalid("kind", "device.kind", "one of air_station, noise_station, water_section, soil, smoke, camera")
	}
	devs, err := h.a.DB.ListDevices(r.Context(), f)
	if err != nil {
		return err
	}
	views := make([]DeviceView, len(devs))
	for i, d := range devs {
		views[i].Device = *d
	}
	if q.Get("latest") == "true" {
		if err := h.withLatest(r, views); err != nil {
			return err
		}
	}
	return r.JSON(w, http.StatusOK, httpx.NewList(views, pg, func(v DeviceView) int64 { return v.ID }))
}

func (h *handlers) withLatest(r *httpx.Request, views []DeviceView) error {
	ids := make([]int64, len(views))
	for i := range views {
		ids[i] = views[i].ID
	}
	latest, err := h.a.DB.LatestReadings(r.Context(), ids)
	if err != nil {
		return err
	}
	reg := ingest.For(h.a).Standards()
	for i := range views {
		views[i].Latest = latest[views[i].ID]
		if l, ok := views[i].Latest[monitor.KeyAQI]; ok {
			views[i].AQIColor = monitor.AQIColor(reg, int(l.Value), time.UnixMilli(l.TS))
		}
	}
	return nil
}

func (h *handlers) createDevice(w http.ResponseWriter, r *httpx.Request) error {
	var in DeviceIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	d := deviceOf(in)
	if in.AreaID > 0 {
		if _, err := VisibleArea(r, h.a.DB, in.AreaID); err != nil {
			return httpx.Invalid("area_id", "device.area_unknown", "no such area in your scope")
		}
	}
	var tok string
	err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error {
		var err error
		tok, err = tx.CreateDevice(r.Context(), d)
		return err
	})
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusCreated, DeviceWithToken{Device: *d, Token: tok})
}

func (h *handlers) getDevice(w http.ResponseWriter, r *httpx.Request) error {
	d, err := visibleDevice(r, h.a.DB)
	if err != nil {
		return err
	}
	v := []DeviceView{{Device: *d}}
	if err := h.withLatest(r, v); err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, v[0])
}

func (h *handlers) putDevice(w http.ResponseWriter, r *httpx.Request) error {
	cur, err := visibleDevice(r, h.a.DB)
	if err != nil {
		return err
	}
	var in DeviceIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	d := deviceOf(in)
	d.ID = cur.ID
	if in.AreaID > 0 {
		if _, err := VisibleArea(r, h.a.DB, in.AreaID); err != nil {
			return httpx.Invalid("area_id", "device.area_unknown", "no such area in your scope")
		}
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.UpdateDevice(r.Context(), d) }); err != nil {
		return err
	}
	ingest.For(h.a).ForgetDevice(d.ID)
	return r.JSON(w, http.StatusOK, d)
}

func (h *handlers) retireDevice(w http.ResponseWriter, r *httpx.Request) error {
	d, err := visibleDevice(r, h.a.DB)
	if err != nil {
		return err
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.RetireDevice(r.Context(), d.ID) }); err != nil {
		return err
	}
	ingest.For(h.a).ForgetDevice(d.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handlers) rotateToken(w http.ResponseWriter, r *httpx.Request) error {
	d, err := visibleDevice(r, h.a.DB)
	if err != nil {
		return err
	}
	var tok string
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error {
		var err error
		tok, err = tx.RotateDeviceToken(r.Context(), d.ID)
		return err
	}); err != nil {
		return err
	}
	ingest.For(h.a).ForgetDevice(d.ID)
	d, err = h.a.DB.Device(r.Context(), d.ID)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, DeviceWithToken{Device: *d, Token: tok})
}

// parseTime reads unix milliseconds or RFC 3339.
func parseTime(field, s string, def int64) (int64, error) {
	if s == "" {
		return def, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		return n, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UnixMilli(), nil
	}
	return 0, httpx.Invalid(field, "readings."+field, "unix milliseconds or an RFC 3339 time")
}

// maxPoints bounds one chart query.
const maxPoints = 10000

func (h *handlers) readings(w http.ResponseWriter, r *httpx.Request) error {
	d, err := visibleDevice(r, h.a.DB)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	key := q.Get("key")
	if monitor.CheckKey(key) != nil {
		return httpx.Invalid("key", "readings.key", "the key to chart, e.g. pm2_5 or aqi")
	}
	res := q.Get("resolution")
	switch res {
	case "":
		res = "raw"
	case "raw", "1m", "1h", "1d":
	default:
		return httpx.Invalid("resolution", "readings.resolution", "raw, 1m, 1h or 1d")
	}
	now := h.a.DB.Now()
	to, err := parseTime("to", q.Get("to"), now+1)
	if err != nil {
		return err
	}
	from, err := parseTime("from", q.Get("from"), to-24*3600*1000)
	if err != nil {
		return err
	}
	if from >= to {
		return httpx.Invalid("from", "readings.range", "from must be before to")
	}
	pts, err := h.a.DB.Readings(r.Context(), d.ID, key, res, from, to, maxPoints)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, pts)
}

func (h *handlers) telemetry(w http.ResponseWriter, r *httpx.Request) error {
	rt := ingest.For(h.a)
	dev, err := rt.Device(r.Context(), r.PathValue("token"))
	if err != nil {
		return httpx.Errorf(http.StatusUnauthorized, "device.token", "unknown or retired device token")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, monitor.MaxPayloadBytes+1))
	if err != nil {
		return httpx.Errorf(http.StatusBadRequest, "telemetry.read", "could not read the body")
	}
	n, err := rt.Ingest(r.Context(), dev, body)
	var me *monitor.Error
	switch {
	case errors.As(err, &me):
		p := httpx.Errorf(http.StatusBadRequest, me.Code, "%s", me.Detail)
		p.Errors = []account.FieldError{{Field: "(body)", Code: me.Code, Detail: me.Detail}}
		return p
	case errors.Is(err, ingest.ErrQueueFull):
		w.Header().Set("Retry-After", "1")
		return httpx.Errorf(http.StatusServiceUnavailable, "ingest.busy", "the ingest queue is full; retry shortly")
	case errors.Is(err, ingest.ErrNotRunning):
		return httpx.Errorf(http.StatusServiceUnavailable, "ingest.stopped", "ingest is not running")
	case err != nil:
		return err
	}
	return r.JSON(w, http.StatusOK, TelemetryAck{Stored: n})
}

func (h *handlers) ingestMetrics(w http.ResponseWriter, r *httpx.Request) error {
	promhttp.HandlerFor(ingest.For(h.a).Registry(), promhttp.HandlerOpts{}).ServeHTTP(w, r.Request)
	return nil
}
