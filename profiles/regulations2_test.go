package profiles_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
)

// A step of one of the SJZ and SX profiles: its deadline (-1 for a step the
// regulation leaves untimed), its actor and the words its citation must hold.
type sjzSXStep struct {
	kind  govdata.WorkflowKind
	step  string
	days  int
	role  govdata.Role
	party govdata.Party
	cite  []string
}

func TestShijiazhuangAndShaanxiProfiles(t *testing.T) {
	for _, c := range []struct {
		profile string
		short   string // every citation names the regulation or says it is silent
		steps   []sjzSXStep
		// The workflows whose only steps are the ones listed (no bureau
		// forwarding or leader's sign-off the regulation does not have).
		only []govdata.WorkflowKind
		// Workflow-level citations.
		workflowCite map[govdata.WorkflowKind][]string
		shareLabels  [3]string // unconditional, conditional, not_shared
		retention    []string  // the retention citation
		conditional  []string  // the citation of conditional_without_conditions_is_unconditional
	}{
		{
			profile: "shijiazhuang-2020",
			short:   "SJZ",
			steps: []sjzSXStep{
				// SJZ-16: 提供部门应在10个工作日内予以答复.
				{govdata.WorkflowShareConditional, "decide", 10, govdata.RoleOfficer, govdata.PartyProvider, []string{"SJZ-16", "10个工作日"}},
				// SJZ-16: 使用部门在平台上直接获取 — no approval; the one step is a scope check.
				{govdata.WorkflowShareUnconditional, "check", 1, govdata.RoleReviewer, govdata.PartyBureau, []string{"SJZ-16", "直接获取", "govdata default"}},
				// SJZ-18: promptly, expressed as the default deadline.
				{govdata.WorkflowObjection, "verify", 5, govdata.RoleOfficer, govdata.PartyProvider, []string{"SJZ-18", "及时", "promptly", "govdata default"}},
				// SJZ-S-28/29: approval, then execution witnessed by a supervisor.
				{govdata.WorkflowDestruction, "approve", 5, govdata.RoleSecadmin, govdata.PartyBureau, []string{"SJZ-S-29", "审批", "govdata default"}},
				{govdata.WorkflowDestruction, "witness", -1, govdata.RoleSupervisor, govdata.PartyProvider, []string{"SJZ-S-29", "监督"}},
				// SJZ-10: the bureau reviews the catalog; the time is the default.
				{govdata.WorkflowCatalogReview, "review", 5, govdata.RoleReviewer, govdata.PartyBureau, []string{"SJZ-10", "govdata default"}},
				{govdata.WorkflowCatalogReview, "fix", 5, govdata.RoleOfficer, govdata.PartyProvider, []string{"SJZ silent", "govdata default"}},
				{govdata.WorkflowCatalogChange, "file", 5, govdata.RoleOfficer, govdata.PartyProvider, []string{"SJZ-10", "govdata default"}},
				{govdata.WorkflowDemand, "review", 3, govdata.RoleOfficer, govdata.PartyProvider, []string{"SJZ silent", "govdata default"}},
				{govdata.WorkflowDemand, "publish", 10, govdata.RoleOfficer, govdata.PartyProvider, []string{"SJZ silent", "govdata default"}},
				{govdata.WorkflowOpenConditional, "decide", 5, govdata.RoleOfficer, govdata.PartyProvider, []string{"SJZ silent", "govdata default"}},
			},
			only: []govdata.WorkflowKind{govdata.WorkflowShareConditional, govdata.WorkflowShareUnconditional, govdata.WorkflowDestruction},
			workflowCite: map[govdata.WorkflowKind][]string{
				// SJZ-16: disputes go to the bureau.
				govdata.WorkflowShareConditional: {"SJZ-16", "由市数据资源管理局协调"},
				govdata.WorkflowDestruction:      {"SJZ-S-28/29"},
			},
			shareLabels: [3]string{"无条件共享", "有条件共享", "不予共享"},
			retention:   []string{"SJZ silent", "govdata default"},
			// SJZ-15(二): conditional and not-shared entries need their basis.
			conditional: []string{"SJZ-15(二)", "依据"},
		},
		{
			profile: "shaanxi-civil-affairs-2018",
			short:   "SX",
			steps: []sjzSXStep{
				// SX-23: the office reviews the application form; SX-24: it issues the implementation order.
				{govdata.WorkflowShareConditional, "review", 10, govdata.RoleReviewer, govdata.PartyBureau, []string{"SX-23", "办公室负责审核", "govdata default"}},
				{govdata.WorkflowShareConditional, "implement", -1, govdata.RoleReviewer, govdata.PartyBureau, []string{"SX-24", "实施单", "按次单独实施"}},
				{govdata.WorkflowShareConditional, "amend", 5, govdata.RoleOfficer, govdata.PartyApplicant, []string{"SX silent", "govdata default"}},
				// SX-24: unconditional data reuses the existing catalog or interface.
				{govdata.WorkflowShareUnconditional, "review", 1, govdata.RoleReviewer, govdata.PartyBureau, []string{"SX-23", "govdata default"}},
				{govdata.WorkflowShareUnconditional, "implement", -1, govdata.RoleReviewer, govdata.PartyBureau, []string{"SX-24", "直接复用"}},
				{govdata.WorkflowCatalogReview, "review", 5, govdata.RoleReviewer, govdata.PartyBureau, []string{"SX-10", "govdata default"}},
				{govdata.WorkflowObjection, "verify", 5, govdata.RoleOfficer, govdata.PartyProvider, []string{"SX-38(二)", "govdata default"}},
				{govdata.WorkflowOpenConditional, "decide", 5, govdata.RoleOfficer, govdata.PartyProvider, []string{"SX silent", "govdata default"}},
				{govdata.WorkflowDestruction, "approve", 5, govdata.RoleSecadmin, govdata.PartyBureau, []string{"SX silent", "SJZ-S-29"}},
			},
			only: []govdata.WorkflowKind{govdata.WorkflowShareConditional, govdata.WorkflowShareUnconditional},
			workflowCite: map[govdata.WorkflowKind][]string{
				govdata.WorkflowShareConditional:   {"SX-23/24"},
				govdata.WorkflowShareUnconditional: {"SX-23/24"},
			},
			// SX-20: 非受限共享类, 受限共享类, 非共享类.
			shareLabels: [3]string{"非受限共享", "受限共享", "非共享"},
			// SX-22: 日志记录保留时间不少于3年.
			retention:   []string{"SX-22", "不少于3年"},
			conditional: []string{"SX silent", "govdata default"},
		},
	} {
		t.Run(c.profile, func(t *testing.T) {
			p, err := profiles.Shipped(c.profile)
			if err != nil {
				t.Fatal(err)
			}
			hasAll := func(what, got string, want []string) {
				t.Helper()
				for _, w := range want {
					if !strings.Contains(got, w) {
						t.Errorf("%s: cite %q lacks %q", what, got, w)
					}
				}
			}
			listed := map[govdata.WorkflowKind][]string{}
			for _, s := range c.steps {
				listed[s.kind] = append(listed[s.kind], s.step)
				w, ok := p.Workflow(s.kind)
				if !ok {
					t.Fatalf("no workflow %s", s.kind)
				}
				got, ok := w.Step(s.step)
				if !ok {
					t.Errorf("%s has no step %s", s.kind, s.step)
					continue
				}
				what := string(s.kind) + "/" + s.step
				switch {
				case s.days < 0 && got.WorkingDays != nil:
					t.Errorf("%s: %d working days, want none (the regulation sets no time)", what, *got.WorkingDays)
				case s.days >= 0 && got.WorkingDays == nil:
					t.Errorf("%s: no deadline, want %d working days", what, s.days)
				case s.days >= 0 && *got.WorkingDays != s.days:
					t.Errorf("%s: %d working days, want %d", what, *got.WorkingDays, s.days)
				}
				if got.Actor.Role != s.role || got.Actor.Party != s.party {
					t.Errorf("%s: actor %+v, want %s of the %s", what, got.Actor, s.role, s.party)
				}
				hasAll(what, got.Cite, s.cite)
			}
			for _, k := range c.only {
				w, _ := p.Workflow(k)
				var names []string
				for _, s := range w.Steps {
					names = append(names, s.Name)
				}
				want := slices.DeleteFunc(slices.Clone(listed[k]), func(n string) bool { return w.Return != nil && n == w.Return.Name })
				if !slices.Equal(names, want) {
					t.Errorf("%s: steps %v, want %v", k, names, want)
				}
			}
			for k, want := range c.workflowCite {
				w, _ := p.Workflow(k)
				hasAll(string(k), w.Cite, want)
			}
			share := p.Labels.Share
			if got := [3]string{share["unconditional"], share["conditional"], share["not_shared"]}; got != c.shareLabels {
				t.Errorf("share labels %v, want %v", got, c.shareLabels)
			}
			if p.RetentionYears.Value != 3 {
				t.Errorf("retention %d years, want 3", p.RetentionYears.Value)
			}
			hasAll("retention_years", p.RetentionYears.Cite, c.retention)
			if p.ConditionalWithoutConditions.Value {
				t.Errorf("a conditional entry without conditions must not pass as unconditional")
			}
			hasAll("conditional_without_conditions_is_unconditional", p.ConditionalWithoutConditions.Cite, c.conditional)
			if p.IdleGrantMonths.Value != 3 || p.RevocationGraceMonths.Value != 6 || p.PartialBatch.Value != govdata.BatchRefuse {
				t.Errorf("silent settings must be the defaults (3, 6, refuse): %+v %+v %+v", p.IdleGrantMonths, p.RevocationGraceMonths, p.PartialBatch)
			}
			for _, s := range []govdata.Setting[int]{p.IdleGrantMonths, p.RevocationGraceMonths} {
				hasAll("silent setting", s.Cite, []string{c.short + " silent", "govdata default"})
			}
			// Every citation names the regulation (an article, or that it is
			// silent), and a step that can be returned has a step to return to.
			for _, w := range p.Workflows {
				hasAll(string(w.Kind), w.Cite, []string{c.short})
				steps := slices.Clone(w.Steps)
				if w.Return != nil {
					steps = append(steps, *w.Return)
				}
				for _, s := range steps {
					hasAll(string(w.Kind)+"/"+s.Name, s.Cite, []string{c.short})
					if slices.Contains(s.Actions, govdata.ActionReturn) && w.Return == nil {
						t.Errorf("%s/%s can return but the workflow has no return step", w.Kind, s.Name)
					}
				}
			}
		})
	}
}
