package provider

import (
	"bufio"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

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
