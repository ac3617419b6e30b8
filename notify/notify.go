// Package notify sends notifications out of the platform (CAL-3): by
// e-mail over SMTP and as signed webhook requests. It knows nothing of the
// outbox; jobs.Deliverer claims deliveries from the store, hands each to
// the sender of its channel and records the outcome.
package notify

import (
	"fmt"
	"strings"

	"github.com/govdata/govdata"
)

// Text is the plain-text body of a mailed notification, Chinese first.
func Text(n govdata.Notification) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n", n.Title.ZH, n.Title.EN)
	if n.Due != nil {
		fmt.Fprintf(&b, "\n到期日 / Due: %s\n", n.Due)
	}
	b.WriteString("\n请登录平台查看待办事项。此邮件由系统自动发送，请勿回复。\n" +
		"Sign in to the platform to see your tasks. This message was sent automatically; please do not reply.\n")
	return b.String()
}
