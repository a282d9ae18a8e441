package open311

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// §2.2 #3: exactly one location form.
func TestParseLocation(t *testing.T) {
	cases := []struct {
		form url.Values
		ok   bool
	}{
		{url.Values{"lat": {"22.5"}, "long": {"113.2"}}, true},
		{url.Values{"address_string": {"古镇大道1号"}}, true},
		{url.Values{"address_id": {"44200011300101"}}, true},
		{url.Values{"address_id": {""}, "lat": {"22.5"}, "long": {"113.2"}}, true}, // empty = absent (§2.1)
		{url.Values{}, false},
		{url.Values{"lat": {"22.5"}}, false},
		{url.Values{"lat": {"91"}, "long": {"113"}}, false},
		{url.Values{"lat": {"NaN"}, "long": {"113"}}, false},
		{url.Values{"lat": {"22.5"}, "long": {"113.2"}, "address_string": {"x"}}, false},
		{url.Values{"address_string": {"x"}, "address_id": {"y"}}, false},
	}
	for _, c := range cases {
		_, err := ParseLocation(c.form)
		if (err == nil) != c.ok {
			t.Errorf("%v: err %v, want ok=%v", c.form, err, c.ok)
		}
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Status != 400 || e.Code != "open311.location") {
			t.Errorf("%v: %v is not a 400 open311.location", c.form, err)
		}
	}
}

// §2.2 #2–3: attribute[code]=v, attribute[code][]=v, datatypes, required.
func TestParseAttributes(t *testing.T) {
	defs := []Attribute{
		{Variable: true, Code: "kind", Datatype: "singlevaluelist", Required: true, Order: 1, Values: []Value{{"a", "A"}, {"b", "B"}}},
		{Variable: true, Code: "many", Datatype: "multivaluelist", Order: 2, Values: []Value{{"x", "X"}, {"y", "Y"}}},
		{Variable: true, Code: "n", Datatype: "number", Order: 3},
		{Variable: true, Code: "at", Datatype: "datetime", Order: 4},
		{Variable: true, Code: "s", Datatype: "string", Order: 5},
		{Variable: true, Code: "t", Datatype: "text", Order: 6},
		{Variable: false, Code: "info", Datatype: "text", Order: 7},
	}
	cases := []struct {
		q    string
		want string // code of the error, "" = accepted
	}{
		{"attribute[kind]=a", ""},
		{"attribute[kind]=a&attribute[many][]=x&attribute[many][]=y&attribute[n]=-1.5&attribute[at]=2026-05-01T08:30:00%2B08:00&attribute[s]=hi&attribute[t]=long", ""},
		{"attribute[kind]=a&attribute[n]=", ""}, // empty = absent
		{"", "open311.attribute_required"},
		{"attribute[kind]=c", "open311.attribute_value"},
		{"attribute[kind][]=a", "open311.attribute_value"},
		{"attribute[kind]=a&attribute[kind]=b", "open311.attribute_value"},
		{"attribute[kind]=a&attribute[many][]=x&attribute[many][]=x", "open311.attribute_value"},
		{"attribute[kind]=a&attribute[n]=ten", "open311.attribute_value"},
		{"attribute[kind]=a&attribute[n]=Inf", "open311.attribute_value"},
		{"attribute[kind]=a&attribute[at]=2026-05-01T08:30:00", "open311.attribute_value"},
		{"attribute[kind]=a&attribute[s]=two%0Alines", "open311.attribute_value"},
		{"attribute[kind]=a&attribute[info]=x", "open311.attribute_unknown"},
		{"attribute[kind]=a&attribute[zzz]=x", "open311.attribute_unknown"},
		{"attribute[kind]=a&attribute[]=x", "open311.attribute"},
	}
	for _, c := range cases {
		f, _ := url.ParseQuery(c.q)
		got, err := ParseAttributes(f, defs)
		code := ""
		if err != nil {
			code = err.(*Error).Code
		}
		if code != c.want {
			t.Errorf("%q: %v, want %q", c.q, err, c.want)
		}
		if err == nil && strings.Contains(c.q, "many") && len(got["many"]) != 2 {
			t.Errorf("%q: multivalue = %v", c.q, got["many"])
		}
	}
}

// §2.1: datetimes must carry a timezone.
func TestParseTime(t *testing.T) {
	for s, ok := range map[string]bool{
		"2026-05-01T08:30:00+08:00": true, "2026-05-01T00:30:00Z": true, "2026-05-01T08:30+08:00": true,
		"2026-05-01T08:30:00.123-05:00": true, "2026-05-01T08:30:00": false, "2026-05-01": false, "": false,
	} {
		if _, err := ParseTime(s); (err == nil) != ok {
			t.Errorf("%q: %v, want ok=%v", s, err, ok)
		}
	}
}

// §2.1: the error array in both formats, with the HTTP status as its code.
func TestWriteError(t *testing.T) {
	for _, f := range []Format{XML, JSON} {
		w := httptest.NewRecorder()
		WriteError(w, f, Errorf(403, "open311.api_key", "api_key is required"))
		body := w.Body.String()
		if w.Code != 403 || !strings.HasPrefix(w.Header().Get("Content-Type"), map[Format]string{XML: "text/xml", JSON: "application/json"}[f]) {
			t.Errorf("%s: %d %s", f, w.Code, w.Header().Get("Content-Type"))
		}
		if f == JSON {
			var v []struct {
				Code        int
				Description string
			}
			if err := json.Unmarshal([]byte(body), &v); err != nil || len(v) != 1 || v[0].Code != 403 {
				t.Errorf("json errors %s", body)
			}
		} else if !strings.Contains(body, "<errors><error><code>403</code><description>") {
			t.Errorf("xml errors %s", body)
		}
	}
}

// The seed covers the six datatypes (§2.2 #2) and validates.
func TestSeed(t *testing.T) {
	c, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for code := range c.Attributes {
		for _, a := range c.Definition(code) {
			seen[a.Datatype] = true
		}
	}
	for _, d := range Datatypes {
		if !seen[d] {
			t.Errorf("the seed uses no %s attribute", d)
		}
	}
	if c.RadiusOf("E0503") != 50 || c.RadiusOf("C0999") != c.DefaultRadius {
		t.Errorf("radius: %v %v", c.RadiusOf("E0503"), c.RadiusOf("C0999"))
	}
	bad := bytes.Replace(seedJSON, []byte(`"order": 2, "description": "井口直径`), []byte(`"order": 1, "description": "井口直径`), 1)
	if _, err := ParseConfig(bad); err == nil {
		t.Error("a duplicate order was accepted")
	}
}

func TestSplitFormat(t *testing.T) {
	for in, want := range map[string][2]string{"requests.json": {"requests", "json"}, "C0101.xml": {"C0101", "xml"}, "a.b.xml": {"a.b", "xml"}} {
		b, f, ok := SplitFormat(in)
		if !ok || b != want[0] || string(f) != want[1] {
			t.Errorf("%s → %s %s %v", in, b, f, ok)
		}
	}
	if _, _, ok := SplitFormat("requests.html"); ok {
		t.Error("html accepted")
	}
}

// Outside input: no panic; an accepted answer only holds defined codes.
func FuzzParseAttributes(f *testing.F) {
	f.Add("attribute[kind]=a&attribute[many][]=x")
	f.Add("attribute[n]=1e309&attribute[at]=2026-05-01T08:30:00Z")
	f.Add("attribute[[]]=&attribute")
	defs := []Attribute{
		{Variable: true, Code: "kind", Datatype: "singlevaluelist", Order: 1, Values: []Value{{"a", "A"}}},
		{Variable: true, Code: "many", Datatype: "multivaluelist", Order: 2, Values: []Value{{"x", "X"}, {"y", "Y"}}},
		{Variable: true, Code: "n", Datatype: "number", Order: 3},
		{Variable: true, Code: "at", Datatype: "datetime", Order: 4},
	}
	f.Fuzz(func(t *testing.T, q string) {
		form, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		got, err := ParseAttributes(form, defs)
		if err != nil {
			return
		}
		for code, vs := range got {
			if code != "kind" && code != "many" && code != "n" && code != "at" {
				t.Fatalf("accepted undefined %q", code)
			}
			if code != "many" && len(vs) != 1 {
				t.Fatalf("%s has %d values", code, len(vs))
			}
		}
		_, _ = ParseLocation(form)
		_, _ = ParseIDs(q)
		_, _ = ParseBBox(q)
	})
}

// BenchmarkEncodeRequests writes a page of 1000 requests (the spec's default
// maximum) in each format.
func BenchmarkEncodeRequests(b *testing.B) {
	lat, lon := 22.5, 113.3
	items := make([]Request, 1000)
	for i := range items {
		items[i] = Request{ID: "12345", Status: "open", StatusNotes: "处置中", ServiceName: "暴露垃圾", ServiceCode: "E0102",
			Description: strings.Repeat("垃圾", 40), Requested: "2026-05-01T08:30:00+08:00", Updated: "2026-05-01T09:30:00+08:00",
			Expected: "2026-05-01T12:30:00+08:00", Lat: &lat, Long: &lon}
	}
	for _, f := range []Format{XML, JSON} {
		b.Run(string(f), func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := Encode(&buf, f, Requests{Items: items}); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}
