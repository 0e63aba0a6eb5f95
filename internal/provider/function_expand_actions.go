package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

var _ function.Function = (*expandActionsFunction)(nil)

// NewExpandActionsFunction returns the expand_actions function: the catalogue's actions that a
// set of action patterns matches, as a policy's Action element matches them.
func NewExpandActionsFunction() function.Function {
	return &expandActionsFunction{}
}

type expandActionsFunction struct{}

func (f *expandActionsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "expand_actions"
}

func (f *expandActionsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Lists the AWS actions that action patterns match",
		MarkdownDescription: "Returns the actions of the AWS Service Authorization Reference embedded in the provider " +
			"that any of the patterns matches, as a policy's `Action` element matches them: without regard to case, " +
			"`*` matching any run of characters and `?` exactly one. The names are as AWS writes them (`s3:GetObject`), " +
			"each once, sorted. A pattern that matches no action (a typo, a retired action) is an error naming it, " +
			"since a policy that names it grants or denies nothing.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name:        "patterns",
				ElementType: types.StringType,
				MarkdownDescription: "Action patterns, such as `[\"s3:Get*\", \"iam:PassRole\"]`: `service:Action` with " +
					"`*` and `?` as wildcards, or `*` for every action.",
			},
		},
		Return: function.ListReturn{ElementType: types.StringType},
	}
}

func (f *expandActionsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var patterns []types.String
	if resp.Error = req.Arguments.Get(ctx, &patterns); resp.Error != nil {
		return
	}
	names, err := expandActions(patterns)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	list, diags := types.ListValueFrom(ctx, types.StringType, names)
	if err := diagnosticsError(diags); err != nil {
		resp.Error = function.NewFuncError(err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, list)
}

// expandActions returns the sorted names of the actions the patterns match, or an error naming
// the first pattern that matches none.
func expandActions(patterns []types.String) ([]string, error) {
	seen := map[string]bool{}
	var names []string
	for i, p := range patterns {
		if p.IsNull() {
			return nil, fmt.Errorf("patterns[%d] is null; expected a \"service:Action\" pattern", i)
		}
		if problem := evaluator.ActionPatternProblem(p.ValueString()); problem != "" {
			return nil, fmt.Errorf("patterns[%d]: %s", i, problem)
		}
		matched := evaluator.ActionsMatching(p.ValueString())
		if len(matched) == 0 {
			// ActionPatternProblem accepts "*" without expanding it; the catalogue is never empty,
			// but an empty result must not pass silently.
			return nil, fmt.Errorf("patterns[%d]: %q matches no action of the service reference data (%s)", i, p.ValueString(), evaluator.CatalogVersion())
		}
		for _, name := range matched {
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	if names == nil {
		names = []string{}
	}
	sort.Strings(names)
	return names, nil
}
