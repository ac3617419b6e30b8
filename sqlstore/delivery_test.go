package sqlstore_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

type deliveryFixture struct {
	db          *sqlstore.DB
	clock       *storetest.Clock
	svc         *sqlstore.DeliveryService
	notes       *sqlstore.NotificationService
	admin       context.Context
	withMail    *govdata.User // has an e-mail address
	withoutMail *govdata.User
}

func newDeliveryFixture(t *testing.T, e storetest.Engine, mail bool) *deliveryFixture {
	t.Helper()
	opts := storetest.Options()
	opts.MailNotices = mail
	f := &deliveryFixture{clock: opts.Clock.(*storetest.Clock)}
	f.db = storetest.Open(t, e, &opts)
	f.svc, f.notes = sqlstore.NewDeliveryService(f.db), sqlstore.NewNotificationService(f.db)
	users := sqlstore.NewUserService(f.db)
	sys := storetest.System()
	for _, r := range []govdata.RegionInput{{Code: "230000", Name: "黑龙江省"}, {Code: "230100", Name: "哈尔滨市"}} {
		if _, err := sqlstore.NewRegionService(f.db).CreateRegion(sys, r); err != nil {
			t.Fatal(err)
		}
	}
	code := "11230100000000001"
	c, _ := govdata.CreditCodeCheckChar(code)
	bureau, err := sqlstore.NewDepartmentService(f.db).CreateDepartment(sys, govdata.DepartmentInput{Name: "哈尔滨市数据局", CreditCode: code + string(c),
		RegionCode: "230100", Level: govdata.LevelCity})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name, email string, role govdata.Role) *govdata.User {
		t.Helper()
		dept := bureau.ID
		if role.IsAdministrative() {
			dept = 0
		}
		u, err := users.CreateUserWithPassword(sys, govdata.UserInput{Username: name, Password: "Deliver-pass-1234", Name: name, Email: email,
			DepartmentID: dept, Roles: []govdata.Role{role}}, false)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin := mk("admin", "", govdata.RoleSysadmin)
	f.admin = storetest.As(govdata.Actor{UserID: admin.ID, Username: admin.Username, Roles: admin.Roles})
	f.withMail = mk("reviewer1", "li.si@data.harbin.gov.cn", govdata.RoleReviewer)
	f.withoutMail = mk("reviewer2", "", govdata.RoleReviewer)
	return f
}

func (f *deliveryFixture) notify(t *testing.T, u *govdata.User, kind string) int64 {
	t.Helper()
	id, err := f.notes.Notify(storetest.System(), u.ID, kind, govdata.Text{ZH: "目录「人口基础信息」已撤销", EN: "entry revoked"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *deliveryFixture) deliveries(t *testing.T, filter govdata.DeliveryFilter) []*govdata.Delivery {
	t.Helper()
	l, err := f.svc.FindDeliveries(f.admin, filter)
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

func (f *deliveryFixture) claim(t *testing.T, n int) []*govdata.Outgoing {
	t.Helper()
	out, err := f.svc.ClaimDeliveries(storetest.System(), n, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeliveryOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDeliveryFixture(t, e, true)
		all, err := f.svc.CreateWebhook(f.admin, govdata.WebhookInput{Name: "市政务OA", URL: "https://oa.harbin.gov.cn/hooks/govdata"})
		if err != nil {
			t.Fatal(err)
		}
		if all.AppKey != "govdata-webhook-1" || len(all.Secret) < 40 || !all.Active || len(all.Kinds) != 0 {
			t.Fatalf("issued webhook: %+v", all)
		}
		overdueOnly, err := f.svc.CreateWebhook(f.admin, govdata.WebhookInput{Name: "督办机器人", URL: "http://10.1.2.3:8080/bot", Kinds: []string{govdata.NoticeOverdue}})
		if err != nil {
			t.Fatal(err)
		}
		// A reminder to a user with an address: an e-mail and the all-kinds
		// webhook; to one without: the webhook only.
		n1 := f.notify(t, f.withMail, govdata.NoticeReminder)
		n2 := f.notify(t, f.withoutMail, govdata.NoticeReminder)
		got := f.deliveries(t, govdata.DeliveryFilter{})
		if len(got) != 3 {
			t.Fatalf("queued %d deliveries, want 3: %+v", len(got), got)
		}
		byNote := map[int64][]govdata.Channel{}
		for _, d := range got {
			if d.State != govdata.DeliveryPending || d.Attempts != 0 || d.NextAt == nil {
				t.Fatalf("new delivery: %+v", d)
			}
			byNote[d.NotificationID] = append(byNote[d.NotificationID], d.Channel)
			if d.Channel == govdata.ChannelEmail && (d.Target != "li.si@data.harbin.gov.cn" || d.UserID != f.withMail.ID) {
				t.Fatalf("e-mail delivery: %+v", d)
			}
			if d.Channel == govdata.ChannelWebhook && (d.WebhookID != all.ID || d.Target != all.URL) {
				t.Fatalf("webhook delivery: %+v", d)
			}
		}
		slices.Sort(byNote[n1])
		if len(byNote[n1]) != 2 || byNote[n1][0] != govdata.ChannelEmail || len(byNote[n2]) != 1 || byNote[n2][0] != govdata.ChannelWebhook {
			t.Fatalf("deliveries by notification: %v", byNote)
		}
		// An overdue notice also reaches the overdue-only webhook.
		f.notify(t, f.withoutMail, govdata.NoticeOverdue)
		if d := f.deliveries(t, govdata.DeliveryFilter{WebhookID: overdueOnly.ID}); len(d) != 1 {
			t.Fatalf("overdue-only webhook got %d deliveries", len(d))
		}
		// A deactivated webhook gets nothing new.
		off := false
		if _, err := f.svc.UpdateWebhook(f.admin, all.ID, govdata.WebhookPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		before := len(f.deliveries(t, govdata.DeliveryFilter{WebhookID: all.ID}))
		f.notify(t, f.withoutMail, govdata.NoticeReminder)
		if n := len(f.deliveries(t, govdata.DeliveryFilter{WebhookID: all.ID})); n != before {
			t.Fatalf("inactive webhook got a delivery: %d → %d", before, n)
		}

		// Claims: each due delivery once per lease, oldest first, with what
		// the sender needs.
		claimed := f.claim(t, 10)
		if len(claimed) != 5 {
			t.Fatalf("claimed %d, want 5", len(claimed))
		}
		if again := f.claim(t, 10); len(again) != 0 {
			t.Fatalf("claimed again within the lease: %d", len(again))
		}
		for _, o := range claimed {
			if o.Notification.Title.ZH != "目录「人口基础信息」已撤销" || o.Username == "" {
				t.Fatalf("claimed: %+v", o)
			}
			if o.Channel == govdata.ChannelWebhook && o.WebhookID == all.ID && string(o.Secret) != all.Secret {
				t.Fatalf("webhook secret %q, issued %q", o.Secret, all.Secret)
			}
		}
		// A sender that died: after the lease the deliveries come back.
		f.clock.Advance(2*time.Minute + time.Second)
		reclaimed := f.claim(t, 10)
		if len(reclaimed) != 5 {
			t.Fatalf("reclaimed %d after the lease, want 5", len(reclaimed))
		}

		// Attempts: success, failure with back-off, failure for good.
		sys := storetest.System()
		ok, fail := reclaimed[0].ID, reclaimed[1].ID
		if err := f.svc.RecordAttempt(sys, ok, govdata.DeliveryAttempt{OK: true, Status: 200, DurationMS: 12}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RecordAttempt(sys, fail, govdata.DeliveryAttempt{Status: 503, Error: "webhook answered 503\x00\xff", DurationMS: 40}); err != nil {
			t.Fatal(err)
		}
		d, err := f.svc.FindDeliveryByID(f.admin, ok)
		if err != nil || d.State != govdata.DeliverySent || d.SentAt == nil || d.Attempts != 1 || len(d.Log) != 1 || !d.Log[0].OK || d.Log[0].Status != 200 {
			t.Fatalf("sent delivery: %+v, %v", d, err)
		}
		// A late second sender's outcome does not undo a sent delivery.
		if err := f.svc.RecordAttempt(sys, ok, govdata.DeliveryAttempt{Error: "late"}); err != nil {
			t.Fatal(err)
		}
		if d, _ := f.svc.FindDeliveryByID(f.admin, ok); d.State != govdata.DeliverySent || len(d.Log) != 1 {
			t.Fatalf("late attempt changed a sent delivery: %+v", d)
		}
		d, _ = f.svc.FindDeliveryByID(f.admin, fail)
		wantNext := f.clock.Now().Add(govdata.DeliveryBackoff(1))
		if d.State != govdata.DeliveryPending || d.Attempts != 1 || d.NextAt == nil || !d.NextAt.Equal(wantNext) || d.LastError != "webhook answered 503\uFFFD" {
			t.Fatalf("failed once: %+v (next %v, want %v)", d, d.NextAt, wantNext)
		}
		for i := 2; i <= govdata.MaxDeliveryAttempts; i++ {
			f.clock.Advance(govdata.DeliveryBackoff(i - 1))
			var mine *govdata.Outgoing
			for _, o := range f.claim(t, 10) {
				if o.ID == fail {
					mine = o
				}
			}
			if mine == nil {
				t.Fatalf("attempt %d: the failing delivery was not due after its back-off", i)
			}
			if err := f.svc.RecordAttempt(sys, fail, govdata.DeliveryAttempt{Status: 500, Error: "boom"}); err != nil {
				t.Fatal(err)
			}
		}
		d, _ = f.svc.FindDeliveryByID(f.admin, fail)
		if d.State != govdata.DeliveryFailed || d.Attempts != govdata.MaxDeliveryAttempts || d.NextAt != nil || len(d.Log) != govdata.MaxDeliveryAttempts {
			t.Fatalf("after %d failures: %+v", govdata.MaxDeliveryAttempts, d)
		}
		if failed := f.deliveries(t, govdata.DeliveryFilter{State: govdata.DeliveryFailed}); len(failed) != 1 || failed[0].ID != fail {
			t.Fatalf("failed filter: %+v", failed)
		}
		f.clock.Advance(24 * time.Hour)
		for _, o := range f.claim(t, 10) {
			if o.ID == fail {
				t.Fatal("a failed delivery was claimed")
			}
		}
		// An administrator retries it: due at once, attempts counted afresh.
		if _, err := f.svc.RetryDelivery(f.admin, ok); govdata.ErrorCodeOf(err) != govdata.ECONFLICT {
			t.Fatalf("retry of a sent delivery: %v", err)
		}
		r, err := f.svc.RetryDelivery(f.admin, fail)
		if err != nil || r.State != govdata.DeliveryPending || r.Attempts != 0 {
			t.Fatalf("retry: %+v, %v", r, err)
		}
		if c := f.claim(t, 10); !slices.ContainsFunc(c, func(o *govdata.Outgoing) bool { return o.ID == fail }) {
			t.Fatal("a retried delivery was not claimed")
		}

		// Rotation gives a new secret to pending deliveries too.
		rot, err := f.svc.RotateWebhookSecret(f.admin, all.ID)
		if err != nil || rot.Secret == all.Secret {
			t.Fatalf("rotate: %+v, %v", rot, err)
		}
		f.clock.Advance(3 * time.Minute)
		for _, o := range f.claim(t, 10) {
			if o.WebhookID == all.ID && string(o.Secret) != rot.Secret {
				t.Fatal("a pending delivery is signed with the old secret")
			}
		}
	})
}

func TestDeliveryRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDeliveryFixture(t, e, false)
		// Without SMTP, no e-mail is queued.
		f.notify(t, f.withMail, govdata.NoticeReminder)
		if d := f.deliveries(t, govdata.DeliveryFilter{}); len(d) != 0 {
			t.Fatalf("queued without SMTP or webhooks: %+v", d)
		}
		bad := []govdata.WebhookInput{
			{Name: "", URL: "https://oa.gov.cn/h"},
			{Name: "x", URL: "ftp://oa.gov.cn/h"},
			{Name: "x", URL: "https://user:pw@oa.gov.cn/h"},
			{Name: "x", URL: "/relative"},
			{Name: "x", URL: "https://oa.gov.cn/h#frag"},
			{Name: "x", URL: "https://oa.gov.cn/h", Kinds: []string{"Reminder"}},
			{Name: "x", URL: "https://oa.gov.cn/h", Kinds: []string{"a,b"}},
		}
		for _, in := range bad {
			if _, err := f.svc.CreateWebhook(f.admin, in); govdata.ErrorCodeOf(err) != govdata.EINVALID {
				t.Errorf("%+v: %v, want invalid", in, err)
			}
		}
		if l, _ := f.svc.FindWebhooks(f.admin, govdata.Page{}); len(l.Items) != 0 {
			t.Fatalf("a refused webhook was stored: %+v", l.Items)
		}
		reviewer := storetest.As(govdata.Actor{UserID: f.withMail.ID, Username: f.withMail.Username, Roles: f.withMail.Roles})
		if _, err := f.svc.CreateWebhook(reviewer, govdata.WebhookInput{Name: "x", URL: "https://oa.gov.cn/h"}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("a reviewer adds a webhook: %v", err)
		}
		if _, err := f.svc.FindDeliveries(reviewer, govdata.DeliveryFilter{}); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("a reviewer reads the delivery log: %v", err)
		}
		if _, err := f.svc.ClaimDeliveries(f.admin, 1, time.Minute); govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Fatalf("an administrator claims deliveries: %v", err)
		}
		if _, err := f.svc.UpdateWebhook(f.admin, 999, govdata.WebhookPatch{}); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Fatalf("update of no webhook: %v", err)
		}
		if _, err := f.svc.FindDeliveryByID(f.admin, 999); govdata.ErrorCodeOf(err) != govdata.ENOTFOUND {
			t.Fatalf("no delivery: %v", err)
		}
		// A bad e-mail address is refused on create and update.
		users := sqlstore.NewUserService(f.db)
		for _, addr := range []string{"li.si", "Li Si <li.si@gov.cn>", "li si@gov.cn", "li.si@gov.cn\r\nBcc: x@y.cn"} {
			if _, err := users.CreateUser(f.admin, govdata.UserInput{Username: "u1", Password: "Deliver-pass-1234", Name: "u", Email: addr,
				DepartmentID: f.withMail.DepartmentID, Roles: []govdata.Role{govdata.RoleReviewer}}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
				t.Errorf("email %q on create: %v", addr, err)
			}
			a := addr
			if _, err := users.UpdateUser(f.admin, f.withoutMail.ID, govdata.UserPatch{Email: &a}); govdata.ErrorCodeOf(err) != govdata.EINVALID {
				t.Errorf("email %q on update: %v", addr, err)
			}
		}
		addr := "wang.wu@data.harbin.gov.cn"
		u, err := users.UpdateUser(f.admin, f.withoutMail.ID, govdata.UserPatch{Email: &addr})
		if err != nil || u.Email != addr {
			t.Fatalf("set e-mail: %+v, %v", u, err)
		}
	})
}

// Two senders claiming at once never get the same delivery.
func TestDeliveryConcurrentClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		f := newDeliveryFixture(t, e, true)
		if _, err := f.svc.CreateWebhook(f.admin, govdata.WebhookInput{Name: "OA", URL: "https://oa.gov.cn/h"}); err != nil {
			t.Fatal(err)
		}
		for range 60 {
			f.notify(t, f.withMail, govdata.NoticeReminder) // two deliveries each
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				for {
					out, err := f.svc.ClaimDeliveries(storetest.System(), 7, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(out) == 0 {
						return
					}
					mu.Lock()
					for _, o := range out {
						seen[o.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != 120 {
			t.Fatalf("claimed %d distinct deliveries, want 120", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("delivery %d claimed %d times", id, n)
			}
		}
	})
}
