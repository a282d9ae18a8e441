//go:build !linux

package main

import "errors"

func evictFile(string) error { return errors.New("evicting a file from the page cache: Linux only") }
