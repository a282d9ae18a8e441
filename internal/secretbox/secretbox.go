// Package secretbox encrypts personal data at rest (AES-256-GCM) and computes
// blind indexes (keyed HMAC-SHA256) so that a record can be found by its ID
// number without decrypting every row.
//
// Seal, Open and Index are pure functions of a Box made from a 32-byte master
// key; loading or creating that key (LoadKey) is the only part that touches
// the outside world, and it is kept apart so that tests and tools can pass a
// key directly.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// KeySize is the length of a master key in bytes (AES-256).
const KeySize = 32

// version is the first byte of every sealed value, so that a later key
// rotation or algorithm change can tell old values from new ones.
const version = 1

// ErrOpen is returned when a value cannot be decrypted: wrong key, wrong
// context, or a tampered or truncated value.
var ErrOpen = errors.New("secretbox: cannot open value (wrong key or tampered data)")

// Box seals and opens values under one master key.
type Box struct {
	aead  cipher.AEAD
	index []byte // HMAC key of the blind index, derived from the master key
}

// New makes a Box. The encryption key and the blind-index key are derived
// from the master key with HKDF, so the same secret never serves two
// algorithms.
func New(master []byte) (*Box, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("secretbox: master key must be %d bytes, got %d", KeySize, len(master))
	}
	enc, err := hkdf.Key(sha256.New, master, nil, "towngrid secretbox aes-256-gcm v1", KeySize)
	if err != nil {
		return nil, err
	}
	idx, err := hkdf.Key(sha256.New, master, nil, "towngrid secretbox blind-index v1", KeySize)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead, index: idx}, nil
}

// Seal encrypts plaintext. context (e.g. "resident.id_number") is
// authenticated but not stored: a value sealed for one column does not open
// as another.
func (b *Box) Seal(plaintext []byte, context string) []byte {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("secretbox: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	out := make([]byte, 0, 1+len(nonce)+len(plaintext)+b.aead.Overhead())
	out = append(out, version)
	out = append(out, nonce...)
	return b.aead.Seal(out, nonce, plaintext, []byte(context))
}

// Open decrypts a value made by Seal with the same context.
func (b *Box) Open(sealed []byte, context string) ([]byte, error) {
	ns := b.aead.NonceSize()
	if len(sealed) < 1+ns+b.aead.Overhead() || sealed[0] != version {
		return nil, ErrOpen
	}
	pt, err := b.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], []byte(context))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// Index is the blind index of value in a namespace (e.g. "idcard"): equal
// inputs give equal indexes, and without the key nobody can test a guess.
func (b *Box) Index(namespace, value string) string {
	m := hmac.New(sha256.New, b.index)
	m.Write([]byte(namespace))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}
