package provider

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/iamguard/terraform-provider-iam/internal/evaluator"
)

// The examples are documentation (tfplugindocs puts them in docs/) and the demo's input; these
// tests keep them true.

// The data source example runs as written: its postcondition holds, and each request gets the
// decision its comment promises.
func TestExampleDataSourcePolicyEvaluation(t *testing.T) {
	config, err := os.ReadFile("../../examples/data-sources/iam_policy_evaluation/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	const app = "data.iam_policy_evaluation.app"
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: string(config),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(app, requestAttr(0, "decision"), knownvalue.StringExact("Allow")),
				statecheck.ExpectKnownValue(app, requestAttr(1, "blocked_by"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("permissions_boundary")})),
				statecheck.ExpectKnownValue(app, requestAttr(2, "decision"), knownvalue.StringExact("ExplicitDeny")),
				statecheck.ExpectKnownOutputValue("app_role_decisions", knownvalue.ListSizeExact(3)),
			},
		}},
	})
}

// Every case of the demo gets the decision it expects, and the demo shows each kind of decision.
func TestExampleDemoCases(t *testing.T) {
	f, err := os.Open("../../examples/cases/demo.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[evaluator.Decision]int{}
	lines := bufio.NewScanner(f)
	lines.Buffer(nil, 1<<20)
	for n := 1; lines.Scan(); n++ {
		c, err := evaluator.ParseCase(lines.Bytes())
		if err != nil {
			t.Errorf("line %d: %v", n, err)
			continue
		}
		if c.Expected == "" {
			t.Errorf("line %d (%s): no expected decision", n, c.ID)
		}
		res, err := evaluator.Authorize(&c.Policies, &c.Request, evaluator.Options{})
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		if res.Decision != c.Expected {
			t.Errorf("%s: got %s (%s), want %s", c.ID, res.Decision, res.Reason(), c.Expected)
		}
		seen[res.Decision]++
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []evaluator.Decision{evaluator.Allow, evaluator.ExplicitDeny, evaluator.ImplicitDeny} {
		if seen[d] == 0 {
			t.Errorf("the demo has no %s case", d)
		}
	}
}

// The provider example (the complete example of docs/index.md) runs as written: the decisions
// its comments promise, a check that holds, and the failure its comment promises once the
// boundary grants all of SQS.
func TestExampleProvider(t *testing.T) {
	raw, err := os.ReadFile("../../examples/provider/provider.tf")
	if err != nil {
		t.Fatal(err)
	}
	config := string(raw)
	const narrow = `"sqs:SendMessage", "sqs:ReceiveMessage"`
	if !strings.Contains(config, narrow) {
		t.Fatalf("the example's boundary no longer lists %s", narrow)
	}
	const evaluation, check = "data.iam_policy_evaluation.reports_app", "iam_access_check.reports_app"
	resource.ParallelTest(t, resource.TestCase{
		IsUnitTest:               true,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(evaluation, requestAttr(0, "decision"), knownvalue.StringExact("Allow")),
					statecheck.ExpectKnownValue(evaluation, requestAttr(1, "decision"), knownvalue.StringExact("ImplicitDeny")),
					statecheck.ExpectKnownValue(evaluation, requestAttr(1, "blocked_by"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("permissions_boundary")})),
					statecheck.ExpectKnownValue(check, tfjsonpath.New("passed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("decisions", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("s3:GetObject: Allow"),
						knownvalue.StringExact("sqs:DeleteQueue: ImplicitDeny"),
					})),
				},
			},
			{
				Config:      strings.Replace(config, narrow, `"sqs:*"`, 1),
				ExpectError: regexp.MustCompile(`sqs:DeleteQueue`),
			},
		},
	})
}
