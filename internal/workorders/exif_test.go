package workorders

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// jpegWithGPS builds a JPEG header with an EXIF APP1 holding a GPS IFD
// (TIFF 6.0 / EXIF 2.3 layout, little endian), then the start of the image.
func jpegWithGPS(latRef, lonRef byte, lat, lon [3][2]uint32) []byte {
	le := binary.LittleEndian
	var t bytes.Buffer
	t.WriteString("II")
	binary.Write(&t, le, uint16(42))
	binary.Write(&t, le, uint32(8)) // IFD0 at 8
	// IFD0: one entry, GPS pointer (0x8825, LONG) → 26
	binary.Write(&t, le, uint16(1))
	binary.Write(&t, le, uint16(0x8825))
	binary.Write(&t, le, uint16(4))
	binary.Write(&t, le, uint32(1))
	binary.Write(&t, le, uint32(26))
	binary.Write(&t, le, uint32(0)) // next IFD
	// GPS IFD at 26: 4 entries (2+48+4 = 54 bytes) → rationals at 80
	binary.Write(&t, le, uint16(4))
	ent := func(tag, typ uint16, cnt, val uint32) {
		binary.Write(&t, le, tag)
		binary.Write(&t, le, typ)
		binary.Write(&t, le, cnt)
		binary.Write(&t, le, val)
	}
	ent(1, 2, 2, uint32(latRef))
	ent(2, 5, 3, 80)
	ent(3, 2, 2, uint32(lonRef))
	ent(4, 5, 3, 104)
	binary.Write(&t, le, uint32(0))
	for _, r := range append(lat[:], lon[:]...) {
		binary.Write(&t, le, r[0])
		binary.Write(&t, le, r[1])
	}
	app1 := append([]byte("Exif\x00\x00"), t.Bytes()...)
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8, 0xFF, 0xE1})
	binary.Write(&b, binary.BigEndian, uint16(len(app1)+2))
	b.Write(app1)
	b.Write([]byte{0xFF, 0xDA, 0, 2})
	return b.Bytes()
}

func TestGPSFromJPEG(t *testing.T) {
	// 22°31'30" N, 113°21'36" E (古镇, 中山): 22.525, 113.36.
	b := jpegWithGPS('N', 'E', [3][2]uint32{{22, 1}, {31, 1}, {30, 1}}, [3][2]uint32{{113, 1}, {21, 1}, {3600, 100}})
	lon, lat, ok := GPSFromJPEG(b)
	if !ok || math.Abs(lat-22.525) > 1e-9 || math.Abs(lon-113.36) > 1e-9 {
		t.Fatalf("got %v %v %v", lon, lat, ok)
	}
	b = jpegWithGPS('S', 'W', [3][2]uint32{{10, 1}, {0, 1}, {0, 1}}, [3][2]uint32{{20, 1}, {30, 1}, {0, 1}})
	if lon, lat, ok := GPSFromJPEG(b); !ok || lat != -10 || lon != -20.5 {
		t.Fatalf("south-west: %v %v %v", lon, lat, ok)
	}
	for _, bad := range [][]byte{nil, {0xFF, 0xD8}, []byte("not a jpeg"), b[:30]} {
		if _, _, ok := GPSFromJPEG(bad); ok {
			t.Errorf("GPS from %q", bad)
		}
	}
}

func FuzzGPSFromJPEG(f *testing.F) {
	f.Add(jpegWithGPS('N', 'E', [3][2]uint32{{22, 1}, {31, 1}, {30, 1}}, [3][2]uint32{{113, 1}, {21, 1}, {36, 1}}))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 8, 'E', 'x', 'i', 'f', 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		lon, lat, ok := GPSFromJPEG(b)
		if ok && (math.IsNaN(lon) || math.IsNaN(lat) || math.Abs(lat) > 90 || math.Abs(lon) > 180) {
			t.Fatalf("out of range %v %v", lon, lat)
		}
	})
}

func FuzzParseKind(f *testing.F) {
	f.Add([]byte(`{"kind":"citycase","flow":"citycase","sources":["grid_worker"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParseKind(b)
		if err == nil && (k.Kind == "" || k.Flow == "" || len(k.Sources) == 0) {
			t.Fatalf("accepted %+v", k)
		}
	})
}
