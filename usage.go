package govdata

import (
	"context"
	"slices"
	"time"
)

// Usage records (SHR-7): HLJ-28 has the consumer record, for what it
// received, the scenario, the outcome, the process, the storage and the
// destruction, and keep the record at least three years (also SX-22); the
// provider may read them. Records are evidence: they are appended, never
// changed; a mistake is corrected by a later record naming it.

// UsageKind is what a usage record is about.
type UsageKind string

// Usage kinds.
const (
	UsageUse         UsageKind = "use"         // a scenario the data served and its outcome
	UsageStorage     UsageKind = "storage"     // where and how the received data is kept
	UsageDestruction UsageKind = "destruction" // when, how, by whom what was destroyed
)

// UsageKinds lists the kinds.
var UsageKinds = []UsageKind{UsageUse, UsageStorage, UsageDestruction}

// Valid reports whether k is a known kind.
func (k UsageKind) Valid() bool { return slices.Contains(UsageKinds, k) }

// UsageInput is one record as the consumer's officer or leader writes it.
// Each kind has its own fields; the fields of another kind stay empty.
type UsageInput struct {
	Kind UsageKind `json:"kind"`

	// use (HLJ-28: 使用场景、应用成效、使用过程)
	Scenario string `json:"scenario,omitempty"`
	Outcome  string `json:"outcome,omitempty"`
	Process  string `json:"process,omitempty"` // optional: how the data was handled
	UsedOn   *Date  `json:"used_on,omitempty"`

	// storage (HLJ-28: 存储情况)
	Location   string `json:"location,omitempty"`   // the system, database or place
	Protection string `json:"protection,omitempty"` // encryption, access control, backups
	StoredFrom *Date  `json:"stored_from,omitempty"`

	// destruction (HLJ-28: 销毁情况; SJZ-S-28/29: means, method, supervision)
	DestroyedData string `json:"destroyed_data,omitempty"` // what: the data, its copies and backups
	Method        string `json:"method,omitempty"`         // how: deletion, overwriting, media destroyed
	DestroyedBy   string `json:"destroyed_by,omitempty"`   // who carried it out
	Witness       string `json:"witness,omitempty"`        // optional: who supervised it
	DestroyedOn   *Date  `json:"destroyed_on,omitempty"`

	// Rows used, kept or destroyed, where known.
	Rows *int64 `json:"rows,omitempty"`

	// Corrects names an earlier record of the same grant that this one
	// replaces, with the reason; the earlier record stays as it was.
	Corrects         int64  `json:"corrects,omitempty"`
	CorrectionReason string `json:"correction_reason,omitempty"`
}

// Day is the date the record is about: used_on, stored_from or
// destroyed_on by kind (nil when not given).
func (in UsageInput) Day() *Date {
	switch in.Kind {
	case UsageUse:
		return in.UsedOn
	case UsageStorage:
		return in.StoredFrom
	case UsageDestruction:
		return in.DestroyedOn
	}
	return nil
}

// UsageRecord is one stored record.
type UsageRecord struct {
	UsageInput
	ID           int64     `json:"id"`
	GrantID      int64     `json:"grant_id"`
	RecordedByID int64     `json:"recorded_by_id"`
	RecordedBy   string    `json:"recorded_by"`
	RecordedAt   time.Time `json:"recorded_at"`
	// CorrectedBy is the later record that corrects this one, if any.
	CorrectedBy int64 `json:"corrected_by,omitempty"`
}

// Limits of a usage record's text.
const (
	maxUsageText = 2000
	maxUsageName = 100
)

// Messages of usage records.
var (
	MsgUsageNotFound     = Msg{"使用记录不存在", "usage record not found"}
	MsgUsageRecorder     = Msg{"只有获得授权的部门的数据专员或分管领导可以登记使用记录", "only the consumer department's officer or leader records usage of a grant"}
	MsgUsageOtherKind    = Msg{"%s 类记录不填此项", "not part of a %s record"}
	MsgUsageDay          = Msg{"日期应在授权生效日（%s）至今天之间", "the date must be from the grant's first day (%s) to today"}
	MsgUsageRows         = Msg{"行数不能为负", "the row count cannot be negative"}
	MsgUsageCorrects     = Msg{"被更正的记录须是本授权的一条记录", "the corrected record must be a record of this grant"}
	MsgUsageCorrected    = Msg{"记录 %d 已被更正，请更正最新的那条记录", "record %d was already corrected; correct the latest record instead"}
	MsgUsageReasonUnused = Msg{"只有更正记录填写更正原因", "only a correction gives a correction reason"}
)

// ValidateUsage checks a record for a grant whose period began on from,
// on day today: the fields its kind needs, none of another kind, text
// within limits, a date from the grant's first day to today (what is
// recorded has happened, and not before the data was granted), and a
// reason for a correction.
func ValidateUsage(in UsageInput, from, today Date) error {
	var fe FieldErrors
	if !in.Kind.Valid() {
		fe.Add("kind", MsgEnum, joinValues(UsageKinds))
		return fe.Err()
	}
	type text struct {
		field, value string
		max          int
		required     bool
	}
	var own, other []text
	var otherDays []string
	all := map[UsageKind][]text{
		UsageUse: {{"scenario", in.Scenario, maxUsageText, true}, {"outcome", in.Outcome, maxUsageText, true},
			{"process", in.Process, maxUsageText, false}},
		UsageStorage: {{"location", in.Location, maxUsageText, true}, {"protection", in.Protection, maxUsageText, true}},
		UsageDestruction: {{"destroyed_data", in.DestroyedData, maxUsageText, true}, {"method", in.Method, maxUsageText, true},
			{"destroyed_by", in.DestroyedBy, maxUsageName, true}, {"witness", in.Witness, maxUsageName, false}},
	}
	days := map[UsageKind]struct {
		field string
		day   *Date
	}{UsageUse: {"used_on", in.UsedOn}, UsageStorage: {"stored_from", in.StoredFrom}, UsageDestruction: {"destroyed_on", in.DestroyedOn}}
	for _, k := range UsageKinds {
		if k == in.Kind {
			own = all[k]
			continue
		}
		other = append(other, all[k]...)
		if days[k].day != nil {
			otherDays = append(otherDays, days[k].field)
		}
	}
	for _, t := range own {
		switch {
		case t.required && blank(t.value):
			fe.Add(t.field, MsgRequired)
		case len([]rune(t.value)) > t.max:
			fe.Add(t.field, MsgTooLong, t.max)
		}
	}
	for _, t := range other {
		if t.value != "" {
			fe.Add(t.field, MsgUsageOtherKind, string(in.Kind))
		}
	}
	for _, f := range otherDays {
		fe.Add(f, MsgUsageOtherKind, string(in.Kind))
	}
	d := days[in.Kind]
	switch {
	case d.day == nil || d.day.IsZero():
		fe.Add(d.field, MsgRequired)
	case d.day.Before(from) || today.Before(*d.day):
		fe.Add(d.field, MsgUsageDay, from.String())
	}
	if in.Rows != nil && *in.Rows < 0 {
		fe.Add("rows", MsgUsageRows)
	}
	switch {
	case in.Corrects < 0:
		fe.Add("corrects", MsgUsageCorrects)
	case in.Corrects > 0 && blank(in.CorrectionReason):
		fe.Add("correction_reason", MsgRequired)
	case in.Corrects == 0 && in.CorrectionReason != "":
		fe.Add("correction_reason", MsgUsageReasonUnused)
	case len([]rune(in.CorrectionReason)) > maxUsageText:
		fe.Add("correction_reason", MsgTooLong, maxUsageText)
	}
	return fe.Err()
}

// UsageFilter selects the records of one grant (GrantID), or of every
// grant the caller may see (0), optionally of one kind.
type UsageFilter struct {
	GrantID int64
	Kind    UsageKind
	Page
}

// ValidateUsageFilter checks a list's kind.
func ValidateUsageFilter(f UsageFilter) error {
	var fe FieldErrors
	if f.Kind != "" && !f.Kind.Valid() {
		fe.Add("kind", MsgEnum, joinValues(UsageKinds))
	}
	return fe.Err()
}

// UsageService keeps consumers' usage records of grants (SHR-7).
type UsageService interface {
	// RecordUsage appends a record to a grant of the acting officer's or
	// leader's department, in any state (destruction follows the end):
	// ENOTFOUND for a grant the caller does not see, EFORBIDDEN for one it
	// sees but does not hold (and for roles other than officer and
	// leader), EINVALID naming the fields, ECONFLICT for a record already
	// corrected.
	RecordUsage(ctx context.Context, grantID int64, in UsageInput) (*UsageRecord, error)
	// FindUsageRecords lists records newest first, for the consumer's and
	// the provider's people, the reviewers, the secadmin and the auditor
	// (EFORBIDDEN for other roles; ENOTFOUND for a grant the caller does
	// not see; EINVALID for a bad kind or cursor).
	FindUsageRecords(ctx context.Context, f UsageFilter) (List[*UsageRecord], error)
}
