package secretbox

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func TestSealOpen(t *testing.T) {
	box, err := New(key(1))
	if err != nil {
		t.Fatal(err)
	}
	id := []byte("11010519491231002X")
	s1, s2 := box.Seal(id, "resident.id_number"), box.Seal(id, "resident.id_number")
	if bytes.Contains(s1, id) || bytes.Equal(s1, s2) {
		t.Fatal("sealed value shows the plaintext or repeats (nonce reuse)")
	}
	got, err := box.Open(s1, "resident.id_number")
	if err != nil || !bytes.Equal(got, id) {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := box.Open(s1, "resident.phone"); err != ErrOpen {
		t.Fatal("a value opened under another context")
	}
	other, _ := New(key(2))
	if _, err := other.Open(s1, "resident.id_number"); err != ErrOpen {
		t.Fatal("a value opened under another key")
	}
	s1[len(s1)-1] ^= 1
	if _, err := box.Open(s1, "resident.id_number"); err != ErrOpen {
		t.Fatal("a tampered value opened")
	}
	if box.Index("idcard", "a") != box.Index("idcard", "a") || box.Index("idcard", "a") == box.Index("phone", "a") || box.Index("idcard", "a") == other.Index("idcard", "a") {
		t.Fatal("blind index must be deterministic per key and namespace")
	}
	if _, err := New(key(1)[:16]); err == nil {
		t.Fatal("a 16-byte key was accepted")
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	env := func(string) string { return "" }
	if _, err := LoadKey(env, dir, false); err == nil {
		t.Fatal("missing key without create did not fail")
	}
	k1, err := LoadKey(env, dir, true)
	if err != nil || len(k1) != KeySize {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "keys", "master.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v %v, want 0600", st.Mode(), err)
	}
	k2, _ := LoadKey(env, dir, true)
	if !bytes.Equal(k1, k2) {
		t.Fatal("second load made a new key")
	}
	fromEnv := func(string) string { return base64.StdEncoding.EncodeToString(key(7)) }
	k3, err := LoadKey(fromEnv, dir, true)
	if err != nil || !bytes.Equal(k3, key(7)) {
		t.Fatal("environment key not preferred")
	}
	if _, err := LoadKey(func(string) string { return "c2hvcnQ=" }, dir, true); err == nil {
		t.Fatal("short env key accepted")
	}
}

// Open takes stored bytes (outside input after a restore or tampering).
func FuzzOpen(f *testing.F) {
	box, _ := New(key(3))
	f.Add(box.Seal([]byte("13800138000"), "c"))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		pt, err := box.Open(b, "c")
		if err == nil && !bytes.Equal(box.Seal(pt, "c")[:0], []byte{}) {
			t.Fatal("unreachable")
		}
		if err != nil && pt != nil {
			t.Fatal("plaintext returned with an error")
		}
	})
}
