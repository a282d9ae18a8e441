package httpx

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
)

// Window is the part of a list a list request asks for.
type Window struct {
	After int64 // decoded cursor: the last id of the previous page
	Limit int
	Count bool // the caller asked for a total (?count=true); COUNT(*) only then
}

// Cursor is an opaque position in a list.
type cursor struct {
	After int64 `json:"a"`
}

// EncodeCursor makes the opaque cursor for the next page.
func EncodeCursor(after int64) string {
	b, _ := json.Marshal(cursor{after})
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParsePage reads ?cursor=, ?limit= (1–500, default 50) and ?count=.
func ParsePage(r *http.Request) (Window, error) {
	p := Window{Limit: 50}
	q := r.URL.Query()
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return p, Invalid("limit", "page.limit", "a whole number from 1 to 500")
		}
		p.Limit = n
	}
	if s := q.Get("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		var c cursor
		if err != nil || json.Unmarshal(b, &c) != nil || c.After < 0 {
			return p, Invalid("cursor", "page.cursor", "not a cursor this server issued; start again without it")
		}
		p.After = c.After
	}
	switch q.Get("count") {
	case "", "false", "0":
	case "true", "1":
		p.Count = true
	default:
		return p, Invalid("count", "page.count", "true or false")
	}
	return p, nil
}

// List is the envelope of every list response.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
	Total      *int64 `json:"total,omitempty"`
	// Partial: the page stopped at its bound of work before it was full
	// (filters that match few rows of a large scope); follow next_cursor.
	Partial bool `json:"partial,omitempty"`
}

// NewList builds the envelope; id gives the cursor key of an item. One row
// beyond the limit is fetched to know whether another page exists.
func NewList[T any](items []T, p Window, id func(T) int64) List[T] {
	l := List[T]{Items: items}
	if len(items) > p.Limit {
		l.Items = items[:p.Limit]
		l.NextCursor = EncodeCursor(id(l.Items[p.Limit-1]))
	}
	if l.Items == nil {
		l.Items = []T{}
	}
	return l
}
