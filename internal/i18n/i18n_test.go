package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	zh, en := map[string]bool{}, map[string]bool{}
	for _, k := range Keys("zh-CN") {
		zh[k] = true
	}
	for _, k := range Keys("en") {
		en[k] = true
		if !zh[k] {
			t.Errorf("key %q is in en but not zh-CN", k)
		}
	}
	for k := range zh {
		if !en[k] {
			t.Errorf("key %q is in zh-CN but not en", k)
		}
	}
	if len(zh) < 50 {
		t.Fatalf("only %d keys loaded", len(zh))
	}
}

func TestEmptyTranslations(t *testing.T) {
	for _, l := range Langs {
		for _, k := range Keys(l) {
			if strings.TrimSpace(T(l, k)) == "" {
				t.Errorf("%s: %s is empty", l, k)
			}
		}
	}
}

// Every literal key a template or Go file asks for must exist.
var (
	tmplKey = regexp.MustCompile(`\bt \$?\.Lang "([a-z0-9_.]+)"`)
	goKey   = regexp.MustCompile(`i18n\.T\([a-zA-Z.]+, "([a-z0-9_.]+)"`)
)

func TestUsedKeysExist(t *testing.T) {
	root := filepath.Join("..", "..")
	n := 0
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasSuffix(path, ".html") && !(strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range []*regexp.Regexp{tmplKey, goKey} {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				if strings.HasSuffix(m[1], ".") { // a prefix completed at run time
					continue
				}
				n++
				for _, l := range Langs {
					if !Has(l, m[1]) {
						t.Errorf("%s uses %q, missing in %s", path, m[1], l)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Fatalf("found only %d key uses; the scanner is broken", n)
	}
}

func TestNegotiate(t *testing.T) {
	if Normalize("en-GB") != "en" || Normalize("zh-Hans-CN") != "zh-CN" || Normalize("fr") != "" {
		t.Fatal("Normalize")
	}
}
