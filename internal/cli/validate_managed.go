package cli

import (
	"io"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// managedARNs collects the values of validate's repeatable --managed flag.
type managedARNs []string

func (m *managedARNs) String() string { return strings.Join(*m, ",") }

func (m *managedARNs) Set(arn string) error {
	*m = append(*m, arn)
	return nil
}

// validateInput is one document validate checks: a file (or standard input), or an AWS managed
// policy of the embedded catalogue.
type validateInput struct {
	arg string
	// managed says that arg is the ARN of an AWS managed policy: given with --managed, or as
	// an argument that starts with "arn:" (a file of that name can be given as ./arn:...).
	managed bool
}

// validateInputs lists the --managed ARNs first, then the arguments in order.
func validateInputs(managed managedARNs, args []string) []validateInput {
	inputs := make([]validateInput, 0, len(managed)+len(args))
	for _, arn := range managed {
		inputs = append(inputs, validateInput{arg: arn, managed: true})
	}
	for _, a := range args {
		inputs = append(inputs, validateInput{arg: a, managed: strings.HasPrefix(a, "arn:")})
	}
	return inputs
}

// validateOne validates one input and returns its findings, the name to print and, for a file,
// its text (nil for an AWS managed policy). An AWS managed policy is validated as AWS's own with
// the same engine function as iam_policy_validation's policy_arn
// (validate.ValidateManagedPolicy): the rules that bind only customers' policies give warnings
// there, not errors.
func validateOne(in validateInput, opts validate.ValidateOptions, stdin io.Reader, maxPolicy int) ([]validate.Finding, string, []byte, error) {
	if in.managed {
		findings, err := validate.ValidateManagedPolicy(in.arg, opts)
		if err != nil {
			return nil, "", nil, err
		}
		return findings, in.arg, nil, nil
	}
	doc, name, err := readInput(in.arg, stdin, maxPolicy)
	if err != nil {
		return nil, "", nil, err
	}
	return validate.ValidatePolicy(doc, opts), name, doc, nil
}
