package server_test

import (
	"fmt"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Dispatch without a department asks the ownership table (权属): the rule of
// the deepest area on the grid's path wins, then the most specific category.
func TestAutomaticDispatchByOwnership(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, clk := woFixture(t, db, "2025-09-30T09:00")
		var hw, cg struct {
			ID int64 `json:"id"`
		}
		woDecode(t, f.do("POST", "/api/v1/departments", account.Admin, fmt.Sprintf(`{"code":"442000113-hw","name":"环卫所","kind":"sanitation","area_id":%d}`, f.town.ID)), 201, &hw)
		woDecode(t, f.do("POST", "/api/v1/departments", account.Admin, fmt.Sprintf(`{"code":"442000113-cg","name":"城管中队","kind":"city_management","area_id":%d}`, f.town.ID)), 201, &cg)
		// Town: all of 大类 E01 to 城管; community 1: 小类 E0102 to 环卫.
		woDecode(t, f.do("POST", "/api/v1/ownership", account.Admin, fmt.Sprintf(`{"area_id":%d,"category":"E01","department_id":%d}`, f.town.ID, cg.ID)), 201, nil)
		woDecode(t, f.do("POST", "/api/v1/ownership", account.Admin, fmt.Sprintf(`{"area_id":%d,"category":"E0102","department_id":%d}`, f.c1.ID, hw.ID)), 201, nil)
		dispatch := func(grid int64, category string) int64 {
			var v woView
			woDecode(t, f.do("POST", "/api/v1/workorders", account.ShiftLead, fmt.Sprintf(`{"kind":"citycase","category":%q,"title":"巡查发现","area_id":%d}`, category, grid)), 201, &v)
			clk.set("2025-09-30T09:10")
			f.woAct(t, v.ID, account.Intake, "accept", `{}`) // the shift lead accepts without 核实
			f.woAct(t, v.ID, account.Intake, "register", `{}`)
			v = f.woAct(t, v.ID, account.Dispatcher, "dispatch", `{}`)
			if v.State != "disposing" {
				t.Fatalf("dispatch without a department: state %s", v.State)
			}
			return v.DepartmentID
		}
		if d := dispatch(f.g1.ID, "E0102"); d != hw.ID {
			t.Errorf("E0102 in community 1 went to %d, want the 环卫所 %d (deepest rule)", d, hw.ID)
		}
		if d := dispatch(f.g2.ID, "E0102"); d != cg.ID {
			t.Errorf("E0102 in community 2 went to %d, want the 城管中队 %d (town rule)", d, cg.ID)
		}
	})
}
