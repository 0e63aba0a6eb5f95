package guard

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the report as a pull-request comment: whether the plan fails at
// failOn (0: the run never fails), a table of findings per level (most serious first) with the
// resource address, the principal, the witness and how to fix, and, when the run listed them
// (CheckWithDiff), the plan's access changes.
func (r *Report) WriteMarkdown(w io.Writer, failOn Level) error {
	var b strings.Builder
	b.WriteString("## IAM guard\n\n")
	counts := r.Count()
	verdict := "**Passes**"
	if failOn != 0 && r.Failed(failOn) {
		verdict = "**Fails**"
	}
	fmt.Fprintf(&b, "%s: %s (%s, %s, %s) in plan %s, account %s (%s).\n\n", verdict,
		plural(len(r.Findings), "finding"), plural(counts[LevelError], "error"), plural(counts[LevelWarning], "warning"),
		plural(counts[LevelNote], "note"), mdCode(r.Plan), mdCode(r.Account), mdEscape(r.AccountSource))
	rows := 0
levels:
	for _, level := range []Level{LevelError, LevelWarning, LevelNote} {
		var fs []*Finding
		for i := range r.Findings {
			if r.Findings[i].Level == level {
				fs = append(fs, &r.Findings[i])
			}
		}
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s (%d)\n\n", levelTitle(level), len(fs))
		b.WriteString("| finding | resource | principal | witness | how to fix |\n|---|---|---|---|---|\n")
		for i, f := range fs {
			if rows == maxMarkdownFindings {
				fmt.Fprintf(&b, "\n%d more findings at this level and below are left out to keep the comment short: run the guard with `--format text` or `--format json` for all of them.\n\n", len(fs)-i+laterFindings(r, level))
				break levels
			}
			rows++
			writeFindingRow(&b, f)
		}
		b.WriteString("\n")
	}
	if r.AccessListed {
		b.WriteString("### Access changes\n\n")
		writeDiffMarkdown(&b, r.Access, "####")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxMarkdownFindings is the number of findings the comment lists.
const maxMarkdownFindings = 100

// laterFindings counts the findings below level.
func laterFindings(r *Report, level Level) int {
	n := 0
	for _, f := range r.Findings {
		if f.Level < level {
			n++
		}
	}
	return n
}

func levelTitle(l Level) string {
	switch l {
	case LevelError:
		return "Errors"
	case LevelWarning:
		return "Warnings"
	}
	return "Notes"
}

// writeFindingRow writes one finding as a table row.
func writeFindingRow(b *strings.Builder, f *Finding) {
	what := mdCode(f.Code)
	if f.Rule != "" {
		what += " (" + mdEscape(f.Rule) + ")"
	}
	what += ": " + mdEscape(f.Message)
	switch {
	case f.Waived != "":
		what += " *Waived: " + mdEscape(f.Waived) + " (does not fail).*"
	case f.Baselined:
		what += " *In the baseline (does not fail).*"
	}
	addr := mdCode(f.Address)
	if f.Attribute != "" {
		addr += " (" + mdCode(f.Attribute) + ")"
	}
	principal := ""
	if f.Principal != "" {
		principal = mdCode(f.Principal)
		if f.PrincipalAddress != "" && f.PrincipalAddress != f.Address {
			principal += " (" + mdCode(f.PrincipalAddress) + ")"
		}
	}
	var witness []string
	for i, s := range f.Path {
		witness = append(witness, fmt.Sprintf("%d. %s → %s via %s", i+1, mdCode(s.From), mdCode(s.To), mdCode(s.Via)))
	}
	if f.Witness != nil {
		witness = append(witness, mdCode(f.WitnessText()))
	}
	if refs := refsText(f.Allows); len(refs) > 0 {
		verb := "allowed by "
		if f.Code == CodeRequiredAccess {
			verb = "denied by "
		}
		witness = append(witness, verb+mdEscape(strings.Join(refs, "; ")))
	}
	if len(f.Actions) > 0 {
		witness = append(witness, "actions "+mdCodeList(f.Actions, maxShownActions))
	}
	fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", what, addr, principal, strings.Join(witness, "<br>"), mdEscape(Remedy(f)))
}

// Remedy says how to fix a finding: what to change in the configuration, and how to accept
// it when it is intended.
func Remedy(f *Finding) string {
	waive := fmt.Sprintf(" If it is intended, accept it with a waive %q block (address, reason) in the rules.", f.Code)
	switch f.Code {
	case CodeUndecided:
		return "Make the value known at plan time (a literal, a variable or a data source instead of an attribute of a resource the plan creates), or apply the resource it depends on first (terraform apply -target) and plan again. Undecided findings cannot be waived."
	case CodeInvalidPolicy:
		return "Fix the policy document: AWS rejects it at apply. Write it with jsonencode or aws_iam_policy_document."
	case CodeValidation:
		if v := f.Validation; v != nil && v.HelpURI != "" {
			return "Change the statement as the validation finding says (" + v.HelpURI + ")." + waive
		}
		return "Change the statement as the validation finding says." + waive
	case CodeForbiddenAccess:
		fix := "Remove the access from the allowing statements or narrow their Action and Resource, or deny it (a Deny statement, a permissions boundary, an SCP)."
		if len(f.Path) > 0 {
			fix += " The access comes through the role chain: narrowing the first step (the trust policy, sts:AssumeRole or iam:PassRole) also cuts it."
		}
		return fix + waive
	case CodeRequiredAccess:
		if len(f.Allows) > 0 {
			return "Remove or narrow the denying statements, or grant the access where it is missing."
		}
		return "Grant the required access in the principal's policies (and the resource policy, for another account's resources), or fix the rule's selection."
	case CodePublicAccess:
		return "Name the principals (accounts, roles) in the policy's Principal instead of \"*\", or add a condition such as aws:PrincipalOrgID or aws:SourceAccount." + waive
	case CodeCrossAccount:
		return "Check that the other account is meant to have this access; narrow Action and Resource, or add aws:PrincipalOrgID." + waive
	case CodeNewAccess:
		return "Check that the new access is intended, and narrow the statements to the actions and resources it needs." + waive
	case CodeNewAdmin:
		return "Remove the permission-changing actions (iam:Attach*, iam:Put*Policy, iam:CreatePolicyVersion, ...) or scope them with a permissions boundary; if the principal is meant to administer IAM, name it in administrators."
	case CodeAccessKey:
		return "Use a role (with OIDC federation for CI) and short-lived credentials instead of a long-lived access key." + waive
	case CodeAdminPolicy:
		return "Attach a policy with the actions the principal needs (the least-privilege command writes one), or name the principal in administrators."
	case CodeConsoleNoMFA:
		return "Add a Deny of the sensitive actions with the condition BoolIfExists aws:MultiFactorAuthPresent false, or require MFA for the user." + waive
	case CodeOpenTrust:
		return "Name the principals that may assume the role, or add conditions (sts:ExternalId, aws:PrincipalOrgID; for web identity, the provider's aud and sub keys)."
	case CodePassRoleWildcard:
		return "Name the roles the principal may pass in Resource, and add the condition iam:PassedToService." + waive
	case CodeExistingCompute:
		if f.Attribute != "" {
			// The grant is in the resource policy at Address (see addComputeGrant), not in the
			// principal's own policies: the principal may be another account's.
			return "Remove the statement or permission that grants these actions to the principal from the resource policy (for a Lambda function, the aws_lambda_permission or the statement of its function policy), or narrow its Principal to the principals that deploy the resource and its Action to what they need." + waive
		}
		return "Scope the actions to the compute the principal owns (Resource ARNs, or tag conditions), or name it in administrators." + waive
	case CodeInlineQuota:
		return "Move policies into customer managed policies (aws_iam_policy and an attachment): each has its own quota of 6,144 characters and does not count against the inline quota. Or shorten the inline policies (fewer statements, wildcards such as s3:Get*); the quota cannot be raised."
	case CodeNotChecked:
		return "Review this access by hand: the guard does not model it." + waive
	case CodeNoConfiguration:
		return "Produce the plan with terraform show -json PLANFILE from a saved plan (terraform plan -out=PLANFILE), which includes the configuration."
	case CodeUserPolicy:
		return "Attach the policy to a group or a role instead of the user." + waive
	case CodeIAMUser:
		return "Let people sign in through federation (IAM Identity Center) instead of IAM users with passwords or keys." + waive
	case CodeWaiverExpired:
		return "Fix the finding the waiver accepted, or renew the waiver with a new expires date and reason."
	case CodeWaiverUnused:
		return "Remove the waiver, or correct its address and principal patterns."
	}
	return ""
}
