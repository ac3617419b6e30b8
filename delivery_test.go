package govdata_test

import (
	"testing"
	"time"

	"github.com/govdata/govdata"
)

func TestDeliveryBackoff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, 64 * time.Minute, 128 * time.Minute, 4 * time.Hour, 4 * time.Hour, 4 * time.Hour, 4 * time.Hour}
	var total time.Duration
	for i, w := range want {
		got := govdata.DeliveryBackoff(i + 1)
		if got != w {
			t.Errorf("after attempt %d: %s, want %s", i+1, got, w)
		}
		total += got
	}
	// The last attempt comes about 20 hours after the first: a receiver
	// down overnight still gets its messages.
	if len(want) != govdata.MaxDeliveryAttempts-1 || total < 19*time.Hour || total > 21*time.Hour {
		t.Errorf("last attempt %s after the first over %d waits", total, len(want))
	}
	if govdata.DeliveryBackoff(0) != 30*time.Second || govdata.DeliveryBackoff(1000) != 4*time.Hour {
		t.Error("back-off outside the attempt range")
	}
}

func TestNoticeKindAndEmail(t *testing.T) {
	for k, ok := range map[string]bool{"reminder": true, "catalog_revoked": true, "share.granted2": true,
		"": false, "Reminder": false, "2fa": false, "a,b": false, "a b": false, string(make([]byte, 65)): false} {
		if govdata.ValidNoticeKind(k) != ok {
			t.Errorf("ValidNoticeKind(%q) = %v", k, !ok)
		}
	}
	for addr, ok := range map[string]bool{"": true, "li.si@data.harbin.gov.cn": true, "张三@政务.中国": true,
		"li.si": false, "<li.si@gov.cn>": false, "Li <li@gov.cn>": false, "li@gov.cn\r\nBcc: x@y.cn": false, "a@b.cn, c@d.cn": false} {
		var fe govdata.FieldErrors
		govdata.CheckEmail(&fe, "email", addr)
		if (fe.Err() == nil) != ok {
			t.Errorf("CheckEmail(%q): %v", addr, fe.Err())
		}
	}
}
