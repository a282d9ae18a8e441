package workorders

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"towngrid/internal/store"
)

// MaxAttachment is the largest attachment (10 MB).
const MaxAttachment = 10 << 20

// AllowedTypes are the sniffed content types an attachment may have.
var AllowedTypes = []string{"image/jpeg", "image/png", "image/webp", "application/pdf"}

// Attach stores a file for a work order the caller can see: type by
// sniffing the content (not the name or the declared type), size bound,
// EXIF GPS of JPEGs, bytes by SHA-256 in the blob store, metadata audited.
func (e *Engine) Attach(ctx context.Context, who Caller, id int64, name string, r io.Reader) (*store.Attachment, error) {
	w, err := e.Visible(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if !w.Open {
		return nil, &Error{Status: http.StatusConflict, Code: "workorder.closed", Detail: "the work order is closed"}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if len(head) == 0 {
		return nil, invalid("file", "attachment.empty", "the file is empty")
	}
	ct := sniff(head)
	if ct == "" {
		return nil, invalid("file", "attachment.type", "only JPEG, PNG, WebP and PDF files are accepted")
	}
	a := &store.Attachment{WorkOrderID: w.ID, ContentType: ct, Name: cleanName(name)}
	if ct == "image/jpeg" {
		// EXIF sits in APP1 near the start; 64 KB is its maximum size.
		if b, _ := br.Peek(64 << 10); len(b) > 0 {
			if lon, lat, ok := GPSFromJPEG(b); ok {
				a.Lon, a.Lat = &lon, &lat
			}
		}
	}
	sum, size, err := e.Blobs.Put(br, MaxAttachment)
	if errors.Is(err, ErrTooLarge) {
		return nil, invalid("file", "attachment.size", "at most 10 MB")
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Field: "file", Detail: "the upload is larger than the server accepts"}
	}
	if err != nil {
		return nil, err
	}
	a.SHA256, a.Size = sum, size
	if err := e.DB.Write(ctx, who.Actor, func(tx *store.Tx) error { return tx.AddAttachment(ctx, a) }); err != nil {
		return nil, err
	}
	return a, nil
}

func sniff(head []byte) string {
	ct := http.DetectContentType(head)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	for _, t := range AllowedTypes {
		if ct == t {
			return ct
		}
	}
	return ""
}

func cleanName(s string) string {
	s = filepath.Base(strings.ReplaceAll(s, "\\", "/"))
	if !utf8.ValidString(s) || s == "." || s == "/" {
		s = "file"
	}
	for len(s) > 200 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
