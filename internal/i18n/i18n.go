// Package i18n is towngrid's message catalogue: zh-CN first, en complete.
// Every user-visible string is a key here; a test fails when a key is missing
// from either language or used without being defined.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
)

// Each capability keeps its messages in its own file, catalog/<lang>/<capability>.json,
// so that work on one capability never edits another's strings.
//
//go:embed catalog
var files embed.FS

// Langs are the supported languages, the default first.
var Langs = []string{"zh-CN", "en"}

var catalog = map[string]map[string]string{}

func init() {
	for _, l := range Langs {
		m := map[string]string{}
		names, err := fs.Glob(files, "catalog/"+l+"/*.json")
		if err != nil {
			panic(err)
		}
		for _, n := range names {
			b, err := files.ReadFile(n)
			if err != nil {
				panic(err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				panic("i18n: " + n + ": " + err.Error())
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic("i18n: key " + k + " defined twice (" + n + ")")
				}
				m[k] = v
			}
		}
		catalog[l] = m
	}
}

// T translates key into lang, formatting args with fmt verbs in the message.
// An unknown key comes back as itself so a gap is visible, never blank.
func T(lang, key string, args ...any) string {
	m, ok := catalog[lang]
	if !ok {
		m = catalog[Langs[0]]
	}
	s, ok := m[key]
	if !ok {
		s = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key exists in lang.
func Has(lang, key string) bool { _, ok := catalog[lang][key]; return ok }

// Keys lists the keys of lang.
func Keys(lang string) []string {
	out := make([]string, 0, len(catalog[lang]))
	for k := range catalog[lang] {
		out = append(out, k)
	}
	return out
}

// Normalize maps a language tag to a supported language, or "".
func Normalize(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case tag == "en" || strings.HasPrefix(tag, "en-"):
		return "en"
	case tag == "zh" || strings.HasPrefix(tag, "zh-"):
		return "zh-CN"
	}
	return ""
}

// Negotiate picks the language of a request: ?lang=, the tg_lang cookie, the
// account's setting, Accept-Language, then the default.
func Negotiate(r *http.Request, account, def string) string {
	if l := Normalize(r.URL.Query().Get("lang")); l != "" {
		return l
	}
	if c, err := r.Cookie("tg_lang"); err == nil {
		if l := Normalize(c.Value); l != "" {
			return l
		}
	}
	if l := Normalize(account); l != "" {
		return l
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(part, ";")
		if l := Normalize(tag); l != "" {
			return l
		}
	}
	if def != "" {
		return def
	}
	return Langs[0]
}
