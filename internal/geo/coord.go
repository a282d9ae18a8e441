// Package geo holds the directory's geometry: conversions between the coordinate
// systems Chinese map services use, validation of GeoJSON area boundaries, and an
// immutable point → grid index.
package geo

import "math"

// Coordinates are stored in WGS-84. Chinese map services use GCJ-02 (国测局坐标,
// AMap/Tencent/Google China) and BD-09 (Baidu). The formulas below are the public
// ones every implementation shares (e.g. wandergis/coordtransform,
// googollee/eviltransform): the Krasovsky-ellipsoid offset of GCJ-02 and Baidu's
// polar offset of BD-09.

const (
	gcjA  = 6378245.0                // Krasovsky 1940 semi-major axis used by GCJ-02
	gcjEE = 0.00669342162296594323   // its first eccentricity squared
	bdXPi = math.Pi * 3000.0 / 180.0 // BD-09 constant
	// gcjTol is the iteration tolerance of the GCJ-02 and BD-09 inverses in degrees
	// (1e-9° ≈ 0.1 mm), well inside the 1e-7° the product asks for.
	gcjTol     = 1e-9
	maxInverse = 30
)

// OutOfChina reports whether a point lies outside the rectangle in which GCJ-02
// applies an offset. The rectangle (72.004–137.8347 E, 0.8293–55.8271 N) is the
// one the public implementations use; it is coarse by design (it includes border
// areas of neighbouring countries) so that all services agree on it.
func OutOfChina(lon, lat float64) bool {
	return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271
}

func transformLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func transformLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// WGS84ToGCJ02 applies the GCJ-02 offset (zero outside China).
func WGS84ToGCJ02(lon, lat float64) (float64, float64) {
	if OutOfChina(lon, lat) {
		return lon, lat
	}
	dLat := transformLat(lon-105.0, lat-35.0)
	dLon := transformLon(lon-105.0, lat-35.0)
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - gcjEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = (dLon * 180.0) / (gcjA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return lon + dLon, lat + dLat
}

// GCJ02ToWGS84 inverts WGS84ToGCJ02 by fixed-point iteration. The one-step
// inverse that many libraries ship is off by up to a few metres; the offset is
// smooth and small, so iterating w ← w − (gcj(w) − g) converges in a few steps.
func GCJ02ToWGS84(lon, lat float64) (float64, float64) {
	if OutOfChina(lon, lat) {
		return lon, lat
	}
	wLon, wLat := lon, lat
	for range maxInverse {
		gLon, gLat := WGS84ToGCJ02(wLon, wLat)
		dLon, dLat := gLon-lon, gLat-lat
		wLon, wLat = wLon-dLon, wLat-dLat
		if math.Abs(dLon) < gcjTol && math.Abs(dLat) < gcjTol {
			break
		}
	}
	return wLon, wLat
}

// GCJ02ToBD09 applies Baidu's offset.
func GCJ02ToBD09(lon, lat float64) (float64, float64) {
	z := math.Sqrt(lon*lon+lat*lat) + 0.00002*math.Sin(lat*bdXPi)
	theta := math.Atan2(lat, lon) + 0.000003*math.Cos(lon*bdXPi)
	return z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006
}

// bd09ToGCJ02Approx is Baidu's published approximate inverse.
func bd09ToGCJ02Approx(lon, lat float64) (float64, float64) {
	x, y := lon-0.0065, lat-0.006
	z := math.Sqrt(x*x+y*y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	return z * math.Cos(theta), z * math.Sin(theta)
}

// BD09ToGCJ02 starts from the published approximate inverse and refines it by
// iteration, so that GCJ02ToBD09(BD09ToGCJ02(p)) == p to about 1e-9°.
func BD09ToGCJ02(lon, lat float64) (float64, float64) {
	gLon, gLat := bd09ToGCJ02Approx(lon, lat)
	for range maxInverse {
		bLon, bLat := GCJ02ToBD09(gLon, gLat)
		dLon, dLat := bLon-lon, bLat-lat
		gLon, gLat = gLon-dLon, gLat-dLat
		if math.Abs(dLon) < gcjTol && math.Abs(dLat) < gcjTol {
			break
		}
	}
	return gLon, gLat
}

// WGS84ToBD09 converts through GCJ-02.
func WGS84ToBD09(lon, lat float64) (float64, float64) {
	return GCJ02ToBD09(WGS84ToGCJ02(lon, lat))
}

// BD09ToWGS84 converts through GCJ-02.
func BD09ToWGS84(lon, lat float64) (float64, float64) {
	return GCJ02ToWGS84(BD09ToGCJ02(lon, lat))
}

// CRS names a coordinate reference system accepted at the API edge.
type CRS string

const (
	WGS84 CRS = "wgs84"
	GCJ02 CRS = "gcj02"
	BD09  CRS = "bd09"
)

// Convert converts a point between two systems; ok is false for an unknown name.
func Convert(from, to CRS, lon, lat float64) (float64, float64, bool) {
	var wLon, wLat float64
	switch from {
	case WGS84:
		wLon, wLat = lon, lat
	case GCJ02:
		wLon, wLat = GCJ02ToWGS84(lon, lat)
	case BD09:
		wLon, wLat = BD09ToWGS84(lon, lat)
	default:
		return 0, 0, false
	}
	switch to {
	case WGS84:
		return wLon, wLat, true
	case GCJ02:
		x, y := WGS84ToGCJ02(wLon, wLat)
		return x, y, true
	case BD09:
		x, y := WGS84ToBD09(wLon, wLat)
		return x, y, true
	}
	return 0, 0, false
}

// DistanceMeters is the haversine distance on a 6,371,008.8 m sphere, enough to
// compare conversions and to measure reports against grids.
func DistanceMeters(lon1, lat1, lon2, lat2 float64) float64 {
	const r = 6371008.8
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}
