package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Templates per state and language, with the default for other states
// (case-management.md: response templates tied to states).
func TestRender(t *testing.T) {
	tp, err := SeedTemplates()
	if err != nil {
		t.Fatal(err)
	}
	v := Vars{ID: 7, Service: "暴露垃圾", State: "closed", Label: "已结案", Link: "https://x/report/track?token=t"}
	zh := tp.Render("zh-CN", v)
	if zh.Subject != "诉求 #7 已办结" || !strings.Contains(zh.Body, "满意") || !strings.HasSuffix(zh.Body, "https://x/report/track?token=t") {
		t.Errorf("zh closed: %+v", zh)
	}
	v.State, v.Label = "pending_dispatch", "待派遣"
	if en := tp.Render("en", v); en.Subject != "Report #7 you follow is now: 待派遣" {
		t.Errorf("en default: %+v", en)
	}
	if fr := tp.Render("fr", v); !strings.Contains(fr.Subject, "待派遣") || !strings.HasPrefix(fr.Subject, "您关注") {
		t.Errorf("unknown language falls back to zh-CN: %+v", fr)
	}
	if _, err := ParseTemplates([]byte(`{"templates":{"zh-CN":{},"en":{"_default":{}}}}`)); err == nil {
		t.Error("templates without a zh-CN default accepted")
	}
}

// DingTalk and WeCom robots take {"msgtype":"text","text":{"content":…}}.
func TestHookShapes(t *testing.T) {
	got := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got[r.URL.Path] = string(b)
		if r.URL.Path == "/fail" {
			w.WriteHeader(500)
		}
	}))
	defer srv.Close()
	p := Payload{Event: "report.state", ID: 3, State: "closed", Status: "closed", Subject: "S", Text: "T"}
	for _, ch := range []string{"webhook", "dingtalk", "wecom"} {
		if err := Hook(context.Background(), srv.Client(), ch, srv.URL+"/"+ch, p); err != nil {
			t.Fatal(err)
		}
	}
	var robot struct {
		MsgType string `json:"msgtype"`
		Text    struct{ Content string }
	}
	for _, ch := range []string{"dingtalk", "wecom"} {
		if err := json.Unmarshal([]byte(got["/"+ch]), &robot); err != nil || robot.MsgType != "text" || robot.Text.Content != "S\nT" {
			t.Errorf("%s: %s", ch, got["/"+ch])
		}
	}
	var plain Payload
	if err := json.Unmarshal([]byte(got["/webhook"]), &plain); err != nil || plain != p {
		t.Errorf("webhook: %s", got["/webhook"])
	}
	if err := Hook(context.Background(), srv.Client(), "webhook", srv.URL+"/fail", p); err == nil {
		t.Error("a 500 answer is not an error")
	}
	if err := (Mailer{}).Send("a@b.c", Template{}); err == nil {
		t.Error("e-mail without a server is not an error")
	}
}
