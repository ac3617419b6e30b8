package govdata

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emmansun/gmsm/sm3"
)

// Masking (SHR-5, SJZ-S-23): what a consumer of shared data sees of an
// item. Items at sensitivity 3–4 are masked unless the grant lifts it; the
// secadmin sets the mask of each level and may set one per item.

// MaskKind is a way of masking a value.
type MaskKind string

// Mask kinds.
const (
	MaskNone   MaskKind = "none"   // the value as stored
	MaskRedact MaskKind = "redact" // every character replaced by *
	// MaskKeep shows the first First and the last Last characters and
	// replaces the rest by * (110105********002X, 张*).
	MaskKeep MaskKind = "keep"
	// MaskHash gives a keyed hash (HMAC-SM3, hex): equal values stay equal
	// for the consumer, who can count and join but not read them.
	MaskHash MaskKind = "hash"
	MaskNull MaskKind = "null" // no value at all
	// MaskYear keeps a date's year (1949-12-31 → 1949).
	MaskYear MaskKind = "year"
)

// MaskKinds lists the kinds.
var MaskKinds = []MaskKind{MaskNone, MaskRedact, MaskKeep, MaskHash, MaskNull, MaskYear}

// Mask is how one item is masked.
type Mask struct {
	Kind  MaskKind `json:"kind"`
	First int      `json:"first,omitempty"` // MaskKeep: characters shown at the start
	Last  int      `json:"last,omitempty"`  // MaskKeep: characters shown at the end
}

// maxKeep bounds First and Last: a mask that shows 40 characters is not
// one.
const maxKeep = 20

// Messages of masks.
var (
	MsgMaskKind = Msg{"脱敏方式应为：%s", "the mask kind must be one of: %s"}
	MsgMaskKeep = Msg{"保留位数应在 0 到 %d 之间，且至少保留一端", "first and last must be 0 to %d, and at least one of them above 0"}
)

// Validate checks a mask; field names the errors' field.
func (m Mask) Validate(field string) error {
	var fe FieldErrors
	m.check(&fe, field)
	return fe.Err()
}

func (m Mask) check(fe *FieldErrors, field string) {
	switch m.Kind {
	case MaskKeep:
		if m.First < 0 || m.Last < 0 || m.First > maxKeep || m.Last > maxKeep || m.First+m.Last == 0 {
			fe.Add(field, MsgMaskKeep, maxKeep)
		}
	case MaskNone, MaskRedact, MaskHash, MaskNull, MaskYear:
		if m.First != 0 || m.Last != 0 {
			fe.Add(field, MsgMaskKeep, maxKeep)
		}
	default:
		kinds := make([]string, len(MaskKinds))
		for i, k := range MaskKinds {
			kinds[i] = string(k)
		}
		fe.Add(field, MsgMaskKind, strings.Join(kinds, ", "))
	}
}

// DefaultMasks are the masks of each sensitivity level when the secadmin
// has set none (SHR-5: levels 3–4 masked): level 3 shows its first and
// last character (a name 张*三, an ID 1****************X), level 4 shows
// nothing.
var DefaultMasks = map[int]Mask{
	1: {Kind: MaskNone},
	2: {Kind: MaskNone},
	3: {Kind: MaskKeep, First: 1, Last: 1},
	4: {Kind: MaskRedact},
}

// MaskPolicy is the secadmin's masking: a mask per level, and per item of
// an entry where one differs.
type MaskPolicy struct {
	Levels map[int]Mask `json:"levels"`
	// Items maps "entry id/item name" to the item's own mask.
	Items map[string]Mask `json:"items,omitempty"`
}

// MaskOf is the mask an item gets: its own, else its level's, else the
// default of its level.
func (p MaskPolicy) MaskOf(entryID int64, it Item) Mask {
	if m, ok := p.Items[ItemKey(entryID, it.Name)]; ok {
		return m
	}
	if m, ok := p.Levels[it.Sensitivity]; ok {
		return m
	}
	if m, ok := DefaultMasks[it.Sensitivity]; ok {
		return m
	}
	return Mask{Kind: MaskRedact} // an unknown level: the safe side
}

// Messages of mask policies.
var (
	MsgMaskLevel   = Msg{"敏感级别应为 1 到 4", "the sensitivity level must be 1 to 4"}
	MsgMaskItemKey = Msg{"信息项应写作“目录ID/信息项名称”", "an item is written \"entry id/item name\""}
)

// Validate checks a policy field by field: levels 1–4, item keys
// "entry id/item name", every mask. Whether the items exist is the
// store's to check.
func (p MaskPolicy) Validate() error {
	var fe FieldErrors
	for level, m := range p.Levels {
		field := "levels." + strconv.Itoa(level)
		if level < 1 || level > 4 {
			fe.Add(field, MsgMaskLevel)
			continue
		}
		m.check(&fe, field)
	}
	for key, m := range p.Items {
		field := "items." + key
		if _, _, ok := SplitItemKey(key); !ok {
			fe.Add(field, MsgMaskItemKey)
			continue
		}
		m.check(&fe, field)
	}
	return fe.Err()
}

// SplitItemKey reads a key of MaskPolicy.Items.
func SplitItemKey(key string) (entryID int64, item string, ok bool) {
	id, item, found := strings.Cut(key, "/")
	n, err := strconv.ParseInt(id, 10, 64)
	if !found || err != nil || n <= 0 || strings.TrimSpace(item) == "" {
		return 0, "", false
	}
	return n, item, true
}

// MaskService keeps the masking policy (SHR-5, SJZ-S-23).
type MaskService interface {
	// FindMaskPolicy returns the policy with every level filled in (the
	// defaults where the secadmin set none); anyone signed in may read it.
	FindMaskPolicy(ctx context.Context) (*MaskPolicy, error)
	// SetMaskPolicy replaces the policy: the secadmin only (EFORBIDDEN);
	// EINVALID for a bad mask or an item that no entry has.
	SetMaskPolicy(ctx context.Context, p MaskPolicy) (*MaskPolicy, error)
}

// ItemKey names an item of an entry in MaskPolicy.Items.
func ItemKey(entryID int64, item string) string {
	return strconv.FormatInt(entryID, 10) + "/" + item
}

// Masker applies masks; its key makes hashes that cannot be recomputed
// outside the platform (a bare hash of an ID number is reversed by trying
// every date of birth).
type Masker struct {
	Key []byte
}

// Apply masks one value. A null value (nil) stays null; an unmasked one
// is v itself (strings do not change). Characters are counted as
// characters, not bytes: a Chinese name masks as 张*.
func (k Masker) Apply(v *string, m Mask) *string {
	if v == nil || m.Kind == MaskNull {
		return nil
	}
	if m.Kind == MaskNone {
		return v
	}
	out := k.Masked(*v, m)
	return &out
}

// Masked is Apply for a value that is not null, under a mask other than
// MaskNull (whose value is null).
func (k Masker) Masked(v string, m Mask) string {
	switch m.Kind {
	case MaskNone:
		return v
	case MaskRedact:
		return strings.Repeat("*", utf8.RuneCountInString(v))
	case MaskKeep:
		n := utf8.RuneCountInString(v)
		first, last := m.First, m.Last
		// A value too short for its shown ends: the ends shrink, the last
		// first, so that one character at least stays hidden (张三 → 张*).
		for first+last >= n && last > 0 {
			last--
		}
		for first+last >= n && first > 0 {
			first--
		}
		// Built in one allocation: the first runes, stars, the last runes.
		var b strings.Builder
		b.Grow(len(v))
		i := 0
		for _, r := range v {
			switch {
			case i < first || i >= n-last:
				b.WriteRune(r)
			default:
				b.WriteByte('*')
			}
			i++
		}
		return b.String()
	case MaskHash:
		h := hmac.New(sm3.New, k.Key)
		h.Write([]byte(v))
		return hex.EncodeToString(h.Sum(nil)[:16])
	case MaskYear:
		if len(v) >= 4 && isDigits(v[:4]) {
			return v[:4]
		}
		return strings.Repeat("*", utf8.RuneCountInString(v))
	}
	return strings.Repeat("*", utf8.RuneCountInString(v)) // unknown: the safe side
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// MaskSample is one value to mask under one mask, in a preview.
type MaskSample struct {
	Mask  Mask   `json:"mask"`
	Value string `json:"value"`
}

// MaskPreviewInput asks how sample values would look under masks not yet
// saved: the console shows the secadmin each mask at work before the
// policy is set (SHR-5), and never masks a value itself.
type MaskPreviewInput struct {
	Samples []MaskSample `json:"samples"`
}

// MaskPreview answers a preview: Masked[i] is Samples[i] masked, null
// under MaskNull.
type MaskPreview struct {
	Masked []*string `json:"masked"`
}

// maxPreviewSamples and maxPreviewValue bound a preview's work.
const (
	maxPreviewSamples = 100
	maxPreviewValue   = 200
)

// Messages of mask previews.
var (
	MsgPreviewSamples = Msg{"示例值应为 1 到 %d 个", "give 1 to %d sample values"}
)

// PreviewMasks masks each sample with the rules of Masker.Apply. A hash is
// made under key, which the caller draws afresh for each preview: the
// preview shows what a hash looks like, and is no oracle of the
// platform's own hash key (with which anyone could hash candidate ID
// numbers and match them against what a consumer received).
func PreviewMasks(in MaskPreviewInput, key []byte) (*MaskPreview, error) {
	var fe FieldErrors
	if len(in.Samples) == 0 || len(in.Samples) > maxPreviewSamples {
		fe.Add("samples", MsgPreviewSamples, maxPreviewSamples)
		return nil, fe.Err()
	}
	for i, s := range in.Samples {
		field := "samples." + strconv.Itoa(i)
		s.Mask.check(&fe, field+".mask")
		if utf8.RuneCountInString(s.Value) > maxPreviewValue {
			fe.Add(field+".value", MsgTooLong, maxPreviewValue)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	k := Masker{Key: key}
	out := &MaskPreview{Masked: make([]*string, len(in.Samples))}
	for i, s := range in.Samples {
		v := s.Value
		out.Masked[i] = k.Apply(&v, s.Mask)
	}
	return out, nil
}
