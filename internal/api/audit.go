package api

import (
	"net/http"
	"strconv"

	"towngrid/internal/account"
	"towngrid/internal/audit"
	"towngrid/internal/httpx"
	"towngrid/internal/store"
)

func (h *handlers) auditRoutes() []*httpx.Route {
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/audit", Perm: account.AuditRead, Tag: "audit", Summary: "Audit log, newest first (?object=, ?object_id=, cursor)", Out: httpx.List[audit.Record]{}, Handle: h.listAudit},
		{Method: "GET", Path: "/api/v1/audit/verify", Perm: account.AuditRead, Tag: "audit", Summary: "Recompute the hash chain and name the first broken row", Out: store.VerifyResult{}, Handle: h.verifyAudit},
	}
}

func (h *handlers) listAudit(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rows, err := h.a.DB.ListAudit(r.Context(), store.AuditFilter{Object: q.Get("object"), ObjectID: q.Get("object_id"), After: pg.After, Limit: pg.Limit + 1})
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, httpx.NewList(rows, pg, func(a audit.Record) int64 { return a.Seq }))
}

func (h *handlers) verifyAudit(w http.ResponseWriter, r *httpx.Request) error {
	res, err := h.a.DB.VerifyAudit(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("X-Audit-Rows", strconv.FormatInt(res.Rows, 10))
	return r.JSON(w, http.StatusOK, res)
}
