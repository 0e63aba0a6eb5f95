package validate

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// statementActions is what the catalogue says about a statement's Action element, computed once
// by checkActions and used by the resource, condition and security checks.
type statementActions struct {
	// any is true when the actions cannot be pinned down: "*", NotAction, or a pattern whose
	// service part has a wildcard. Checks that need the list of actions are skipped then.
	any bool
	// perValue holds, for each Action value, the indices of the catalogue actions it matches;
	// nil for a value that is invalid or unknown.
	perValue [][]int
	// actions is the union of perValue, sorted, without repeats.
	actions []int
	// lower holds each Action value in lower case; the statement's compiled matchers match
	// them (Statement.ActionValueMatches).
	lower []string
	stmt  *evaluator.Statement
}

// matches reports whether action value i matches the action name, as evaluation matches it.
func (sa *statementActions) matches(i int, action string) bool {
	return sa.stmt.ActionValueMatches(i, action)
}

// servicePart returns the service prefix of action value i in lower case, and whether it has
// a wildcard.
func (sa *statementActions) servicePart(i int) (string, bool) {
	prefix, _, _ := strings.Cut(sa.lower[i], ":")
	return prefix, strings.ContainsAny(prefix, "*?")
}

func (v *validator) actionsOf(s *evaluator.Statement) *statementActions {
	if v.stmtActions == nil {
		v.stmtActions = map[*evaluator.Statement]*statementActions{}
	}
	sa, ok := v.stmtActions[s]
	if !ok {
		sa = &statementActions{any: true}
		v.stmtActions[s] = sa
	}
	return sa
}

// checkActions checks each Action or NotAction value against the catalogue.
func (v *validator) checkActions(s *evaluator.Statement) {
	sa := &statementActions{
		any:      s.NotAction,
		perValue: make([][]int, len(s.Actions)),
		lower:    make([]string, len(s.Actions)),
		stmt:     s,
	}
	for i, a := range s.Actions {
		sa.lower[i] = strings.ToLower(a.Text)
	}
	if v.stmtActions == nil {
		v.stmtActions = map[*evaluator.Statement]*statementActions{}
	}
	v.stmtActions[s] = sa
	element := "Action"
	if s.NotAction {
		element = "NotAction"
	}
	for i, a := range s.Actions {
		sa.perValue[i] = v.checkAction(a, sa)
	}
	if !sa.any {
		var all []int
		for _, idx := range sa.perValue {
			all = append(all, idx...)
		}
		sort.Ints(all)
		sa.actions = compactInts(all)
	}
	v.checkRedundantActions(s, sa, element)
}

// checkAction checks one action value and returns the catalogue actions it matches.
func (v *validator) checkAction(a evaluator.Value, sa *statementActions) []int {
	text := a.Text
	if text == "*" {
		sa.any = true
		return nil
	}
	if v.policy.Version == evaluator.Version2012 && strings.Contains(text, "${") {
		// "Policy variables are supported in the Resource and Condition elements": in an
		// action the placeholder is literal text, which no action name has.
		v.add("VARIABLE_NOT_ALLOWED", a.Path, a.Pos, "policy variables are not substituted in Action or NotAction (%q), so the value matches no action: name the actions literally, and use variables in Resource or in a condition", text)
		return nil
	}
	prefix, local, ok := strings.Cut(text, ":")
	switch {
	case !ok:
		v.add("INVALID_ACTION", a.Path, a.Pos, "the action %q has no service prefix: write service:action, such as s3:GetObject, or \"*\" for every action", text)
		return nil
	case strings.Contains(local, ":"):
		hint := "an action has exactly one colon, as in s3:GetObject"
		if strings.Contains(text, ",") {
			hint = "list several actions as a JSON array, [\"s3:GetObject\", \"s3:PutObject\"], not as one string with commas"
		}
		v.add("INVALID_ACTION", a.Path, a.Pos, "the action %q has more than one colon: %s", text, hint)
		return nil
	case prefix == "" || local == "":
		v.add("INVALID_ACTION", a.Path, a.Pos, "the action %q has an empty service or action name: write service:action, such as s3:GetObject", text)
		return nil
	}
	if i := strings.IndexFunc(text, func(r rune) bool { return !actionChar(r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(text[i:])
		v.add("INVALID_ACTION", a.Path, a.Pos, "the action %q has the character %q, which no service prefix or action name has (they are letters, digits and -, with * and ? as wildcards): %s", text, r, actionCharHint(r))
		return nil
	}
	if strings.ContainsAny(prefix, "*?") {
		// A wildcard in the service part ("*:Get*") ranges over every service.
		matched := catalog.ExpandActionPattern(text)
		if len(matched) == 0 && v.retired(a) {
			sa.any = true
			return nil
		}
		if len(matched) == 0 {
			v.add("ACTION_MATCHES_NOTHING", a.Path, a.Pos, "the action pattern %q matches no action of any service: check the spelling", text)
		}
		sa.any = true
		return matched
	}
	svc, ok := catalog.LookupService(prefix)
	if !ok && v.retired(a) {
		return nil
	}
	if !ok {
		v.add("UNKNOWN_SERVICE", a.Path, a.Pos, "the service prefix %q in %q is not in the Service Authorization Reference (a typo, or a retired service), so the action matches no request%s", prefix, text, serviceSuggestion(prefix))
		return nil
	}
	if v.opts.Type == PolicyTypeRCP && !svc.RCPSupported() {
		v.add("RCP_UNSUPPORTED_SERVICE", a.Path, a.Pos, "resource control policies do not apply to %s (%s), so this action has no effect in an RCP: remove it, or use an SCP to limit it", svc.Name(), svc.Prefix())
	}
	if rt := v.resType; rt != nil && !containsFold(rt.services, svc.Prefix()) {
		v.add("UNSUPPORTED_ACTION_FOR_RESOURCE_TYPE", a.Path, a.Pos, "a %s policy can name only %s actions, not %q: move this action to an identity-based policy, or attach the policy to a %s resource", rt.name, strings.Join(rt.services, " or "), text, svc.Prefix())
	}
	if !strings.ContainsAny(local, "*?") {
		act, ok := catalog.LookupAction(text)
		if !ok && v.retired(a) {
			return nil
		}
		if !ok {
			v.add("UNKNOWN_ACTION", a.Path, a.Pos, "%s has no action %q in the Service Authorization Reference, so it matches no request%s", svc.Name(), local, actionSuggestion(svc, local))
			return nil
		}
		return []int{act.Index()}
	}
	matched := catalog.ExpandActionPattern(text)
	if len(matched) == 0 && v.retired(a) {
		return nil
	}
	if len(matched) == 0 {
		v.add("ACTION_MATCHES_NOTHING", a.Path, a.Pos, "the pattern %q matches no action of %s: check the spelling (patterns are matched against names such as %s)", text, svc.Name(), exampleAction(svc))
	}
	return matched
}

// actionChar reports whether r may appear in an action: service prefixes and action names are
// ASCII letters, digits and hyphens (vpc-lattice:AssociateViaAWSService-EventsAndStates); _ is
// accepted too, and * and ? are wildcards. Such a value is not a question of the catalogue's
// age: no action can ever match it.
func actionChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_*?:", r)
}

func actionCharHint(r rune) string {
	switch r {
	case ' ', '\t':
		return "actions are not trimmed, remove the white space"
	case ',', ';':
		return "list several actions as a JSON array, [\"s3:GetObject\", \"s3:PutObject\"]"
	}
	return "remove the character, or replace it by the letter that was meant"
}

// retired reports a RETIRED_ACTION for an action value that matches no catalogue action but
// that AWS managed policies name, and whether it did.
func (v *validator) retired(a evaluator.Value) bool {
	if !isRetiredAction(a.Text) {
		return false
	}
	v.add("RETIRED_ACTION", a.Path, a.Pos, "%q is not in the Service Authorization Reference, so it matches no request; AWS managed policies still name it (an action or service AWS has retired): remove it from policies you write", a.Text)
	return true
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func compactInts(s []int) []int {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func exampleAction(svc *catalog.Service) string {
	first, end := svc.ActionRange()
	if first < end {
		return catalog.ActionByIndex(first).Name()
	}
	return svc.Prefix() + ":Action"
}

// serviceSuggestion proposes the service prefix nearest to prefix, when one is close.
func serviceSuggestion(prefix string) string {
	best, bestDist := "", 3
	lower := strings.ToLower(prefix)
	for _, s := range catalog.Services() {
		if d := evaluator.EditDistance(lower, s.Prefix(), bestDist); d < bestDist {
			best, bestDist = s.Prefix(), d
		}
	}
	if best != "" {
		return fmt.Sprintf(": did you mean %q?", best)
	}
	return ": check the prefix, or remove the action"
}

// actionSuggestion proposes the action of svc nearest to local, when one is close.
func actionSuggestion(svc *catalog.Service, local string) string {
	limit := 3
	if len(local) < 8 {
		limit = 2
	}
	best, bestDist := "", limit
	lower := strings.ToLower(local)
	first, end := svc.ActionRange()
	for i := first; i < end; i++ {
		a := catalog.ActionByIndex(i)
		if d := evaluator.EditDistance(lower, strings.ToLower(a.LocalName()), bestDist); d < bestDist {
			best, bestDist = a.Name(), d
		}
	}
	if best != "" {
		return fmt.Sprintf(": did you mean %s?", best)
	}
	return fmt.Sprintf(": check the action list of %s, or remove the action", svc.Name())
}

// checkRedundantActions reports action values that repeat, or are covered by, another value
// of the same statement. A value can only be covered by an equal value or by a pattern, so
// each value is compared with the patterns of its service and those whose service part has a
// wildcard: a statement of a thousand actions (ReadOnlyAccess) costs little.
func (v *validator) checkRedundantActions(s *evaluator.Statement, sa *statementActions, element string) {
	if len(s.Actions) < 2 {
		return
	}
	firstIndex := make(map[string]int, len(s.Actions))
	patternsByService := map[string][]int{}
	var wildService []int // patterns whose service part has a wildcard, and "*"
	isPattern := make([]bool, len(s.Actions))
	for i := range s.Actions {
		if _, seen := firstIndex[sa.lower[i]]; !seen {
			firstIndex[sa.lower[i]] = i
		}
		isPattern[i] = strings.ContainsAny(sa.lower[i], "*?")
		if !isPattern[i] {
			continue
		}
		if prefix, wild := sa.servicePart(i); wild {
			wildService = append(wildService, i)
		} else {
			patternsByService[prefix] = append(patternsByService[prefix], i)
		}
	}
	report := func(j, i int, what string) {
		a := s.Actions[j]
		v.add("REDUNDANT_ACTION", a.Path, a.Pos, "%q %s %q (%s[%d]) in the same statement: remove it", a.Text, what, s.Actions[i].Text, element, i)
	}
	for j := range s.Actions {
		if i := firstIndex[sa.lower[j]]; i != j {
			report(j, i, "repeats")
			continue
		}
		prefix, wild := sa.servicePart(j)
		candidates := wildService
		if !wild {
			candidates = append(patternsByService[prefix][:len(patternsByService[prefix]):len(patternsByService[prefix])], wildService...)
		} else if sa.lower[j] != "*" {
			candidates = nil
			for i := range s.Actions {
				if isPattern[i] {
					candidates = append(candidates, i)
				}
			}
		}
		for _, i := range candidates {
			if i != j && sa.lower[i] != sa.lower[j] && coversAction(sa, i, j, isPattern[j]) {
				report(j, i, "is covered by")
				break
			}
		}
	}
}

// coversAction reports whether the pattern value i of sa makes value j redundant. Patterns
// that match the same actions make only the later one redundant.
func coversAction(sa *statementActions, i, j int, jIsPattern bool) bool {
	switch {
	case sa.lower[i] == "*":
		return sa.lower[j] != "*" || i < j
	case sa.lower[j] == "*":
		return false
	case !jIsPattern:
		return sa.matches(i, sa.lower[j])
	}
	ei, ej := sa.perValue[i], sa.perValue[j]
	if len(ej) == 0 || len(ei) == 0 || !isSubset(ej, ei) {
		return false
	}
	return len(ej) < len(ei) || i < j
}

// isSubset reports whether the sorted slice a is contained in the sorted slice b.
func isSubset(a, b []int) bool {
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			return false
		}
	}
	return true
}

var partitionRE = regexp.MustCompile(`^(aws(-[a-z]+)*|[a-z*?-]*[*?][a-z*?-]*)$`)

// checkResources checks the Resource or NotResource values: ARN form, variables, and whether
// they fit the statement's actions.
func (v *validator) checkResources(s *evaluator.Statement) {
	element := "Resource"
	if s.NotResource {
		element = "NotResource"
	}
	valid := make([]bool, len(s.Resources))
	for i, r := range s.Resources {
		valid[i] = v.checkARN(r, element)
	}
	for j, r := range s.Resources {
		for i, other := range s.Resources {
			if i != j && resourceCovers(s, i, j) {
				what := "is covered by"
				if other.Text == r.Text {
					what = "repeats"
				}
				v.add("REDUNDANT_RESOURCE", r.Path, r.Pos, "%q %s %q (%s[%d]) in the same statement: remove it", r.Text, what, other.Text, element, i)
				break
			}
		}
	}
	if !s.NotResource {
		v.checkResourcesFitActions(s, valid)
	}
}

// resourceCovers reports whether Resource value i of s makes value j redundant; for equal
// values only the later is redundant. Patterns with policy variables are left alone.
func resourceCovers(s *evaluator.Statement, i, j int) bool {
	b, a := s.Resources[i].Text, s.Resources[j].Text
	if a == b {
		return i < j
	}
	if b == "*" {
		return true
	}
	if strings.Contains(a, "${") || strings.Contains(b, "${") || strings.ContainsAny(a, "*?") || !strings.ContainsAny(b, "*?") {
		return false
	}
	return s.ResourceValueMatches(i, a)
}

// checkARN checks the form of one Resource or NotResource value; it reports whether the value
// is an ARN the catalogue can be asked about.
func (v *validator) checkARN(r evaluator.Value, element string) bool {
	text := r.Text
	if text == "*" {
		return false
	}
	variables := v.policy.Version == evaluator.Version2012
	if strings.Contains(text, "${") && !variables {
		v.add("VARIABLE_WITHOUT_VERSION", r.Path, r.Pos, "%q has ${...}, but variables are substituted only under \"Version\": \"2012-10-17\"; without it the text is literal: set the Version", text)
	}
	if !strings.HasPrefix(text, "arn:") {
		v.add("INVALID_ARN", r.Path, r.Pos, "the %s %q is not an ARN: write arn:partition:service:region:account:resource (for example arn:aws:s3:::bucket/*), or \"*\"", element, text)
		return false
	}
	parts := strings.SplitN(text, ":", 6)
	if len(parts) < 6 {
		v.addIssue("INVALID_ARN", "MISSING_ARN_FIELD", r.Path, r.Pos, "the ARN %q has %d colon-separated parts, not 6 (arn:partition:service:region:account:resource): leave a part empty rather than out, as in arn:aws:s3:::bucket", text, len(parts))
		return false
	}
	if variables {
		head := strings.Join(parts[:5], ":")
		if strings.Contains(head, "${") {
			v.add("VARIABLE_BEFORE_RESOURCE_PART", r.Path, r.Pos, "the ARN %q has a policy variable before its fifth colon, where AWS documents that variables are not substituted: use variables only in the resource part, and a condition (aws:ResourceAccount, aws:RequestedRegion) for the rest", text)
			return false
		}
		if strings.Contains(text, "${") {
			if !v.checkVariables(r.Path, r.Pos, text) {
				return false
			}
			if pr := v.resourceProblems[r.Path]; pr != nil {
				// The engine refuses a placeholder that scanVariables accepted.
				v.add("INVALID_VARIABLE", r.Path, r.Pos, "%s: write ${key} or ${key, 'default'}", pr.Err.Message)
				return false
			}
		}
	}
	switch service := parts[2]; {
	case service == "":
		v.add("INVALID_ARN", r.Path, r.Pos, "the ARN %q has an empty service part: write the service prefix, as in arn:aws:s3:::bucket", text)
		return false
	case strings.ContainsAny(service, "*?"):
		v.add("INVALID_ARN", r.Path, r.Pos, "the ARN %q has a wildcard in its service part, which AWS does not allow: name the service, or use \"*\" for every resource", text)
		return false
	}
	if !partitionRE.MatchString(parts[1]) {
		v.addIssue("INVALID_ARN", "INVALID_PARTITION", r.Path, r.Pos, "the ARN %q has the partition %q: expected aws, aws-cn, aws-us-gov or another aws partition", text, parts[1])
		return false
	}
	return v.checkARNFormat(r, parts)
}

// checkResourcesFitActions compares the statement's Resource ARNs with the resource types of its
// actions. When no resource fits any action, each resource is reported; otherwise each action
// that fits no resource is.
func (v *validator) checkResourcesFitActions(s *evaluator.Statement, valid []bool) {
	sa := v.actionsOf(s)
	if sa.any || len(sa.actions) == 0 || len(s.Resources) == 0 {
		return
	}
	for i, r := range s.Resources {
		if r.Text == "*" || !valid[i] {
			return // "*" fits every action; an invalid ARN has been reported already
		}
	}
	fits := map[fitKey]bool{}
	fit := func(rt *catalog.ResourceType, resource int) bool {
		k := fitKey{rt, resource}
		ok, seen := fits[k]
		if !seen {
			ok = rt.MatchesARN(lenientARN(s.Resources[resource].Text))
			fits[k] = ok
		}
		return ok
	}
	actionFits := func(idx int, resource int) bool {
		for _, ar := range catalog.ActionByIndex(idx).ResourceTypes() {
			if fit(ar.ResourceType, resource) {
				return true
			}
		}
		return false
	}
	resourceOK := make([]bool, len(s.Resources))
	anyOK := false
	for ri := range s.Resources {
		for _, idx := range sa.actions {
			if actionFits(idx, ri) {
				resourceOK[ri], anyOK = true, true
				break
			}
		}
	}
	if !anyOK {
		for _, r := range s.Resources {
			v.add("RESOURCE_MATCHES_NO_ACTION", r.Path, r.Pos, "%s", v.resourceMismatchMessage(r.Text, sa.actions))
		}
		return
	}
	for ai, a := range s.Actions {
		matched := sa.perValue[ai]
		if len(matched) == 0 {
			continue
		}
		fitsOne, takesResources := false, false
		for _, idx := range matched {
			if len(catalog.ActionByIndex(idx).ResourceTypes()) > 0 {
				takesResources = true
			}
			for ri := range s.Resources {
				if resourceOK[ri] && actionFits(idx, ri) {
					fitsOne = true
					break
				}
			}
			if fitsOne {
				break
			}
		}
		switch {
		case fitsOne:
		case !takesResources:
			v.add("ACTION_NEEDS_WILDCARD_RESOURCE", a.Path, a.Pos, "the Service Authorization Reference lists no resource type for %s, so its requests are for the resource \"*\" and this statement, which names only specific resources, does not apply to it: move it to a statement with \"Resource\": \"*\"", describeActionValue(a.Text, matched))
		default:
			v.add("ACTION_MATCHES_NO_RESOURCE", a.Path, a.Pos, "%s, and none of the statement's resources is one of them: add a matching ARN, or move the action to a statement about its resources", describeActsOn(a.Text, matched))
		}
	}
}

// lenientARN turns an empty region or account part of an ARN into "*": the reference's ARN
// formats write ${Region} and ${Account} for them, but AWS-owned resources (SSM documents such
// as arn:aws:ssm:*::document/AWS-RunShellScript) and global ones have them empty.
func lenientARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || (parts[3] != "" && parts[4] != "") {
		return arn
	}
	for i := 3; i <= 4; i++ {
		if parts[i] == "" {
			parts[i] = "*"
		}
	}
	return strings.Join(parts, ":")
}

type fitKey struct {
	rt       *catalog.ResourceType
	resource int
}

// describeActionValue names an action value for messages: the action itself, or the actions
// a pattern matches.
func describeActionValue(text string, matched []int) string {
	if len(matched) == 1 && !strings.ContainsAny(text, "*?") {
		return catalog.ActionByIndex(matched[0]).Name()
	}
	return fmt.Sprintf("the actions matched by %q", text)
}

// describeActsOn says which resource types an action value acts on.
func describeActsOn(text string, matched []int) string {
	verb := "acts"
	if len(matched) != 1 || strings.ContainsAny(text, "*?") {
		verb = "act"
	}
	return fmt.Sprintf("%s %s on %s", describeActionValue(text, matched), verb, describeResourceTypes(matched, 3))
}

// describeResourceTypes lists up to limit resource types of the actions with their ARN formats.
func describeResourceTypes(actions []int, limit int) string {
	var out []string
	seen := map[*catalog.ResourceType]bool{}
	more := 0
	for _, idx := range actions {
		for _, ar := range catalog.ActionByIndex(idx).ResourceTypes() {
			rt := ar.ResourceType
			if seen[rt] {
				continue
			}
			seen[rt] = true
			if len(out) < limit {
				out = append(out, fmt.Sprintf("%s (%s)", rt.Name, rt.ARNFormat))
			} else {
				more++
			}
		}
	}
	s := strings.Join(out, ", ")
	if more > 0 {
		s += fmt.Sprintf(" and %d more resource types", more)
	}
	return s
}

// resourceMismatchMessage explains why an ARN fits none of the actions.
func (v *validator) resourceMismatchMessage(arn string, actions []int) string {
	parts := strings.SplitN(arn, ":", 6)
	services := map[string]bool{}
	var names []string
	for _, idx := range actions {
		p := catalog.ActionByIndex(idx).Service().Prefix()
		if !services[p] {
			services[p] = true
			names = append(names, p)
		}
	}
	if len(parts) == 6 && !services[strings.ToLower(parts[2])] {
		return fmt.Sprintf("the ARN %q is a %s resource, but the statement's actions are %s actions, so it matches none of their resources: use an ARN of their service, or move the actions to a statement about this resource", arn, parts[2], strings.Join(names, ", "))
	}
	takes := describeResourceTypes(actions, 3)
	if takes == "" {
		return fmt.Sprintf("the Service Authorization Reference lists no resource type for the statement's actions, so their requests are for the resource \"*\" and the ARN %q matches none of them: use \"Resource\": \"*\"", arn)
	}
	return fmt.Sprintf("the ARN %q matches no resource type of the statement's actions, which act on %s: correct the ARN to one of these forms", arn, takes)
}
