package profiles_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
)

// TestZhejiangAndLishuiProfiles checks the deadlines, actors and labels of
// the zhejiang-finance-2024 and lishui-2020 profiles against the articles
// they cite, and, when the regulation texts are at ../shared/regulations,
// that every cited article exists and says what the profile rests on.
func TestZhejiangAndLishuiProfiles(t *testing.T) {
	type step struct {
		kind  govdata.WorkflowKind
		name  string
		days  int // -1: the step has no deadline
		role  govdata.Role
		party govdata.Party
		cite  string // part of the step's citation
		// article and quote: the words of the regulation the step rests on
		// (article 0: the regulation is silent).
		article int
		quote   string
	}
	type claim struct {
		article int
		quote   string
	}
	const (
		reviewer = govdata.RoleReviewer
		officer  = govdata.RoleOfficer
		leader   = govdata.RoleLeader
		bureau   = govdata.PartyBureau
		provider = govdata.PartyProvider
	)
	for _, c := range []struct {
		profile, short, text string
		share, open          [3]string // unconditional, conditional, not shared/open
		labels               []claim
		noConditions         bool   // conditional_without_conditions_is_unconditional
		noConditionsCite     string // part of its citation
		order                map[govdata.WorkflowKind][]string
		workflows            map[govdata.WorkflowKind]claim // part of the workflow's citation is short-article
		steps                []step
	}{
		{
			profile: "zhejiang-finance-2024", short: "ZJ", text: "zhejiang-finance-public-data-2024.txt",
			share:        [3]string{"无条件共享", "受限共享", "不共享"},
			open:         [3]string{"无条件开放", "受限开放", "禁止开放"},
			labels:       []claim{{13, "分为无条件共享、受限共享、不共享三种类型"}, {19, "分为无条件开放、受限开放和禁止开放数据"}},
			noConditions: false, noConditionsCite: "ZJ-13",
			order: map[govdata.WorkflowKind][]string{
				govdata.WorkflowShareUnconditional: {"fulfil"},
				govdata.WorkflowShareConditional:   {"forward", "decide", "sign"},
				govdata.WorkflowOpenConditional:    {"decide", "office", "sign", "office_sign"},
				govdata.WorkflowOpenAttribute:      {"source", "office", "sign"},
			},
			workflows: map[govdata.WorkflowKind]claim{
				govdata.WorkflowShareConditional: {14, "由数字中心通过IRS系统统一受理,受理后将申请单分配至数源处室(单位)进行审核"},
				govdata.WorkflowOpenConditional:  {23, "数字中心在收到公共数据主管部门申请后,应向数源处室(单位)和办公室征求意见"},
				govdata.WorkflowOpenAttribute:    {20, "经数源处室(单位)、办公室和数字中心分管领导批准后,由数字中心更新至财政公共数据目录"},
			},
			steps: []step{
				{govdata.WorkflowShareUnconditional, "fulfil", 1, reviewer, bureau, "ZJ-16", 16, "由数字中心直接以文件、接口、库表等形式实现共享"},
				{govdata.WorkflowShareConditional, "forward", 1, reviewer, bureau, "ZJ-16", 16, "在1个工作日内转交对应的数源处室(单位)审核"},
				{govdata.WorkflowShareConditional, "decide", 3, officer, provider, "ZJ-14", 14, "在3个工作日内报请数源处室(单位)分管领导后完成审核"},
				{govdata.WorkflowShareConditional, "decide", 3, officer, provider, "ZJ-16", 16, "应在3个工作日内将审核意见反馈给数据需求处室(单位)"},
				{govdata.WorkflowShareConditional, "sign", 3, leader, provider, "ZJ-14", 14, "报请数源处室(单位)分管领导后完成审核"},
				{govdata.WorkflowShareConditional, "amend", 5, officer, govdata.PartyApplicant, "ZJ silent", 0, ""},
				{govdata.WorkflowOpenConditional, "decide", 2, officer, provider, "ZJ-23", 23, "数源处室(单位)和办公室应当在2个工作日内审核确定是否同意开放"},
				{govdata.WorkflowOpenConditional, "sign", 2, leader, provider, "ZJ-23", 23, "经数源处室(单位)和办公室分管领导审批后"},
				{govdata.WorkflowOpenConditional, "office", 2, reviewer, bureau, "ZJ-23", 23, "数源处室(单位)和办公室应当在2个工作日内审核确定是否同意开放"},
				{govdata.WorkflowOpenConditional, "office_sign", 2, leader, bureau, "ZJ-23", 23, "经数源处室(单位)和办公室分管领导审批后"},
				{govdata.WorkflowObjection, "verify", 5, officer, provider, "ZJ silent", 0, ""},
				{govdata.WorkflowOpenAttribute, "source", 5, officer, provider, "ZJ-20", 20, "组织厅内数源处室(单位)对财政公共数据进行评估,科学合理确定其开放属性"},
				{govdata.WorkflowOpenAttribute, "office", 5, reviewer, bureau, "ZJ-20", 20, "将结果会同办公室审核"},
				{govdata.WorkflowOpenAttribute, "sign", 2, leader, bureau, "ZJ-20", 20, "办公室和数字中心分管领导批准后"},
				{govdata.WorkflowCatalogReview, "review", 5, reviewer, bureau, "ZJ-7", 7, "经数财办审定"},
				{govdata.WorkflowDemand, "review", 3, officer, provider, "ZJ silent", 0, ""},
				{govdata.WorkflowDemand, "publish", 10, officer, provider, "ZJ silent", 0, ""},
				{govdata.WorkflowDestruction, "witness", -1, govdata.RoleSupervisor, bureau, "ZJ-26(四)", 26, "销毁数据等可能影响数据安全的行为"},
			},
		},
		{
			profile: "lishui-2020", short: "LS", text: "lishui-public-data-2020.txt",
			share:        [3]string{"无条件共享", "受限共享", "非共享"},
			open:         [3]string{"无条件开放", "有条件开放", "不予开放"}, // LS silent: the defaults
			labels:       []claim{{18, "分为无条件共享、受限共享和非共享三类"}},
			noConditions: false, noConditionsCite: "LS silent",
			order: map[govdata.WorkflowKind][]string{
				govdata.WorkflowShareUnconditional: {"fulfil"},
				govdata.WorkflowShareConditional:   {"forward", "decide", "sign"},
			},
			workflows: map[govdata.WorkflowKind]claim{
				govdata.WorkflowShareConditional: {19, "公共管理和服务机构的应用需求符合具体应用场景的,可以直接获得授权"},
				govdata.WorkflowObjection:        {13, "数据提供部门收到校核信息后"},
			},
			steps: []step{
				{govdata.WorkflowObjection, "verify", 2, officer, provider, "LS-13", 13, "应在2个工作日内在数据中心平台上完成信息校核"},
				{govdata.WorkflowShareUnconditional, "fulfil", 1, reviewer, bureau, "LS-18(一)", 18, "可供所有部门共享使用的公共数据资源属于无条件共享类"},
				{govdata.WorkflowShareConditional, "forward", 1, reviewer, bureau, "LS-17", 17, "应当采用请求响应的调用方式"},
				{govdata.WorkflowShareConditional, "decide", 10, officer, provider, "LS-16(二)", 16, "应及时响应并无偿配合提供共享数据"},
				{govdata.WorkflowShareConditional, "sign", 2, leader, provider, "govdata default 2", 31, "应明确数据工作分管领导并配备数据专员"},
				{govdata.WorkflowCatalogReview, "review", 5, reviewer, bureau, "LS-9", 9, "负责对各部门编制的目录进行审核、汇聚"},
				{govdata.WorkflowCatalogReview, "fix", 5, officer, provider, "LS silent", 0, ""},
				{govdata.WorkflowDemand, "review", 3, officer, provider, "LS-8(六)", 8, "及时响应其他单位有关数据使用需求"},
				{govdata.WorkflowOpenConditional, "decide", 5, officer, provider, "LS silent", 0, ""},
			},
		},
	} {
		t.Run(c.profile, func(t *testing.T) {
			p, err := profiles.Shipped(c.profile)
			if err != nil {
				t.Fatal(err)
			}
			for i, k := range []string{"unconditional", "conditional", "not_shared"} {
				if got := p.Labels.Share[k]; got != c.share[i] {
					t.Errorf("share label %s = %q, want %q", k, got, c.share[i])
				}
			}
			for i, k := range []string{"unconditional", "conditional", "not_open"} {
				if got := p.Labels.Open[k]; got != c.open[i] {
					t.Errorf("open label %s = %q, want %q", k, got, c.open[i])
				}
			}
			if s := p.ConditionalWithoutConditions; s.Value != c.noConditions || !strings.Contains(s.Cite, c.noConditionsCite) {
				t.Errorf("conditional_without_conditions_is_unconditional = %+v, want %v citing %q", s, c.noConditions, c.noConditionsCite)
			}
			if p.RetentionYears.Value < 3 || !strings.Contains(p.RetentionYears.Cite, c.short+" silent") {
				t.Errorf("retention %+v: the regulation is silent, want the default of at least 3 years", p.RetentionYears)
			}
			for k, want := range c.order {
				w, ok := p.Workflow(k)
				if !ok {
					t.Fatalf("no workflow %s", k)
				}
				var got []string
				for _, s := range w.Steps {
					got = append(got, s.Name)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s steps %v, want %v", k, got, want)
				}
			}
			for k, cl := range c.workflows {
				w, ok := p.Workflow(k)
				if want := c.short + "-" + strconv.Itoa(cl.article); !ok || !strings.Contains(w.Cite, want) {
					t.Errorf("workflow %s: cite %q, want it to name %s", k, w.Cite, want)
				}
			}
			find := func(k govdata.WorkflowKind, name string) (govdata.Step, bool) {
				w, ok := p.Workflow(k)
				if !ok {
					return govdata.Step{}, false
				}
				steps := slices.Clone(w.Steps)
				if w.Return != nil {
					steps = append(steps, *w.Return)
				}
				for _, s := range steps {
					if s.Name == name {
						return s, true
					}
				}
				return govdata.Step{}, false
			}
			for _, sc := range c.steps {
				s, ok := find(sc.kind, sc.name)
				if !ok {
					t.Errorf("%s has no step %s", sc.kind, sc.name)
					continue
				}
				// A step within another's deadline has that step's days.
				if s.Within != "" {
					s.WorkingDays = nil
					if shared, ok := find(sc.kind, s.Within); ok {
						s.WorkingDays = shared.WorkingDays
					}
				}
				got := -1
				if s.WorkingDays != nil {
					got = *s.WorkingDays
				}
				if got != sc.days {
					t.Errorf("%s/%s: %d working days, want %d (%s)", sc.kind, sc.name, got, sc.days, sc.cite)
				}
				if s.Actor.Role != sc.role || s.Actor.Party != sc.party {
					t.Errorf("%s/%s: actor %s/%s, want %s/%s", sc.kind, sc.name, s.Actor.Role, s.Actor.Party, sc.role, sc.party)
				}
				if !strings.Contains(s.Cite, sc.cite) {
					t.Errorf("%s/%s: cite %q, want it to name %q", sc.kind, sc.name, s.Cite, sc.cite)
				}
			}

			// The regulation itself: every cited article exists, and the
			// articles say what the steps and labels rest on.
			b, err := os.ReadFile(filepath.Join("..", "..", "shared", "regulations", c.text))
			if err != nil {
				t.Skipf("regulation text not available: %v", err)
			}
			// number reads the numerals of 第N条 (一 … 九十九).
			number := func(s string) int {
				digit := func(s string) int {
					return slices.Index([]rune("零一二三四五六七八九"), []rune(s + "零")[0])
				}
				tens, ones, ok := strings.Cut(s, "十")
				if !ok {
					return digit(s)
				}
				n := 10
				if tens != "" {
					n = digit(tens) * 10
				}
				if ones != "" {
					n += digit(ones)
				}
				return n
			}
			articles := map[int]string{}
			heads := regexp.MustCompile(`第([一二三四五六七八九十]+)条`).FindAllStringSubmatchIndex(string(b), -1)
			for i, h := range heads {
				end := len(b)
				if i+1 < len(heads) {
					end = heads[i+1][0]
				}
				n := number(string(b[h[2]:h[3]]))
				articles[n] = string(b[h[1]:end])
			}
			for n := 1; n <= max(len(articles), 1); n++ {
				if articles[n] == "" {
					t.Fatalf("%s: article %d not found among %d articles", c.text, n, len(articles))
				}
			}
			cites := []string{p.ConditionalWithoutConditions.Cite, p.IdleGrantMonths.Cite, p.RevocationGraceMonths.Cite, p.RetentionYears.Cite, p.PartialBatch.Cite}
			for _, w := range p.Workflows {
				cites = append(cites, w.Cite)
				steps := slices.Clone(w.Steps)
				if w.Return != nil {
					steps = append(steps, *w.Return)
				}
				for _, s := range steps {
					cites = append(cites, s.Cite)
					if s.Extension != nil {
						cites = append(cites, s.Extension.Cite)
					}
				}
			}
			ref := regexp.MustCompile(`(?:^|[^A-Z])` + c.short + `-(\d+)`)
			for _, cite := range cites {
				for _, m := range ref.FindAllStringSubmatch(cite, -1) {
					if n, _ := strconv.Atoi(m[1]); articles[n] == "" {
						t.Errorf("cite %q: %s has no article %d", cite, c.text, n)
					}
				}
			}
			claims := slices.Clone(c.labels)
			for _, cl := range c.workflows {
				claims = append(claims, cl)
			}
			for _, sc := range c.steps {
				if sc.article != 0 {
					claims = append(claims, claim{sc.article, sc.quote})
				}
			}
			for _, cl := range claims {
				if !strings.Contains(articles[cl.article], cl.quote) {
					t.Errorf("%s-%d does not say %q", c.short, cl.article, cl.quote)
				}
			}
		})
	}
}
