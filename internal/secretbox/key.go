package secretbox

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// EnvKey is the environment variable that may hold the master key (base64 of 32 bytes).
const EnvKey = "TOWNGRID_MASTER_KEY"

// KeyPath is where the key file lives under the data folder.
func KeyPath(dataDir string) string { return filepath.Join(dataDir, "keys", "master.key") }

// LoadKey returns the master key: from TOWNGRID_MASTER_KEY when set, else from
// <data>/keys/master.key. When neither exists and create is true, a new random
// key is written to the file (mode 0600, folder 0700). The environment wins so
// that production can keep the key in a secret store, not beside the database.
func LoadKey(getenv func(string) string, dataDir string, create bool) ([]byte, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if s := strings.TrimSpace(getenv(EnvKey)); s != "" {
		return decode(s, EnvKey)
	}
	path := KeyPath(dataDir)
	b, err := os.ReadFile(path)
	if err == nil {
		return decode(strings.TrimSpace(string(b)), path)
	}
	if !errors.Is(err, fs.ErrNotExist) || !create {
		return nil, fmt.Errorf("secretbox: master key: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	// O_EXCL: two processes starting at once must not each write a different key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKey(getenv, dataDir, false)
	}
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return key, nil
}

// KeyExists reports whether a key is configured (environment or file), so a
// starter can load it early without creating one.
func KeyExists(getenv func(string) string, dataDir string) bool {
	if getenv == nil {
		getenv = os.Getenv
	}
	if strings.TrimSpace(getenv(EnvKey)) != "" {
		return true
	}
	_, err := os.Stat(KeyPath(dataDir))
	return err == nil
}

func decode(s, from string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: %s must be base64 of %d bytes", from, KeySize)
	}
	return key, nil
}
