package api

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/httpx"
	"towngrid/internal/notify"
	"towngrid/internal/open311"
	"towngrid/internal/store"
	"towngrid/internal/workorders"
)

// FollowIn follows an existing report (the duplicate the page offered).
type FollowIn struct {
	ID      int64  `json:"id"`
	Channel string `json:"channel,omitempty"` // none (default) | email | webhook | dingtalk | wecom
	Address string `json:"address,omitempty"`
	Lang    string `json:"lang,omitempty"`
}

// SubscribeIn subscribes to state changes.
type SubscribeIn struct {
	Scope   string `json:"scope"`  // report | area | category
	Target  string `json:"target"` // work-order id | area id | category code
	Channel string `json:"channel"`
	Address string `json:"address"`
	Lang    string `json:"lang,omitempty"`
}

// UnsubscribeIn ends a subscription.
type UnsubscribeIn struct {
	Secret string `json:"secret"`
}

// SurveyIn is the 回访 answer.
type SurveyIn struct {
	Token  string `json:"token"`
	Rating string `json:"rating"` // satisfied | basic | unsatisfied
	Reason string `json:"reason,omitempty"`
}

// TrackView is a report as its reporter (or a follower) sees it.
type TrackView struct {
	Request   open311.Request `json:"request"`
	Following bool            `json:"following"`
	CanSurvey bool            `json:"can_survey"`
	Survey    *store.Survey   `json:"survey,omitempty"`
}

// Ratings of the survey: 满意, 基本满意, 不满意.
var Ratings = []string{"satisfied", "basic", "unsatisfied"}

// ReopenAction is the resident flow's action that a 不满意 answer takes,
// when the flow has one (the seeded flow v1 has not: see docs/open311.md).
const ReopenAction = "reopen"

func checkSub(s *store.Subscription) error {
	if !slices.Contains(notify.Channels, s.Channel) {
		return httpx.Invalid("channel", "subscription.channel", "channel is one of "+strings.Join(notify.Channels, ", "))
	}
	if s.Lang != "en" {
		s.Lang = "zh-CN"
	}
	switch s.Channel {
	case "none":
		s.Address = ""
	case "email":
		if len(s.Address) > 200 || !strings.Contains(s.Address, "@") || strings.ContainsAny(s.Address, "\r\n<>, ") {
			return httpx.Invalid("address", "subscription.address", "a valid e-mail address")
		}
	default:
		u, err := url.Parse(s.Address)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s.Address) > 1000 {
			return httpx.Invalid("address", "subscription.address", "an http(s) webhook URL")
		}
	}
	return nil
}

func (h *handlers) reportFollow(w http.ResponseWriter, r *httpx.Request) error {
	var in FollowIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if in.Channel == "" {
		in.Channel = "none"
	}
	wo, err := h.a.DB.WorkOrder(r.Context(), in.ID)
	if err != nil || wo.Kind != ResidentKind || !wo.Open {
		return httpx.Invalid("id", "report.follow", "no open report with this id")
	}
	s := &store.Subscription{Scope: "report", Target: strconv.FormatInt(in.ID, 10), Channel: in.Channel, Address: strings.TrimSpace(in.Address),
		Lang: in.Lang, Secret: "f" + account.RandomToken(16)}
	if err := checkSub(s); err != nil {
		return err
	}
	if err := h.a.DB.Write(r.Context(), store.Actor{Name: "public", Via: "web"}, func(tx *store.Tx) error { return tx.CreateSubscription(r.Context(), s) }); err != nil {
		return err
	}
	return r.JSON(w, http.StatusCreated, ReportReceipt{ID: in.ID, Token: s.Secret})
}

func (h *handlers) reportSubscribe(w http.ResponseWriter, r *httpx.Request) error {
	var in SubscribeIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	s := &store.Subscription{Scope: in.Scope, Target: strings.TrimSpace(in.Target), Channel: in.Channel, Address: strings.TrimSpace(in.Address),
		Lang: in.Lang, Secret: "s" + account.RandomToken(16)}
	switch in.Scope {
	case "report":
		id, _ := strconv.ParseInt(s.Target, 10, 64)
		if wo, err := h.a.DB.WorkOrder(r.Context(), id); err != nil || wo.Kind != ResidentKind {
			return httpx.Invalid("target", "subscription.target", "no such report")
		}
	case "area":
		id, _ := strconv.ParseInt(s.Target, 10, 64)
		if _, err := h.a.DB.Area(r.Context(), id); err != nil {
			return httpx.Invalid("target", "subscription.target", "no such area")
		}
	case "category":
		rc, err := h.residentCats(r.Context())
		if err != nil {
			return err
		}
		if _, ok := rc.get(s.Target); !ok {
			return httpx.Invalid("target", "subscription.target", "no such category")
		}
	default:
		return httpx.Invalid("scope", "subscription.scope", "scope is report, area or category")
	}
	if err := checkSub(s); err != nil {
		return err
	}
	if s.Channel == "none" {
		return httpx.Invalid("channel", "subscription.channel", "choose e-mail or a webhook")
	}
	if err := h.a.DB.Write(r.Context(), store.Actor{Name: "public", Via: "web"}, func(tx *store.Tx) error { return tx.CreateSubscription(r.Context(), s) }); err != nil {
		return err
	}
	id, _ := strconv.ParseInt(s.Target, 10, 64)
	return r.JSON(w, http.StatusCreated, ReportReceipt{ID: id, Token: s.Secret})
}

func (h *handlers) reportUnsubscribe(w http.ResponseWriter, r *httpx.Request) error {
	var in UnsubscribeIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if in.Secret == "" || len(in.Secret) > 100 {
		return httpx.Invalid("secret", "subscription.secret", "the token of the subscription")
	}
	err := h.a.DB.Write(r.Context(), store.Actor{Name: "public", Via: "web"}, func(tx *store.Tx) error { return tx.EndSubscription(r.Context(), in.Secret) })
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// tracked finds the report of a token: the reporter's own, or a follow token.
func (h *handlers) tracked(r *httpx.Request, token string) (*store.WorkOrder, *store.Open311Request, bool, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, false, httpx.Invalid("token", "report.token", "the tracking token")
	}
	o, err := h.a.DB.Open311ByToken(r.Context(), token)
	following := false
	var id int64
	switch {
	case err == nil:
		id = o.WorkOrderID
	case errors.Is(err, store.ErrNotFound):
		s, err := h.a.DB.SubscriptionBySecret(r.Context(), token)
		if err != nil || s.Scope != "report" {
			return nil, nil, false, store.ErrNotFound
		}
		id, _ = strconv.ParseInt(s.Target, 10, 64)
		following = true
		m, err := h.a.DB.Open311Requests(r.Context(), []int64{id})
		if err != nil {
			return nil, nil, false, err
		}
		o = m[id]
	default:
		return nil, nil, false, err
	}
	wo, err := h.a.DB.WorkOrder(r.Context(), id)
	if err != nil {
		return nil, nil, false, err
	}
	return wo, o, following, nil
}

func (h *handlers) reportTrack(w http.ResponseWriter, r *httpx.Request) error {
	wo, o, following, err := h.tracked(r, r.URL.Query().Get("token"))
	if err != nil {
		return err
	}
	rc, err := h.residentCats(r.Context())
	if err != nil {
		return err
	}
	v, err := h.publicView(r.Context(), rc, wo, o, true)
	if err != nil {
		return err
	}
	tv := TrackView{Request: v, Following: following}
	if s, err := h.a.DB.SurveyOf(r.Context(), wo.ID); err == nil {
		tv.Survey = s
	}
	tv.CanSurvey = !following && wo.State == "closed" && tv.Survey == nil
	return r.JSON(w, http.StatusOK, tv)
}

func (h *handlers) reportSurvey(w http.ResponseWriter, r *httpx.Request) error {
	var in SurveyIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	if !slices.Contains(Ratings, in.Rating) {
		return httpx.Invalid("rating", "survey.rating", "rating is satisfied, basic or unsatisfied")
	}
	reason, err := clean("reason", in.Reason, 1000)
	if err != nil {
		return err
	}
	if in.Rating == "unsatisfied" && reason == "" {
		return httpx.Invalid("reason", "survey.reason", "say why you are not satisfied")
	}
	wo, _, following, err := h.tracked(r, in.Token)
	if err != nil {
		return err
	}
	if following {
		return httpx.Errorf(http.StatusForbidden, "survey.reporter", "only the reporter answers the survey")
	}
	if wo.State != "closed" {
		return httpx.Errorf(http.StatusConflict, "survey.not_closed", "the report is not closed yet")
	}
	s := &store.Survey{WorkOrderID: wo.ID, Rating: in.Rating, Reason: reason, AreaPath: wo.AreaPath, Period: wo.Period}
	err = h.a.DB.Write(r.Context(), store.Actor{Name: "public", Via: "web"}, func(tx *store.Tx) error { return tx.SaveSurvey(r.Context(), s) })
	if errors.Is(err, store.ErrConflict) {
		return httpx.Errorf(http.StatusConflict, "survey.answered", "this report's survey is already answered")
	}
	if err != nil {
		return err
	}
	if in.Rating == "unsatisfied" {
		// 不满意 reopens the case through the engine, when the flow lets the
		// system take a reopen action from the closed state.
		rc, err := h.residentCats(r.Context())
		if err == nil {
			if _, ok := rc.flow.Action(ReopenAction); ok {
				who, err := h.publicCaller(r.Context(), nil)
				if err == nil {
					_, err = h.wo().Act(r.Context(), who, wo.ID, &workorders.ActionRequest{Action: ReopenAction, Seq: wo.Seq,
						Inputs: workorders.ActionInputs{Reason: "回访不满意：" + reason, PublicComment: reason}})
				}
				if err != nil {
					h.a.Log.Warn("survey reopen failed", "workorder", wo.ID, "err", err)
				}
			}
		}
	}
	return r.JSON(w, http.StatusCreated, s)
}
