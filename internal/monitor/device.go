package monitor

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Device is a sensor or a monitoring site (监测点位): an air station, a noise
// station, a water section, a soil or smoke sensor, a camera.
type Device struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	TokenPrefix string   `json:"token_prefix"` // the public part of the access token
	AreaID      int64    `json:"area_id"`
	AreaPath    string   `json:"area_path"`
	Lon         *float64 `json:"lon,omitempty"`
	Lat         *float64 `json:"lat,omitempty"`
	NoiseZone   string   `json:"noise_zone,omitempty"`   // 0 1 2 3 4a 4b (GB 3096 声环境功能区)
	AirClass    int      `json:"air_class,omitempty"`    // 1 or 2 (GB 3095 功能区)
	WaterBody   string   `json:"water_body,omitempty"`   // river | lake
	WaterTarget int      `json:"water_target,omitempty"` // 1–5 (target class I–V)
	// Attributes are per-device numbers, e.g. thresholds named by alarm
	// rules' dynamic conditions.
	Attributes      map[string]float64 `json:"attributes"`
	Active          bool               `json:"active"`
	LastSeen        int64              `json:"last_seen"`
	BadPayloadCount int64              `json:"bad_payload_count"`
	CreatedAt       int64              `json:"created_at"`
	UpdatedAt       int64              `json:"updated_at"`
}

// Site is what the standards need of the device.
func (d *Device) Site() Site {
	return Site{Kind: d.Kind, NoiseZone: d.NoiseZone, AirClass: d.AirClass, WaterBody: d.WaterBody, WaterTarget: d.WaterTarget}
}

// Attrs are the device's attributes plus the built-in ones rules may name
// (water_target, air_class).
func (d *Device) Attrs() map[string]float64 {
	m := make(map[string]float64, len(d.Attributes)+2)
	for k, v := range d.Attributes {
		m[k] = v
	}
	if d.WaterTarget > 0 {
		m["water_target"] = float64(d.WaterTarget)
	}
	if d.AirClass > 0 {
		m["air_class"] = float64(d.AirClass)
	}
	return m
}

// AttributesJSON is the stored form of the attributes.
func (d *Device) AttributesJSON() string {
	if len(d.Attributes) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(d.Attributes)
	return string(b)
}

// NoiseZones are the GB 3096 classes.
var NoiseZones = []string{"0", "1", "2", "3", "4a", "4b"}

// Validate checks a device as an administrator entered it.
func (d *Device) Validate() *FieldError {
	d.Name = strings.TrimSpace(d.Name)
	d.NoiseZone = strings.ToLower(strings.TrimSpace(d.NoiseZone))
	switch {
	case d.Name == "" || utf8.RuneCountInString(d.Name) > 100:
		return &FieldError{"name", "device.name", "1–100 characters"}
	case !slices.Contains(DeviceKinds, d.Kind):
		return &FieldError{"kind", "device.kind", "one of " + strings.Join(DeviceKinds, ", ")}
	case d.AreaID <= 0:
		return &FieldError{"area_id", "device.area_id", "the grid (or area) the device stands in"}
	case (d.Lon == nil) != (d.Lat == nil):
		return &FieldError{"lon", "device.lonlat", "give both lon and lat, or neither"}
	case d.Lon != nil && (!(*d.Lon >= -180 && *d.Lon <= 180) || !(*d.Lat >= -90 && *d.Lat <= 90)):
		return &FieldError{"lon", "device.lonlat", "WGS-84 longitude −180…180 and latitude −90…90"}
	case d.NoiseZone != "" && !slices.Contains(NoiseZones, d.NoiseZone):
		return &FieldError{"noise_zone", "device.noise_zone", "0, 1, 2, 3, 4a or 4b"}
	case d.AirClass != 0 && d.AirClass != 1 && d.AirClass != 2:
		return &FieldError{"air_class", "device.air_class", "1 or 2"}
	case d.WaterBody != "" && d.WaterBody != "river" && d.WaterBody != "lake":
		return &FieldError{"water_body", "device.water_body", "river or lake"}
	case d.WaterTarget < 0 || d.WaterTarget > 5:
		return &FieldError{"water_target", "device.water_target", "a class from 1 (I) to 5 (V)"}
	case d.Kind == "noise_station" && d.NoiseZone == "":
		return &FieldError{"noise_zone", "device.noise_zone", "a noise station needs its zone class"}
	case d.Kind == "water_section" && d.WaterBody == "":
		return &FieldError{"water_body", "device.water_body", "a water section needs river or lake"}
	case len(d.Attributes) > 50:
		return &FieldError{"attributes", "device.attributes", "at most 50 attributes"}
	}
	for k, v := range d.Attributes {
		if CheckKey(k) != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return &FieldError{"attributes", "device.attributes", "attribute names are keys, values finite numbers"}
		}
	}
	if d.Kind == "air_station" && d.AirClass == 0 {
		d.AirClass = 2
	}
	return nil
}
