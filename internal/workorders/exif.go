package workorders

import (
	"encoding/binary"
	"errors"
)

// GPSFromJPEG reads the GPS position (WGS-84 degrees, as phones write it)
// from a JPEG's EXIF block, if there is one. A tiny reader rather than a
// library: we need four tags of one IFD, and the input is untrusted, so
// every offset is bounds-checked (fuzzed by FuzzGPSFromJPEG).
func GPSFromJPEG(b []byte) (lon, lat float64, ok bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 0, 0, false
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 0, 0, false
		}
		marker := b[i+1]
		if marker == 0xDA || marker == 0xD9 { // image data starts: no EXIF before it
			return 0, 0, false
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 0, 0, false
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			lon, lat, err := gpsFromTIFF(seg[6:])
			return lon, lat, err == nil
		}
		i += 2 + n
	}
	return 0, 0, false
}

var errEXIF = errors.New("exif: malformed")

type tiff struct {
	b  []byte
	bo binary.ByteOrder
}

func (t tiff) u16(off int) (int, bool) {
	if off < 0 || off+2 > len(t.b) {
		return 0, false
	}
	return int(t.bo.Uint16(t.b[off:])), true
}

func (t tiff) u32(off int) (int, bool) {
	if off < 0 || off+4 > len(t.b) {
		return 0, false
	}
	return int(t.bo.Uint32(t.b[off:])), true
}

// entries maps tag → offset of the 12-byte entry in an IFD.
func (t tiff) entries(ifd int) (map[int]int, bool) {
	n, ok := t.u16(ifd)
	if !ok || n > 512 {
		return nil, false
	}
	m := make(map[int]int, n)
	for k := 0; k < n; k++ {
		e := ifd + 2 + 12*k
		tag, ok := t.u16(e)
		if !ok {
			return nil, false
		}
		m[tag] = e
	}
	return m, true
}

// degrees reads three RATIONALs (d, m, s) of an entry.
func (t tiff) degrees(e int) (float64, bool) {
	typ, _ := t.u16(e + 2)
	cnt, _ := t.u32(e + 4)
	off, ok := t.u32(e + 8)
	if !ok || typ != 5 || cnt != 3 {
		return 0, false
	}
	var v [3]float64
	for k := range v {
		num, ok1 := t.u32(off + 8*k)
		den, ok2 := t.u32(off + 8*k + 4)
		if !ok1 || !ok2 || den == 0 {
			return 0, false
		}
		v[k] = float64(num) / float64(den)
	}
	return v[0] + v[1]/60 + v[2]/3600, true
}

func gpsFromTIFF(b []byte) (lon, lat float64, err error) {
	if len(b) < 8 {
		return 0, 0, errEXIF
	}
	t := tiff{b: b}
	switch string(b[:2]) {
	case "II":
		t.bo = binary.LittleEndian
	case "MM":
		t.bo = binary.BigEndian
	default:
		return 0, 0, errEXIF
	}
	ifd0, ok := t.u32(4)
	if !ok {
		return 0, 0, errEXIF
	}
	es, ok := t.entries(ifd0)
	if !ok {
		return 0, 0, errEXIF
	}
	gp, ok := es[0x8825]
	if !ok {
		return 0, 0, errEXIF
	}
	gpsIFD, ok := t.u32(gp + 8)
	if !ok {
		return 0, 0, errEXIF
	}
	g, ok := t.entries(gpsIFD)
	if !ok {
		return 0, 0, errEXIF
	}
	ref := func(tag int) byte { // ASCII ref stored inline
		if e, ok := g[tag]; ok && e+8 < len(b) {
			return b[e+8]
		}
		return 0
	}
	le, ok1 := g[2]
	oe, ok2 := g[4]
	if !ok1 || !ok2 {
		return 0, 0, errEXIF
	}
	lat, ok1 = t.degrees(le)
	lon, ok2 = t.degrees(oe)
	if !ok1 || !ok2 || lat > 90 || lon > 180 {
		return 0, 0, errEXIF
	}
	if ref(1) == 'S' {
		lat = -lat
	}
	if ref(3) == 'W' {
		lon = -lon
	}
	return lon, lat, nil
}
