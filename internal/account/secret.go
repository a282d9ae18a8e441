package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (RFC 9106's second recommended option, lighter memory
// because a town's server is small). Tests lower them with SetHashCost.
var argonTime, argonMemory uint32 = 2, 19 * 1024

const argonThreads, argonKeyLen = 1, 32

// SetHashCost changes the password hashing cost; tests use a tiny one.
func SetHashCost(time, memoryKiB uint32) { argonTime, argonMemory = time, memoryKiB }

// HashPassword returns an encoded argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	if err := CheckPasswordPolicy(pw); err != nil {
		return "", err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// ErrPasswordPolicy is returned for a password too weak to accept.
var ErrPasswordPolicy = errors.New("password must be 8 to 128 characters")

// CheckPasswordPolicy checks the length rule.
func CheckPasswordPolicy(pw string) error {
	if n := len([]rune(pw)); n < 8 || n > 128 {
		return ErrPasswordPolicy
	}
	return nil
}

// CheckPassword reports whether pw matches the encoded hash.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// RandomToken returns n random bytes, URL-safe base64 encoded.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("account: no randomness: " + err.Error()) // the OS RNG never fails on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// TokenHash is the stored form of a session token or API key: a plain SHA-256
// is enough because both carry 256 random bits (no dictionary to attack).
func TokenHash(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// NewAPIKey returns a key "tgk_<prefix>_<secret>" and its prefix.
func NewAPIKey() (key, prefix string) {
	prefix = strings.ToLower(hex.EncodeToString([]byte(RandomToken(6)))[:10])
	return "tgk_" + prefix + "_" + RandomToken(32), prefix
}

// SplitAPIKey returns the prefix of a well-formed key.
func SplitAPIKey(key string) (prefix string, ok bool) {
	rest, found := strings.CutPrefix(key, "tgk_")
	if !found {
		return "", false
	}
	prefix, secret, found := strings.Cut(rest, "_")
	if !found || len(prefix) != 10 || len(secret) < 40 {
		return "", false
	}
	return prefix, true
}
