package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"towngrid/internal/evaluation"
	"towngrid/internal/httpx"
	"towngrid/internal/i18n"
	"towngrid/internal/scoring"
	"towngrid/internal/store"
)

// exportRows bounds one export: a whole county's enterprises.
const exportRows = 1000000

// runExport writes a run as offices publish it (e.g. Huangyan's 综合评价结果):
// one sheet per group, ranked, with every indicator's actual value and score.
func (h *handlers) runExport(w http.ResponseWriter, r *httpx.Request) error {
	run, err := h.pathRun(r)
	if err != nil {
		return err
	}
	s, _, err := evaluation.Scheme(r.Context(), h.a.DB, run.Scheme, run.SchemeVersion)
	if err != nil {
		return err
	}
	rs, err := h.a.DB.EvalResults(r.Context(), store.EvalResultFilter{RunID: run.ID, Owner: owner(r), Limit: exportRows})
	if err != nil {
		return err
	}
	byGroup := map[string][]*store.EvalResult{}
	for _, x := range rs {
		byGroup[x.Group] = append(byGroup[x.Group], x)
	}
	en := r.Lang == "en"
	name := func(zh, e string) string {
		if en && e != "" {
			return e
		}
		return zh
	}
	t := func(k string) string { return i18n.T(r.Lang, k) }
	f := excelize.NewFile()
	defer f.Close()
	first := true
	groups := append([]scoring.Group{}, s.Groups...)
	groups = append(groups, scoring.Group{ID: "", Name: "未分组", NameEn: "no group"})
	for gi := range groups {
		g := &groups[gi]
		rows := byGroup[g.ID]
		if len(rows) == 0 {
			continue
		}
		sheet := name(g.Name, g.NameEn)
		if len([]rune(sheet)) > 31 {
			sheet = string([]rune(sheet)[:31])
		}
		if first {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		head := []any{t("evaluation.col.rank"), t("evaluation.col.name"), t("evaluation.col.uscc"), t("evaluation.col.park"), t("evaluation.col.group")}
		for _, it := range g.Items {
			unit := ""
			if it.Unit != "" {
				unit = "(" + it.Unit + ")"
			}
			head = append(head, name(it.Name, it.NameEn)+" "+t("evaluation.col.actual")+unit, name(it.Name, it.NameEn)+" "+t("evaluation.col.score"))
		}
		head = append(head, t("evaluation.col.adjustments"), t("evaluation.col.total"), t("evaluation.col.class"), t("evaluation.col.class_name"))
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		for n, x := range rows {
			var c scoring.Card
			_ = json.Unmarshal(x.Card, &c)
			row := []any{x.Rank, x.Name, x.USCC, x.Park, name(g.Name, g.NameEn)}
			if x.Rank == 0 {
				row[0] = "-"
			}
			for _, it := range c.Items {
				var act any = "-"
				if it.Actual != nil {
					act = round(*it.Actual, 4)
				}
				row = append(row, act, round(it.Score, 2))
			}
			row = append(row, round(c.Adjustments, 2), round(c.Total, 2), c.Class, c.ClassName)
			cell, _ := excelize.CoordinatesToCellName(1, n+2)
			if err := sw.SetRow(cell, row); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	if first { // no results visible: an empty sheet with the header only
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{t("evaluation.col.rank"), t("evaluation.col.name"), t("evaluation.col.uscc")})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="evaluation-`+strconv.FormatInt(run.ID, 10)+`.xlsx"`)
	return f.Write(w)
}

func round(v float64, d int) float64 {
	p, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', d, 64), 64)
	return p
}
