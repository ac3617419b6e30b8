package jobs_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/holidays"
	"github.com/govdata/govdata/jobs"
	"github.com/govdata/govdata/notify"
	"github.com/govdata/govdata/notify/notifytest"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/signing"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// From a workflow step falling due to a mail in the officer's mailbox and a
// signed request at the department's OA system, on both engines: the sweep
// writes the notices, the deliverer sends them, a receiver that is down
// gets the request again after the back-off, and nothing is sent twice.
func TestDeadlineNoticesLeaveByMailAndWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		sys := storetest.System()
		opts := storetest.Options()
		clock := storetest.NewClock(time.Date(2026, 2, 12, 2, 0, 0, 0, time.UTC)) // Thu 10:00 Beijing
		opts.Clock, opts.MailNotices = clock, true
		db := storetest.Open(t, e, &opts)
		years, err := holidays.China()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sqlstore.NewCalendarService(db).SeedCalendarYears(sys, years); err != nil {
			t.Fatal(err)
		}
		for _, r := range []govdata.RegionInput{{Code: "230000", Name: "黑龙江省"}, {Code: "230100", Name: "哈尔滨市"}} {
			if _, err := sqlstore.NewRegionService(db).CreateRegion(sys, r); err != nil {
				t.Fatal(err)
			}
		}
		var depts []int64
		for i, name := range []string{"哈尔滨市数据局", "哈尔滨市公安局"} {
			code := fmt.Sprintf("1123010000000000%d", i)
			c, _ := govdata.CreditCodeCheckChar(code)
			d, err := sqlstore.NewDepartmentService(db).CreateDepartment(sys, govdata.DepartmentInput{Name: name, CreditCode: code + string(c), RegionCode: "230100", Level: govdata.LevelCity})
			if err != nil {
				t.Fatal(err)
			}
			depts = append(depts, d.ID)
		}
		_, err = sqlstore.NewUserService(db).CreateUserWithPassword(sys, govdata.UserInput{Username: "zhangsan", Password: "Notice-pass-1234",
			Name: "张三", Email: "zhang.san@gaj.harbin.gov.cn", DepartmentID: depts[1], Roles: []govdata.Role{govdata.RoleOfficer}}, false)
		if err != nil {
			t.Fatal(err)
		}
		admin := storetest.As(govdata.Actor{UserID: 1, Username: "admin", Roles: []govdata.Role{govdata.RoleSysadmin}})
		deliveries := sqlstore.NewDeliveryService(db)

		// The OA system is down for its first request.
		var mu sync.Mutex
		var posts []notify.WebhookPayload
		down := true
		var secret []byte
		oa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if err := signing.VerifyRequest(r, secret, clock.Now()); err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			if down {
				down = false
				http.Error(w, "维护中", http.StatusServiceUnavailable)
				return
			}
			var p notify.WebhookPayload
			json.NewDecoder(r.Body).Decode(&p)
			posts = append(posts, p)
		}))
		defer oa.Close()
		hook, err := deliveries.CreateWebhook(admin, govdata.WebhookInput{Name: "公安局OA", URL: oa.URL + "/govdata", Kinds: []string{govdata.NoticeReminder}})
		if err != nil {
			t.Fatal(err)
		}
		secret = []byte(hook.Secret)
		cert, pool := notifytest.Cert(t)
		mbox := notifytest.Start(t, notifytest.Options{Cert: cert, Auth: true})
		mailer := &notify.Mailer{Addr: mbox.Addr, From: "noreply@data.harbin.gov.cn", Username: notifytest.Username, Password: notifytest.Password,
			TLSConfig: &tls.Config{RootCAs: pool}}
		d := &jobs.Deliverer{Deliveries: deliveries, Clock: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Senders: map[govdata.Channel]jobs.Sender{
				govdata.ChannelWebhook: (&notify.Webhooks{Clock: clock}).Send,
				govdata.ChannelEmail:   func(ctx context.Context, o *govdata.Outgoing) (int, error) { return 0, mailer.Send(ctx, o) },
			}}
		deliver := func() int { return d.Once(govdata.WithActor(ctx, govdata.SystemActor)) }

		// An objection the provider's officer must verify by Thu 2026-02-26.
		p, _ := profiles.Shipped(profiles.Default)
		flows := sqlstore.NewWorkflowService(sqlstore.NewBase(db, p, time.FixedZone("CST", 8*3600)))
		if _, err := flows.Start(sys, govdata.StartWorkflow{Kind: govdata.WorkflowObjection, SubjectType: "objection", SubjectID: "1",
			Title: "张三的户籍信息", Parties: govdata.Parties{govdata.PartyBureau: depts[0], govdata.PartyProvider: depts[1]}}); err != nil {
			t.Fatal(err)
		}
		if n := deliver(); n != 0 {
			t.Fatalf("delivered %d before anything was due", n)
		}
		clock.Advance(13 * 24 * time.Hour) // Wed 2026-02-25: the reminder
		if r, err := flows.SweepDeadlines(sys, 1); err != nil || r.Notified != 1 {
			t.Fatalf("sweep: %+v, %v", r, err)
		}
		if n := deliver(); n != 2 {
			t.Fatalf("first round handled %d deliveries, want the mail and the webhook", n)
		}
		msgs := mbox.Messages()
		if len(msgs) != 1 || msgs[0].To != "zhang.san@gaj.harbin.gov.cn" {
			t.Fatalf("mailbox: %+v", msgs)
		}
		m, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		if subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); !strings.Contains(subject, "张三的户籍信息") || !strings.Contains(subject, "2026-02-26") {
			t.Fatalf("subject %q", subject)
		}
		if len(posts) != 0 {
			t.Fatalf("the OA system was down, yet got %+v", posts)
		}
		// Not again before the back-off; then once.
		clock.Advance(govdata.DeliveryBackoff(1) - time.Second)
		if n := deliver(); n != 0 {
			t.Fatalf("retried %d before the back-off ended", n)
		}
		clock.Advance(time.Second)
		if n := deliver(); n != 1 || len(posts) != 1 {
			t.Fatalf("retry: handled %d, OA got %d", n, len(posts))
		}
		if posts[0].User.Username != "zhangsan" || posts[0].Notification.Kind != govdata.NoticeReminder || !strings.Contains(posts[0].Notification.Title.ZH, "张三的户籍信息") {
			t.Fatalf("payload: %+v", posts[0])
		}
		// The log shows both attempts; another sweep and round send nothing.
		list, err := deliveries.FindDeliveries(admin, govdata.DeliveryFilter{WebhookID: hook.ID})
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("log: %+v, %v", list.Items, err)
		}
		one, _ := deliveries.FindDeliveryByID(admin, list.Items[0].ID)
		if one.State != govdata.DeliverySent || len(one.Log) != 2 || one.Log[0].Status != 503 || !strings.Contains(one.Log[0].Error, "维护中") || one.Log[1].Status != 200 {
			t.Fatalf("webhook delivery: %+v", one)
		}
		if r, _ := flows.SweepDeadlines(sys, 1); r.Notified != 0 {
			t.Fatalf("second sweep: %+v", r)
		}
		clock.Advance(time.Hour)
		if n := deliver(); n != 0 || len(mbox.Messages()) != 1 || len(posts) != 1 {
			t.Fatalf("sent again: %d, %d mails, %d posts", n, len(mbox.Messages()), len(posts))
		}
	})
}
