package profiles_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
)

func TestShippedProfilesLoad(t *testing.T) {
	names := profiles.Names()
	for _, want := range []string{profiles.Default, "heilongjiang-2025"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("profile %s is not shipped (have %v)", want, names)
		}
	}
	for _, name := range names {
		p, err := profiles.Shipped(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want := len(govdata.WorkflowKinds)
		// ZJ-20: only the Zhejiang rules approve the open attribute apart
		// from the catalog review; the others make it effective at once.
		_, hasOpenAttribute := p.Workflow(govdata.WorkflowOpenAttribute)
		if hasOpenAttribute != (name == "zhejiang-finance-2024") {
			t.Errorf("%s: open_attribute workflow %v", name, hasOpenAttribute)
		}
		if hasOpenAttribute {
			want++
		}
		if len(p.Workflows) != want {
			t.Errorf("%s: %d workflows, want %d", name, len(p.Workflows), want)
		}
	}
}

func TestHeilongjiangDeadlines(t *testing.T) {
	p, err := profiles.Shipped("heilongjiang-2025")
	if err != nil {
		t.Fatal(err)
	}
	days := func(k govdata.WorkflowKind, step string) int {
		t.Helper()
		w, ok := p.Workflow(k)
		if !ok {
			t.Fatalf("no workflow %s", k)
		}
		steps := w.Steps
		if w.Return != nil {
			steps = append(steps, *w.Return)
		}
		for _, s := range steps {
			if s.Name == step && s.WorkingDays != nil {
				return *s.WorkingDays
			}
		}
		t.Fatalf("%s has no timed step %s", k, step)
		return 0
	}
	for _, c := range []struct {
		k    govdata.WorkflowKind
		step string
		want int
		cite string
	}{
		{govdata.WorkflowCatalogReview, "fix", 5, "HLJ-12"},
		{govdata.WorkflowCatalogChange, "file", 3, "HLJ-15"},
		{govdata.WorkflowShareConditional, "decide", 1, "HLJ-22"},
		{govdata.WorkflowObjection, "verify", 5, "HLJ-24"},
		{govdata.WorkflowDemand, "review", 3, "HLJ-29"},
		{govdata.WorkflowDemand, "publish", 10, "HLJ-29"},
		{govdata.WorkflowOpenConditional, "decide", 5, "HLJ-34"},
	} {
		if got := days(c.k, c.step); got != c.want {
			t.Errorf("%s/%s: %d working days, want %d (%s)", c.k, c.step, got, c.want, c.cite)
		}
	}
	w, _ := p.Workflow(govdata.WorkflowCatalogChange)
	if ext := w.Steps[0].Extension; ext == nil || ext.WorkingDays != 5 {
		t.Errorf("HLJ-15: the change deadline has one 5-day extension, got %+v", ext)
	}
	if p.IdleGrantMonths.Value != 3 || p.RevocationGraceMonths.Value != 6 || p.RetentionYears.Value != 3 || !p.ConditionalWithoutConditions.Value {
		t.Errorf("HLJ-27/16/28/21 settings: %+v %+v %+v %+v", p.IdleGrantMonths, p.RevocationGraceMonths, p.RetentionYears, p.ConditionalWithoutConditions)
	}
}

// A bad file is refused with a message naming its line.
func TestBadProfiles(t *testing.T) {
	good, err := profiles.ReadShipped(profiles.Default)
	if err != nil {
		t.Fatal(err)
	}
	src := string(good)
	lineOf := func(s string) int { return strings.Count(src[:strings.Index(src, s)], "\n") + 1 }
	for _, c := range []struct {
		name, from, to string
		line           int
		msg            string
	}{
		{"unknown key", "idle_grant_months: {value: 3,", "idle_grant_mnths: {value: 3,", lineOf("idle_grant_months:"), "unknown key idle_grant_mnths"},
		{"negative deadline", "        working_days: 10\n        actions: [approve, reject]\n        cite: \"default, after SJZ-16", "        working_days: -2\n        actions: [approve, reject]\n        cite: \"default, after SJZ-16",
			lineOf("        working_days: 10\n        actions: [approve, reject]\n        cite: \"default, after SJZ-16"), "cannot be negative"},
		{"missing workflow", "  objection:\n", "  objection_x:\n", lineOf("  objection:\n"), "unknown workflow objection_x"},
		{"missing workflow named", "  objection:\n", "  objection_x:\n", lineOf("workflows:"), "workflow objection is missing"},
		{"unknown role", "role: supervisor, party: provider", "role: witness, party: provider", lineOf("role: supervisor, party: provider"), "unknown role witness"},
		{"retention below three years", "retention_years: {value: 3,", "retention_years: {value: 2,", lineOf("retention_years:"), "at least 3"},
		{"missing citation", "    cite: SJZ-S-28/29\n", "    cite: \"\"\n", lineOf("  destruction:"), "cite the article"},
		{"within no step", "        working_days: 2\n        actions: [sign, reject]", "        within: nowhere\n        actions: [sign, reject]",
			lineOf("        working_days: 2\n        actions: [sign, reject]"), "within names no earlier step: nowhere"},
		{"within a later step", "        working_days: 1\n        actions: [forward", "        within: decide\n        actions: [forward",
			lineOf("        working_days: 1\n        actions: [forward"), "within names no earlier step: decide"},
		{"within and own deadline", "        working_days: 2\n        actions: [sign, reject]", "        working_days: 2\n        within: decide\n        actions: [sign, reject]",
			lineOf("        working_days: 2\n        actions: [sign, reject]") + 1, "sets no working_days or extension of its own"},
		{"within on the return step", "      name: amend\n", "      name: amend\n      within: forward\n", lineOf("      name: amend\n") + 1, "the return step keeps its own deadline"},
		{"missing setting", "scenario_direct_grant: {value: false,", "scenario_direct_grant: {", lineOf("scenario_direct_grant:"), "scenario_direct_grant: value is missing"},
	} {
		bad := strings.Replace(src, c.from, c.to, 1)
		if bad == src {
			t.Fatalf("%s: the replacement did not apply", c.name)
		}
		_, err := profiles.Parse("default.yaml", []byte(bad))
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		var pe *profiles.Error
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v is not a profile error", c.name, err)
			continue
		}
		want := "line " + strconv.Itoa(c.line) + ": "
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %q, want %q and %q", c.name, err, want, c.msg)
		}
	}
	if _, err := profiles.Shipped("nowhere"); !errors.Is(err, profiles.ErrUnknown) {
		t.Errorf("unknown profile: %v", err)
	}
	if _, err := profiles.Shipped("../go"); !errors.Is(err, profiles.ErrUnknown) {
		t.Errorf("path as a profile name: %v", err)
	}
}
