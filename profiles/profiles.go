// Package profiles ships the regulation profiles (PRODUCT.md §3) as YAML
// files, one per regulation, and loads them. A profile is refused, naming
// the file and line, when it has an unknown key, lacks a workflow or a
// citation, or sets a negative deadline.
package profiles

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
	"go.yaml.in/yaml/v3"
)

//go:embed *.yaml
var files embed.FS

// Default is the profile of a deployment whose own rules are silent.
const Default = "default"

// Names lists the shipped profiles.
func Names() []string {
	entries, _ := fs.Glob(files, "*.yaml")
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = strings.TrimSuffix(e, ".yaml")
	}
	return names
}

// ErrUnknown is returned for a profile name that is not shipped.
var ErrUnknown = errors.New("profiles: no such profile")

// Shipped loads a shipped profile by name.
func Shipped(name string) (*govdata.Profile, error) {
	b, err := ReadShipped(name)
	if err != nil {
		return nil, err
	}
	return Parse(name+".yaml", b)
}

// ReadShipped returns the file of a shipped profile, to show or to start a
// deployment's own profile from.
func ReadShipped(name string) ([]byte, error) {
	if strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("%w: %q", ErrUnknown, name)
	}
	b, err := files.ReadFile(name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("%w: %q (shipped: %s)", ErrUnknown, name, strings.Join(Names(), ", "))
	}
	return b, nil
}

// Load loads a shipped profile by name, or a deployment's own file when
// nameOrPath ends in .yaml or .yml.
func Load(nameOrPath string) (*govdata.Profile, error) {
	if ext := filepath.Ext(nameOrPath); ext != ".yaml" && ext != ".yml" {
		return Shipped(nameOrPath)
	}
	b, err := os.ReadFile(nameOrPath)
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	return Parse(nameOrPath, b)
}

// Error is a problem of a profile file at a line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("profile %s line %d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("profile %s: %s", e.File, e.Msg)
}

// The file's shape. Pointers mark values that must be present.
type (
	rawProfile struct {
		Name       string       `yaml:"name"`
		Title      govdata.Text `yaml:"title"`
		Regulation string       `yaml:"regulation"`
		Labels     struct {
			Share map[string]string `yaml:"share"`
			Open  map[string]string `yaml:"open"`
		} `yaml:"labels"`
		ConditionalWithoutConditions rawSetting[bool]       `yaml:"conditional_without_conditions_is_unconditional"`
		IdleGrantMonths              rawSetting[int]        `yaml:"idle_grant_months"`
		GrantRectifyWorkingDays      rawSetting[int]        `yaml:"grant_rectify_working_days"`
		RevocationGraceMonths        rawSetting[int]        `yaml:"revocation_grace_months"`
		RetentionYears               rawSetting[int]        `yaml:"retention_years"`
		PartialBatch                 rawSetting[string]     `yaml:"partial_batch"`
		ScenarioDirectGrant          rawSetting[bool]       `yaml:"scenario_direct_grant"`
		Workflows                    map[string]rawWorkflow `yaml:"workflows"`
	}
	rawSetting[T any] struct {
		Value *T     `yaml:"value"`
		Cite  string `yaml:"cite"`
	}
	rawWorkflow struct {
		Title  govdata.Text `yaml:"title"`
		Cite   string       `yaml:"cite"`
		Steps  []rawStep    `yaml:"steps"`
		Return *rawStep     `yaml:"return"`
	}
	rawStep struct {
		Name  string       `yaml:"name"`
		Title govdata.Text `yaml:"title"`
		Actor struct {
			Role  string `yaml:"role"`
			Party string `yaml:"party"`
		} `yaml:"actor"`
		WorkingDays *int   `yaml:"working_days"`
		Within      string `yaml:"within"`
		Extension   *struct {
			WorkingDays int    `yaml:"working_days"`
			Cite        string `yaml:"cite"`
		} `yaml:"extension"`
		Actions []string `yaml:"actions"`
		Cite    string   `yaml:"cite"`
	}
)

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// Parse reads and checks one profile file.
func Parse(file string, b []byte) (*govdata.Profile, error) {
	file = filepath.Base(file)
	var raw rawProfile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			msg := strings.Replace(m[2], "field ", "unknown key ", 1)
			if i := strings.Index(msg, " not found in type"); i >= 0 {
				msg = msg[:i]
			}
			return nil, &Error{File: file, Line: line, Msg: msg}
		}
		return nil, &Error{File: file, Msg: err.Error()}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, &Error{File: file, Msg: err.Error()}
	}
	c := checker{file: file, root: &root}
	p := c.check(&raw)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return p, nil
}

// checker validates a decoded profile, naming lines from the node tree.
type checker struct {
	file string
	root *yaml.Node
	errs []error
}

// line finds the line of the value at path (mapping keys and sequence
// indexes), or of the nearest ancestor that exists.
func (c *checker) line(path ...string) int {
	n := c.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, key := range path {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					next, line = n.Content[i+1], n.Content[i].Line
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(key); err == nil && i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

func (c *checker) fail(msg string, path ...string) {
	c.errs = append(c.errs, &Error{File: c.file, Line: c.line(path...), Msg: msg})
}

func (c *checker) need(ok bool, msg string, path ...string) {
	if !ok {
		c.fail(msg, path...)
	}
}

func checkSetting[T any](c *checker, s rawSetting[T], key string) govdata.Setting[T] {
	c.need(s.Value != nil, key+": value is missing", key)
	c.need(strings.TrimSpace(s.Cite) != "", key+": cite the article (or say the regulation is silent)", key)
	var out govdata.Setting[T]
	if s.Value != nil {
		out.Value = *s.Value
	}
	out.Cite = s.Cite
	return out
}

func (c *checker) check(raw *rawProfile) *govdata.Profile {
	p := &govdata.Profile{Name: raw.Name, Title: raw.Title, Regulation: raw.Regulation}
	c.need(raw.Name != "" && raw.Name == strings.TrimSuffix(c.file, filepath.Ext(c.file)), "name must match the file name", "name")
	c.need(raw.Title.ZH != "" && raw.Title.EN != "", "title needs zh and en", "title")
	c.need(raw.Regulation != "", "regulation: name the document the profile follows", "regulation")
	for _, set := range []struct {
		name  string
		got   map[string]string
		keys  []string
		into  *map[string]string
		field string
	}{
		{"share", raw.Labels.Share, []string{"unconditional", "conditional", "not_shared"}, &p.Labels.Share, "share"},
		{"open", raw.Labels.Open, []string{"unconditional", "conditional", "not_open"}, &p.Labels.Open, "open"},
	} {
		for _, k := range set.keys {
			c.need(set.got[k] != "", "labels."+set.name+"."+k+" is missing", "labels", set.field)
		}
		for k := range set.got {
			c.need(slices.Contains(set.keys, k), "labels."+set.name+": unknown type "+k, "labels", set.field, k)
		}
		*set.into = set.got
	}
	p.ConditionalWithoutConditions = checkSetting(c, raw.ConditionalWithoutConditions, "conditional_without_conditions_is_unconditional")
	p.IdleGrantMonths = checkSetting(c, raw.IdleGrantMonths, "idle_grant_months")
	p.GrantRectifyWorkingDays = checkSetting(c, raw.GrantRectifyWorkingDays, "grant_rectify_working_days")
	p.RevocationGraceMonths = checkSetting(c, raw.RevocationGraceMonths, "revocation_grace_months")
	p.RetentionYears = checkSetting(c, raw.RetentionYears, "retention_years")
	p.PartialBatch = checkSetting(c, raw.PartialBatch, "partial_batch")
	p.ScenarioDirectGrant = checkSetting(c, raw.ScenarioDirectGrant, "scenario_direct_grant")
	c.need(p.IdleGrantMonths.Value >= 0, "idle_grant_months must not be negative", "idle_grant_months", "value")
	c.need(p.GrantRectifyWorkingDays.Value >= 1 && p.GrantRectifyWorkingDays.Value <= 60,
		"grant_rectify_working_days must be 1 to 60", "grant_rectify_working_days", "value")
	c.need(p.RevocationGraceMonths.Value >= 0, "revocation_grace_months must not be negative", "revocation_grace_months", "value")
	// SX-22, HLJ-28: records are kept at least three years.
	c.need(p.RetentionYears.Value >= 3, "retention_years must be at least 3 (SX-22, HLJ-28)", "retention_years", "value")
	c.need(p.PartialBatch.Value == govdata.BatchRefuse || p.PartialBatch.Value == govdata.BatchApplyValid,
		"partial_batch must be refuse or apply_valid", "partial_batch", "value")
	for name := range raw.Workflows {
		c.need(govdata.KnownWorkflowKind(govdata.WorkflowKind(name)), "unknown workflow "+name, "workflows", name)
	}
	for _, kind := range slices.Concat(govdata.WorkflowKinds, govdata.OptionalWorkflowKinds) {
		rw, ok := raw.Workflows[string(kind)]
		if !ok {
			if slices.Contains(govdata.WorkflowKinds, kind) {
				c.fail("workflow "+string(kind)+" is missing", "workflows")
			}
			continue
		}
		w := govdata.Workflow{Kind: kind, Title: rw.Title, Cite: rw.Cite}
		at := []string{"workflows", string(kind)}
		c.need(rw.Title.ZH != "" && rw.Title.EN != "", string(kind)+": title needs zh and en", at...)
		c.need(strings.TrimSpace(rw.Cite) != "", string(kind)+": cite the article", at...)
		c.need(len(rw.Steps) > 0, string(kind)+": a workflow needs at least one step", at...)
		seen := map[string]bool{}
		for i, rs := range rw.Steps {
			step := c.step(rs, append(at, "steps", strconv.Itoa(i)))
			c.need(!seen[step.Name], string(kind)+": step "+step.Name+" is named twice", append(at, "steps", strconv.Itoa(i), "name")...)
			c.checkWithin(w.Steps, rs, append(at, "steps", strconv.Itoa(i), "within"))
			seen[step.Name] = true
			w.Steps = append(w.Steps, step)
		}
		if rw.Return != nil {
			s := c.step(*rw.Return, append(at, "return"))
			c.need(rw.Return.Within == "", "the return step keeps its own deadline: within is for the steps", append(at, "return", "within")...)
			w.Return = &s
		}
		for i, rs := range rw.Steps {
			c.need(rw.Return != nil || !slices.Contains(rs.Actions, string(govdata.ActionReturn)),
				string(kind)+": step "+rs.Name+" can return, but the workflow has no return step", append(at, "steps", strconv.Itoa(i), "actions")...)
		}
		p.Workflows = append(p.Workflows, w)
	}
	return p
}

// checkWithin checks a shared deadline: it names an earlier step that has
// a deadline of its own, and the step sets neither its own nor an extension.
func (c *checker) checkWithin(earlier []govdata.Step, rs rawStep, at []string) {
	if rs.Within == "" {
		return
	}
	i := slices.IndexFunc(earlier, func(s govdata.Step) bool { return s.Name == rs.Within })
	c.need(i >= 0, "step "+rs.Name+": within names no earlier step: "+rs.Within, at...)
	c.need(i < 0 || earlier[i].WorkingDays != nil, "step "+rs.Name+": within names step "+rs.Within+", which has no deadline of its own", at...)
	c.need(rs.WorkingDays == nil && rs.Extension == nil, "step "+rs.Name+": a step within another's deadline sets no working_days or extension of its own", at...)
}

func (c *checker) step(rs rawStep, at []string) govdata.Step {
	s := govdata.Step{Name: rs.Name, Title: rs.Title, WorkingDays: rs.WorkingDays, Within: rs.Within, Cite: rs.Cite,
		Actor: govdata.StepActor{Role: govdata.Role(rs.Actor.Role), Party: govdata.Party(rs.Actor.Party)}}
	c.need(rs.Name != "", "a step needs a name", at...)
	c.need(rs.Title.ZH != "" && rs.Title.EN != "", "step "+rs.Name+": title needs zh and en", at...)
	c.need(s.Actor.Role.Valid(), "step "+rs.Name+": unknown role "+rs.Actor.Role, append(at, "actor", "role")...)
	c.need(s.Actor.Party.Valid(), "step "+rs.Name+": party must be provider, applicant or bureau", append(at, "actor", "party")...)
	c.need(rs.WorkingDays == nil || *rs.WorkingDays >= 0, "step "+rs.Name+": a deadline cannot be negative", append(at, "working_days")...)
	c.need(strings.TrimSpace(rs.Cite) != "", "step "+rs.Name+": cite the article (or say the regulation is silent)", at...)
	c.need(len(rs.Actions) > 0, "step "+rs.Name+": list the actions its actor can take", at...)
	for i, a := range rs.Actions {
		c.need(govdata.Action(a).Valid(), "step "+rs.Name+": unknown action "+a, append(at, "actions", strconv.Itoa(i))...)
		s.Actions = append(s.Actions, govdata.Action(a))
	}
	if rs.Extension != nil {
		c.need(rs.Extension.WorkingDays >= 0, "step "+rs.Name+": an extension cannot be negative", append(at, "extension", "working_days")...)
		c.need(rs.Extension.Cite != "", "step "+rs.Name+": cite the extension's article", append(at, "extension")...)
		s.Extension = &govdata.Extension{WorkingDays: rs.Extension.WorkingDays, Cite: rs.Extension.Cite}
	}
	return s
}
