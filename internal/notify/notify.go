// Package notify tells subscribers when a resident's report changes state:
// by e-mail (SMTP through net/smtp to TOWNGRID_SMTP_ADDR) or by webhook
// (plain JSON, or the DingTalk/WeCom robot shape). The texts are templates
// per state and language, kept as data.
package notify

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/smtp"
	"strings"
	"time"
)

// Channels of notices ("none" only follows, for tracking).
var Channels = []string{"none", "email", "webhook", "dingtalk", "wecom"}

// Template is one notice text; {id}, {service}, {state}, {note} and {link}
// are replaced.
type Template struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Templates are the notice texts per language and state ("_default" for
// states without their own).
type Templates struct {
	ID        string                         `json:"id"`
	Version   int                            `json:"version"`
	Effective string                         `json:"effective"`
	Source    string                         `json:"source,omitempty"`
	Templates map[string]map[string]Template `json:"templates"`
}

//go:embed templates.json
var templatesJSON []byte

// ParseTemplates decodes and checks templates: both languages, each with a default.
func ParseTemplates(b []byte) (*Templates, error) {
	t := &Templates{}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(t); err != nil {
		return nil, fmt.Errorf("notify.templates: %w", err)
	}
	for _, l := range []string{"zh-CN", "en"} {
		if _, ok := t.Templates[l]["_default"]; !ok {
			return nil, fmt.Errorf("notify.templates: %s lacks _default", l)
		}
	}
	return t, nil
}

// SeedTemplates are the embedded texts.
func SeedTemplates() (*Templates, error) { return ParseTemplates(templatesJSON) }

// Vars fill a template.
type Vars struct {
	ID      int64
	Service string
	State   string // the state's name (selects the template)
	Label   string // the state's label, shown
	Note    string // the public comment, if any
	Link    string
}

// Render picks the language's template for the state and fills it.
func (t *Templates) Render(lang string, v Vars) Template {
	ls, ok := t.Templates[lang]
	if !ok {
		ls = t.Templates["zh-CN"]
	}
	tp, ok := ls[v.State]
	if !ok {
		tp = ls["_default"]
	}
	r := strings.NewReplacer("{id}", fmt.Sprint(v.ID), "{service}", v.Service, "{state}", v.Label, "{note}", v.Note, "{link}", v.Link)
	return Template{Subject: strings.TrimSpace(r.Replace(tp.Subject)), Body: strings.TrimSpace(r.Replace(tp.Body))}
}

// Mailer sends e-mail through an SMTP server (a local relay: no auth, as
// net/smtp only authenticates over TLS or to localhost).
type Mailer struct {
	Addr string // host:port; empty = e-mail is off
	From string
}

// Send writes one message.
func (m Mailer) Send(to string, msg Template) error {
	if m.Addr == "" {
		return fmt.Errorf("notify: no SMTP server configured (TOWNGRID_SMTP_ADDR)")
	}
	if strings.ContainsAny(to, "\r\n") {
		return fmt.Errorf("notify: bad address")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		m.From, to, mime.QEncoding.Encode("utf-8", msg.Subject), time.Now().Format(time.RFC1123Z))
	b.WriteString(strings.ReplaceAll(msg.Body, "\n", "\r\n"))
	b.WriteString("\r\n")
	return smtp.SendMail(m.Addr, nil, m.From, []string{to}, b.Bytes())
}

// Payload is the body of a plain webhook.
type Payload struct {
	Event   string `json:"event"` // report.state
	ID      int64  `json:"id"`
	State   string `json:"state"`
	Status  string `json:"status"` // open | closed
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// Hook posts a notice to a webhook. DingTalk and WeCom robots take
// {"msgtype":"text","text":{"content":…}}.
func Hook(ctx context.Context, c *http.Client, channel, url string, p Payload) error {
	var body any = p
	if channel == "dingtalk" || channel == "wecom" {
		body = map[string]any{"msgtype": "text", "text": map[string]string{"content": p.Subject + "\n" + p.Text}}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("notify: webhook answered %d", resp.StatusCode)
	}
	return nil
}
