package workorders

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Blobs keeps attachment bytes by SHA-256. Only the disk implementation
// exists; an S3-compatible one (MinIO, OSS) can implement the same interface.
type Blobs interface {
	// Put stores the content of r, at most max bytes, and returns its
	// SHA-256 (hex) and size; ErrTooLarge beyond max.
	Put(r io.Reader, max int64) (sum string, size int64, err error)
	Open(sum string) (io.ReadSeekCloser, error)
}

// ErrTooLarge is returned by Put when the content exceeds the bound.
var ErrTooLarge = errors.New("attachment too large")

// Disk stores blobs under Dir/ab/abcdef… (content-addressed: the same photo
// uploaded twice is stored once).
type Disk struct{ Dir string }

func (d Disk) path(sum string) string { return filepath.Join(d.Dir, sum[:2], sum) }

// Put writes to a temporary file while hashing, then renames it into place.
func (d Disk) Put(r io.Reader, max int64) (string, int64, error) {
	if err := os.MkdirAll(d.Dir, 0o750); err != nil {
		return "", 0, err
	}
	tmp, err := os.CreateTemp(d.Dir, "upload-*")
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, max+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, err
	}
	if n > max {
		return "", n, ErrTooLarge
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if err := os.MkdirAll(filepath.Dir(d.path(sum)), 0o750); err != nil {
		return "", 0, err
	}
	if err := os.Rename(tmp.Name(), d.path(sum)); err != nil {
		return "", 0, fmt.Errorf("blob: %w", err)
	}
	return sum, n, nil
}

// Open returns the blob's content.
func (d Disk) Open(sum string) (io.ReadSeekCloser, error) {
	if len(sum) != 64 {
		return nil, os.ErrNotExist
	}
	if _, err := hex.DecodeString(sum); err != nil {
		return nil, os.ErrNotExist
	}
	return os.Open(d.path(sum))
}
