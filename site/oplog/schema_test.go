package oplog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

func nested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

func TestSchemas(t *testing.T) {
	ok := map[string]string{
		"position.status.v1":  `{"from":"planned","to":"in_progress","reason":"runbook started"}`,
		"position.observe.v1": `{"attr":"port","value":"1/0/5"}`,
		"step.result.v1": `{"step":"verify","attempt":1,"outcome":"pass","value":"","note":"line one\nline two",
			"evidence":{"check":"new_phone","ok":true,"reading":{"phones":[{"serial":"X","sources":["lldp"]}]}}}`,
		"step.reopen.v1":     `{"step":"ddi","reason":"wrong number"}`,
		"step.correction.v1": `{"step":"new_serial","attempt":1,"value":"FCH2","was":"FCH1","reason":"mistyped","override":true}`,
		"asset.relabel.v1":   `{"kind":"new","serial":"FCH2","mac":"","asset_tag":"","position":"P1","state":"installed","was":"FCH1","override":false}`,
		"asset.install.v1":   `{"kind":"legacy","vendor":"cisco","model":"7841","serial":"FCH1","mac":"","asset_tag":"","position":"P1","condition":"","from":""}`,
		"asset.state.v1":     `{"from":"installed","to":"removed","note":"unplugged","wtn_ref":"","position":"P1","serial":"FCH1","mac":""}`,
		"asset.dispose.v1":   `{"from":"removed","to":"weee_disposal","note":"","wtn_ref":"WTN-1","position":"P1","serial":"FCH1","mac":""}`,
		"asset.condition.v1": `{"condition":"good","position":"P1","serial":"FCH1","mac":"","asset_tag":""}`,
		"number.ddi.v1": `{"ddi_state":"teams","ddi":"","teams_ddi":"+442032000001","extension":"2001","extension_state":"",
			"legacy_ddi":"+442032000009"}`,
		"note.add.v1":              `{"text":"` + strings.Repeat("é", MaxText) + `"}`,
		"conflict.resolve.v1":      `{"resolution":"checked","value":""}`,
		"switch.addr.v1":           `{"addr":"10.0.0.1:161"}`,
		"stock.issued.v1":          `{"model":"J179","issued":4,"previous":0}`,
		"discovery.v1":             `{"discovery":1,"switches":2,"failed":0,"phones":1,"counts":{"matched":1},"verdicts":[{"label":"P1","outcome":"matched"}]}`,
		"switch.lldp.v1":           `{"discovery":1,"switch":"127.0.0.1:16101","sys_name":"kx-sw1","chassis_id":"00:5d:73:41:01:00","chassis_id_subtype":4,"ports":[{"port":"Gi1/0/1","if_index":10101,"port_id":"Gi1/0/1","port_id_subtype":5}]}`,
		"site.import.v1":           `{"file":"kx.csv","sha256":"ab","added":1,"changed":0,"unchanged":0,"withdrawn":0,"kept":null}`,
		"position.plan_dropped.v1": `{"file":"kx.csv","status":"done"}`,
		"plan.proposal.v1":         `{"proposal":"add","label":"HD-20","switch":"kx-sw3","port":"Gi1/0/20","mac":"00:1e:13:8c:91:01","role":"hot_desk","plan":"avaya_fixed","note":"by the lifts"}`,
		"later.kind.v2":            `{"anything":{"bounded":[1,2,3]}}`,
	}
	for kind, p := range ok {
		if err := Check(kind, []byte(p)); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
	if len(Kinds()) != 20 {
		t.Errorf("%d kinds with a schema, want 20: %v", len(Kinds()), Kinds())
	}
	bad := []struct{ kind, payload, want string }{
		{"step.result.v1", `{"step":"verify","outcome":"pass","evidence":` + nested(9996) + `}`, "nested"},
		{"step.result.v1", `{"step":"verify","outcome":"pass","evidence":` + nested(MaxDepth+1) + `}`, "nested"},
		{"step.result.v1", `{"step":"verify","outcome":"pass","evidence":{"s":"` + strings.Repeat("x", MaxEvidence) + `"}}`, "bytes"},
		{"step.result.v1", `{"step":"verify","outcome":"pass","note":"` + strings.Repeat("x", MaxText+1) + `"}`, "characters"},
		{"step.result.v1", `{"state":"done"}`, "unknown field"},
		{"plan.proposal.v1", `{"proposal":"rename"}`, "want one of"},
		{"step.result.v1", `{"step":"verify"}`, "outcome is required"},
		{"step.result.v1", `{"step":"verify","outcome":"won"}`, "want one of"},
		{"step.result.v1", `{"step":"verify","outcome":"pass","attempt":"1"}`, "integer"},
		{"step.result.v1", `{"step":"ver\u0000ify","outcome":"pass"}`, "NUL"},
		{"step.result.v1", `{"step":"verify","outcome":"pass","evidence":{"summary":"a\u0000b"}}`, "NUL"},
		{"step.result.v1", `{"step":"verify","outcome":"pass","value":"a\nb"}`, "control character"},
		{"position.status.v1", `{"to":"done","reason":"L\u001b[2JCLEARED"}`, "control character"},
		{"position.status.v1", `{"to":"done","reason":"\u009b"}`, "control character"},
		{"asset.install.v1", `{"kind":"new","serial":"FCH\u0000","position":"P1"}`, "NUL"},
		{"asset.install.v1", `{"kind":"new","serial":"` + strings.Repeat("F", MaxKey+1) + `","position":"P1"}`, "characters"},
		{"note.add.v1", `[1]`, "JSON object"},
		{"note.add.v1", `{"text":"x"`, "JSON object"},
		{"later.kind.v2", `{"a":"\u0007"}`, "control character"},
		{"later.kind.v2", `{"a":` + nested(MaxDepth+1) + `}`, "nested"},
		{"later.kind.v2", `{"a":"` + strings.Repeat("x", MaxPayload) + `"}`, "bytes"},
	}
	for _, c := range bad {
		err := Check(c.kind, []byte(c.payload))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %.60s: got %v, want an error saying %q", c.kind, c.payload, err, c.want)
		}
	}
	if err := Check("step.result.v1", []byte("{\"step\":\"v\",\"outcome\":\"pass\",\"note\":\"\xff\"}")); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

// TestAppendRefuses proves nothing over the limits is ever logged: the
// error is clear and the log is unchanged.
func TestAppendRefuses(t *testing.T) {
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "log.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.Exec(`CREATE TABLE oplog (client_seq INTEGER PRIMARY KEY, op_id TEXT, site TEXT, kind TEXT, entity TEXT,
		entity_id TEXT, engineer TEXT, observed_at TEXT, payload TEXT, state TEXT DEFAULT 'pending')`); err != nil {
		t.Fatal(err)
	}
	good := Op{Site: "KX", Kind: "note.add.v1", Entity: "position", EntityID: "P1", Engineer: "alice",
		Payload: json.RawMessage(`{"text":"fine"}`)}
	if _, err := Append(ctx, db, good); err != nil {
		t.Fatal(err)
	}
	for name, op := range map[string]Op{
		"long note":     {Payload: json.RawMessage(`{"text":"` + strings.Repeat("n", MaxText+1) + `"}`)},
		"NUL label":     {EntityID: "P\x001"},
		"escape label":  {EntityID: "L\x1b[2JCLEARED"},
		"engineer NUL":  {Engineer: "al\x00ice"},
		"deep evidence": {Kind: "step.result.v1", Payload: json.RawMessage(`{"step":"v","outcome":"pass","evidence":` + nested(50) + `}`)},
	} {
		o := good
		if op.Payload != nil {
			o.Payload = op.Payload
		}
		if op.Kind != "" {
			o.Kind = op.Kind
		}
		if op.EntityID != "" {
			o.EntityID = op.EntityID
		}
		if op.Engineer != "" {
			o.Engineer = op.Engineer
		}
		if _, err := Append(ctx, db, o); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "not recorded") {
			t.Errorf("%s: %v, want refused", name, err)
		}
	}
	var n int
	db.QueryRow(`SELECT COUNT(*) FROM oplog`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d ops logged, want only the good one", n)
	}
}
