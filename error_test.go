package govdata_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata"
)

func TestMsgText(t *testing.T) {
	inner := govdata.Message{Msg: govdata.MsgRegionNotFound, Args: []any{"350100"}}
	tests := []struct {
		name string
		msg  govdata.Msg
		lang string
		args []any
		want string
	}{
		{"zh", govdata.MsgRequired, "zh", nil, "必填"},
		{"en", govdata.MsgRequired, "en", nil, "required"},
		{"other languages fall back to Chinese", govdata.MsgRequired, "fr", nil, "必填"},
		{"no language", govdata.MsgRequired, "", nil, "必填"},
		{"zh argument", govdata.MsgTooLong, "zh", []any{100}, "不能超过 100 个字符"},
		{"en argument", govdata.MsgTooLong, "en", []any{100}, "must be at most 100 characters"},
		{"two arguments", govdata.MsgRegionParentBad, "en", []any{"360000", "350102"}, "parent 360000 does not fit code 350102"},
		{"no arguments keeps verbs verbatim", govdata.Msg{"100% 完成", "100% done"}, "en", nil, "100% done"},
		{"nested zh", govdata.MsgRegionImportRow, "zh", []any{3, inner}, "第 3 行：行政区划不存在：350100"},
		{"nested en", govdata.MsgRegionImportRow, "en", []any{3, inner}, "row 3: region not found: 350100"},
		{"nested twice", govdata.MsgRegionImportRow, "en",
			[]any{1, govdata.Message{Msg: govdata.MsgRegionImportRow, Args: []any{2, inner}}}, "row 1: row 2: region not found: 350100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.msg.Text(tt.lang, tt.args...); got != tt.want {
				t.Fatalf("Text(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func TestMsgTextLeavesArgumentsAlone(t *testing.T) {
	inner := govdata.Message{Msg: govdata.MsgRequired}
	args := []any{1, inner}
	_ = govdata.MsgRegionImportRow.Text("en", args...)
	if got, ok := args[1].(govdata.Message); !ok || got.Msg != govdata.MsgRequired {
		t.Fatalf("Text changed its caller's arguments: %v", args)
	}
	// A Message keeps rendering in whichever language is asked for next.
	m := govdata.Message{Msg: govdata.MsgRegionImportRow, Args: args}
	if got, want := m.Text("en"), "row 1: required"; got != want {
		t.Fatalf("Text(en) = %q, want %q", got, want)
	}
	if got, want := m.Text("zh"), "第 1 行：必填"; got != want {
		t.Fatalf("Text(zh) = %q, want %q", got, want)
	}
}

func TestErrorsCarryCodes(t *testing.T) {
	e := govdata.Errorf(govdata.ECONFLICT, govdata.MsgRegionExists, "350100")
	if got, want := e.Error(), "conflict: region code already exists: 350100"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := e.Message.Text("zh"), "行政区划代码已存在：350100"; got != want {
		t.Errorf("Message.Text(zh) = %q, want %q", got, want)
	}
	tests := []struct {
		name string
		err  error
		want govdata.ErrorCode
	}{
		{"nil", nil, ""},
		{"domain", e, govdata.ECONFLICT},
		{"wrapped", fmt.Errorf("sqlstore: create region: %w", e), govdata.ECONFLICT},
		{"joined", errors.Join(e, errors.New("audit failed")), govdata.ECONFLICT},
		{"plain", errors.New("disk full"), govdata.EINTERNAL},
		{"wrapped plain", fmt.Errorf("x: %w", errors.New("y")), govdata.EINTERNAL},
	}
	for _, tt := range tests {
		if got := govdata.ErrorCodeOf(tt.err); got != tt.want {
			t.Errorf("%s: ErrorCodeOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFieldErrors(t *testing.T) {
	var fe govdata.FieldErrors
	if err := fe.Err(); err != nil {
		t.Fatalf("zero FieldErrors.Err() = %v, want nil", err)
	}
	fe.Add("name", govdata.MsgRequired)
	fe.Add("name", govdata.MsgTooLong, 10) // the first problem of a field wins
	fe.Add("code", govdata.MsgRegionCode)
	err := fe.Err()
	checkFields(t, err, map[string]govdata.Msg{"name": govdata.MsgRequired, "code": govdata.MsgRegionCode})
	e := err.(*govdata.Error)
	if e.Message.Msg != govdata.MsgInvalidInput {
		t.Errorf("message %q, want %q", e.Message.Msg.EN, govdata.MsgInvalidInput.EN)
	}
	s := e.Error()
	for _, part := range []string{"invalid: ", "name: required", "code: a region code has"} {
		if !strings.Contains(s, part) {
			t.Errorf("Error() = %q, want it to contain %q", s, part)
		}
	}
	// Fields render in the language asked for.
	var keys []string
	for k, m := range e.Fields {
		keys = append(keys, k+"="+m.Text("zh"))
	}
	slices.Sort(keys)
	if want := []string{"code=行政区划代码应为 6、9 或 12 位数字（GB/T 2260）", "name=必填"}; !slices.Equal(keys, want) {
		t.Errorf("fields in zh = %q, want %q", keys, want)
	}
}

func TestLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"": "zh", "en": "en", "en-US,en;q=0.9": "en", "zh-CN,zh;q=0.9,en;q=0.8": "zh", "fr, en;q=0.5": "en",
		"en;q=0.2, zh;q=0.9": "zh", "de": "zh", "EN-gb": "en", "en;q=abc": "en", "zh;q=0, en;q=0.1": "en",
	} {
		if got := govdata.Language(header); got != want {
			t.Errorf("Language(%q) = %s, want %s", header, got, want)
		}
	}
}

// TestAudited: a refusal the service recorded keeps its code and message
// through the mark, and only marked errors are reported as recorded.
func TestAudited(t *testing.T) {
	base := govdata.Errorf(govdata.EINVALID, govdata.MsgRequired)
	err := govdata.Audited(base)
	if !govdata.IsAudited(err) || govdata.ErrorCodeOf(err) != govdata.EINVALID || !errors.Is(err, base) {
		t.Fatalf("Audited(%v) = %v: want it marked, invalid, wrapping the original", base, err)
	}
	if govdata.IsAudited(base) || govdata.IsAudited(nil) || govdata.Audited(nil) != nil {
		t.Fatal("an unmarked error or nil is reported as recorded")
	}
	if wrapped := fmt.Errorf("x: %w", err); !govdata.IsAudited(wrapped) {
		t.Fatal("the mark is lost when wrapped")
	}
}

// TestHidden: a hidden refusal is, to the caller, the error of a missing
// object; only IsHidden tells them apart (issue 11).
func TestHidden(t *testing.T) {
	m := govdata.Msg{"没有这个对象", "no such object"}
	hidden, missing := govdata.Hidden(m), govdata.Errorf(govdata.ENOTFOUND, m)
	if hidden.Error() != missing.Error() || hidden.Code != missing.Code || hidden.Message.Text("zh") != missing.Message.Text("zh") {
		t.Errorf("hidden %v, missing %v: want the same answer", hidden, missing)
	}
	if !govdata.IsHidden(hidden) || !govdata.IsHidden(fmt.Errorf("sqlstore: find: %w", hidden)) || govdata.IsHidden(missing) || govdata.IsHidden(nil) {
		t.Error("IsHidden tells a hidden refusal, wrapped or not, from a missing object")
	}
	if err := govdata.HideForbidden(govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgOutOfScope), m); !govdata.IsHidden(err) || govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
		t.Errorf("govdata.HideForbidden(forbidden) = %v, want hidden not_found", err)
	}
	for _, err := range []error{nil, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized), govdata.Errorf(govdata.EINVALID, govdata.MsgInvalidInput), errors.New("disk")} {
		if got := govdata.HideForbidden(err, m); got != err {
			t.Errorf("govdata.HideForbidden(%v) = %v, want it unchanged", err, got)
		}
	}
}
