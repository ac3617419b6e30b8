package http_test

import (
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

func TestWebhooksAndDeliveriesHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		created := mustOK[govdata.IssuedWebhook](t, e.do(t, req{method: "POST", path: "/api/v1/webhooks", as: "sysadmin",
			body: map[string]any{"name": "市政务OA", "url": "https://oa.harbin.gov.cn/hooks/govdata", "kinds": []string{"reminder", "overdue"}}}), 201)
		if created.Secret == "" || created.AppKey != govdata.WebhookAppKey(created.ID) || !created.Active || len(created.Kinds) != 2 {
			t.Fatalf("created: %+v", created)
		}
		// The secret is shown once.
		r := e.do(t, req{method: "GET", path: "/api/v1/webhooks/" + itoa(created.ID), as: "sysadmin"})
		mustStatus(t, r, 200)
		if strings.Contains(string(r.body), created.Secret) || strings.Contains(string(r.body), `"secret"`) {
			t.Fatalf("GET shows the secret: %s", r.body)
		}
		rotated := mustOK[govdata.IssuedWebhook](t, e.do(t, req{method: "POST", path: "/api/v1/webhooks/" + itoa(created.ID) + "/rotate", as: "sysadmin"}), 200)
		if rotated.Secret == "" || rotated.Secret == created.Secret {
			t.Fatalf("rotated: %+v", rotated)
		}
		updated := mustOK[govdata.Webhook](t, e.do(t, req{method: "PATCH", path: "/api/v1/webhooks/" + itoa(created.ID), as: "sysadmin",
			body: map[string]any{"kinds": []string{}, "active": false}}), 200)
		if updated.Active || len(updated.Kinds) != 0 || updated.URL != created.URL {
			t.Fatalf("updated: %+v", updated)
		}
		list := mustOK[govdata.List[govdata.Webhook]](t, e.do(t, req{method: "GET", path: "/api/v1/webhooks?limit=1", as: "sysadmin"}), 200)
		if len(list.Items) != 1 || list.Items[0].ID != created.ID {
			t.Fatalf("list: %+v", list)
		}

		// Bad input: 4xx with the field named, nothing stored or changed.
		for _, body := range []any{
			map[string]any{"name": "x", "url": "javascript:alert(1)"},
			map[string]any{"name": "x", "url": "https://oa.gov.cn/h", "kinds": []string{"DROP TABLE"}},
			map[string]any{"name": "", "url": "https://oa.gov.cn/h"},
			map[string]any{"name": "x", "url": "https://oa.gov.cn/h", "secret": "mine"},
			map[string]any{"name": "x", "url": 42},
		} {
			mustError(t, e.do(t, req{method: "POST", path: "/api/v1/webhooks", as: "sysadmin", body: body}), 400, govdata.EINVALID)
		}
		env := mustError(t, e.do(t, req{method: "PATCH", path: "/api/v1/webhooks/" + itoa(created.ID), as: "sysadmin", body: map[string]any{"url": "ftp://x"}}), 400, govdata.EINVALID)
		if env.Error.Fields["url"] == "" {
			t.Fatalf("no field error for url: %+v", env)
		}
		if got := mustOK[govdata.Webhook](t, e.do(t, req{method: "GET", path: "/api/v1/webhooks/" + itoa(created.ID), as: "sysadmin"}), 200); got.URL != created.URL {
			t.Fatalf("a refused change was applied: %+v", got)
		}
		if l := mustOK[govdata.List[govdata.Webhook]](t, e.do(t, req{method: "GET", path: "/api/v1/webhooks", as: "sysadmin"}), 200); len(l.Items) != 1 {
			t.Fatalf("refused webhooks were stored: %+v", l.Items)
		}
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/webhooks/999999", as: "sysadmin"}), 404, govdata.ENOTFOUND)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/deliveries?state=lost", as: "sysadmin"}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/deliveries?channel=sms", as: "sysadmin"}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/deliveries?webhook_id=x", as: "sysadmin"}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/deliveries/999999", as: "sysadmin"}), 404, govdata.ENOTFOUND)

		// The log: a failed delivery, its attempts, a retry; a pending one cannot be retried.
		id := failedDelivery(t, e)
		failed := mustOK[govdata.List[govdata.Delivery]](t, e.do(t, req{method: "GET", path: "/api/v1/deliveries?state=failed&channel=webhook", as: "sysadmin"}), 200)
		if len(failed.Items) != 1 || failed.Items[0].ID != id || failed.Items[0].State != govdata.DeliveryFailed {
			t.Fatalf("failed deliveries: %+v", failed.Items)
		}
		d := mustOK[govdata.Delivery](t, e.do(t, req{method: "POST", path: "/api/v1/deliveries/" + itoa(id) + "/retry", as: "sysadmin"}), 200)
		if d.State != govdata.DeliveryPending || d.Attempts != 0 || d.NextAt == nil {
			t.Fatalf("retried: %+v", d)
		}
		env = mustError(t, e.do(t, req{method: "POST", path: "/api/v1/deliveries/" + itoa(id) + "/retry", as: "sysadmin", header: map[string]string{"Accept-Language": "zh-CN"}}), 409, govdata.ECONFLICT)
		if !strings.Contains(env.Error.Message, "只有失败的投递可以重试") {
			t.Fatalf("message: %+v", env)
		}

		// A user's e-mail address is set and checked through the user API.
		officer := userOf(e, "officer")
		mustError(t, e.do(t, req{method: "PATCH", path: "/api/v1/users/" + itoa(officer.ID), as: "sysadmin", body: map[string]any{"email": "not-an-address"}}), 400, govdata.EINVALID)
		u := mustOK[govdata.User](t, e.do(t, req{method: "PATCH", path: "/api/v1/users/" + itoa(officer.ID), as: "sysadmin", body: map[string]any{"email": "officer@gaj.gov.cn"}}), 200)
		if u.Email != "officer@gaj.gov.cn" {
			t.Fatalf("user after setting e-mail: %+v", u)
		}
		// Everyone sets its own address, checked the same way.
		mustError(t, e.do(t, req{method: "PATCH", path: "/api/v1/auth/me", as: "leader", body: map[string]any{"email": "Leader <l@gov.cn>"}}), 400, govdata.EINVALID)
		me := mustOK[govdata.User](t, e.do(t, req{method: "PATCH", path: "/api/v1/auth/me", as: "leader", body: map[string]any{"email": "leader@gaj.gov.cn"}}), 200)
		if me.Email != "leader@gaj.gov.cn" || me.ID != userOf(e, "leader").ID {
			t.Fatalf("own e-mail: %+v", me)
		}
	})
}
