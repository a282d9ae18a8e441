package audit

import "testing"

func chain(n int) []Record {
	var rs []Record
	seq, hash := int64(0), ""
	for i := 0; i < n; i++ {
		r := Record{At: int64(1700000000000 + i), ActorID: 1, Actor: "admin", Via: "cli", Action: "user.create", Object: "user", ObjectID: "7", After: Digest(map[string]int{"i": i})}
		r.Chain(seq, hash)
		seq, hash = r.Seq, r.Hash
		rs = append(rs, r)
	}
	return rs
}

func verify(rs []Record) *Problem {
	var v Verifier
	for i := range rs {
		if p := v.Next(&rs[i]); p != nil {
			return p
		}
	}
	return nil
}

func TestChainVerifies(t *testing.T) {
	if p := verify(chain(5)); p != nil {
		t.Fatalf("intact chain reported broken: %+v", p)
	}
}

func TestTamperingIsNamed(t *testing.T) {
	cases := map[string]func(rs []Record) []Record{
		"edited field": func(rs []Record) []Record { rs[2].Actor = "mallory"; return rs },
		"deleted row":  func(rs []Record) []Record { return append(rs[:2], rs[3:]...) },
		"rehashed row": func(rs []Record) []Record { rs[2].Detail = "x"; rs[2].Hash = rs[2].ComputeHash(); return rs },
		"swapped rows": func(rs []Record) []Record { rs[2], rs[3] = rs[3], rs[2]; return rs },
	}
	want := map[string]int64{"edited field": 3, "deleted row": 4, "rehashed row": 4, "swapped rows": 4}
	for name, tamper := range cases {
		p := verify(tamper(chain(6)))
		if p == nil {
			t.Errorf("%s: tampering not detected", name)
			continue
		}
		if p.Seq != want[name] {
			t.Errorf("%s: first broken row = %d (%s), want %d", name, p.Seq, p.Reason, want[name])
		}
	}
}

func TestFieldBoundariesCannotShift(t *testing.T) {
	a := Record{Actor: "ab", Via: "c"}
	b := Record{Actor: "a", Via: "bc"}
	if a.ComputeHash() == b.ComputeHash() {
		t.Fatal("moving a character between fields must change the hash")
	}
}
