package main

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// evictFile drops a file's clean pages from the OS page cache.
func evictFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
