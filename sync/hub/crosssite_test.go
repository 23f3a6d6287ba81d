package hub_test

import (
	"strings"
	"testing"

	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// One site's engineer cannot reach into another site (issue 26, point 6):
// a serial the hub holds at a site the engineer is not assigned to is
// refused as forbidden_site without saying where it is, and the other
// site's record is not disturbed.
func TestASerialHeldAtAnotherSiteIsRefused(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, conflictPlan)
		importJSON(t, h, `{"site":{"code":"ZZ","name":"Zed Yard","cease_date":"2027-06-30"},"positions":[
			{"label":"Z1","role":"front_counter","legacy_vendor":"cisco","extension":"9001","target_model":"Avaya J179"}]}`)
		kx := h.Laptop("kay", wire.RoleEngineer, "KX")
		zz := h.Laptop("zed", wire.RoleEngineer, "ZZ")
		sync(t, kx, "KX")
		sync(t, zz, "ZZ")
		hubtest.Work(t, zz.Store, "zed", "ZZ", "Z1", "new_tag", map[string]string{"new_serial": "AVX0002"})
		sync(t, zz)
		hubtest.Work(t, kx.Store, "kay", "KX", "P5", "new_tag", map[string]string{"new_serial": "AVX0002"})
		rep := sync(t, kx)
		if rep.Rejected == 0 {
			t.Fatalf("kay's push: %+v; want the serial held at ZZ refused", rep)
		}
		refused := false
		rows, err := kx.Store.DB().QueryContext(ctx, `SELECT result FROM oplog WHERE state = 'rejected'`)
		hubtest.Must(t, err)
		for rows.Next() {
			var res string
			hubtest.Must(t, rows.Scan(&res))
			if strings.Contains(res, "forbidden_site") {
				refused = true
			}
			if strings.Contains(res, "ZZ") || strings.Contains(res, "Z1") {
				t.Errorf("the refusal tells a KX engineer where the handset is: %s", res)
			}
		}
		rows.Close()
		if !refused {
			t.Error("no forbidden_site refusal")
		}
		if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE status = 'open' AND (site = 'ZZ' OR kind = 'serial_in_two_places')`); n != 0 {
			t.Errorf("%d conflicts raised: the KX engineer's scan disturbed ZZ", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM claims WHERE what = 'handset' AND key = 'AVX0002'`); n != 1 {
			t.Errorf("%d claims on AVX0002; want ZZ's alone", n)
		}
	})
}
