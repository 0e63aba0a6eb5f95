package evaluator

import "testing"

// benchRequired is a job's required requests: every s3:GetObject* action on a prefix, two writes
// and a queue with a VPC condition.
func benchRequired() []Request {
	required := requestsOn("arn:aws:s3:::data/*", catalogueActions("s3:GetObject*")...)
	required = append(required, requestsOn("arn:aws:s3:::out/*", "s3:PutObject", "s3:DeleteObject")...)
	var vpc Context
	vpc.Set("aws:SourceVpc", "vpc-1")
	return append(required, Request{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-1:111122223333:jobs", Context: vpc})
}

// BenchmarkLeastPrivilege writes and proves the policy (Authorize per request, Effective over
// every action), with and without wildcards.
func BenchmarkLeastPrivilege(b *testing.B) {
	required := benchRequired()
	for _, bc := range []struct {
		name string
		opts LeastPrivilegeOptions
	}{{"exact", LeastPrivilegeOptions{}}, {"wildcards", LeastPrivilegeOptions{AllowWildcards: true}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := LeastPrivilege(required, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCollapseActions is the collapse with its proof over the catalogue alone, in the
// largest service: every ec2:Describe* action, and three more.
func BenchmarkCollapseActions(b *testing.B) {
	actions := append(catalogueActions("ec2:Describe*"), "ec2:RunInstances", "ec2:StartInstances", "ec2:StopInstances")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p := collapseActions(actions)
		if err := checkActionPatterns(p, actions); err != nil {
			b.Fatal(err)
		}
	}
}
