package guard

import (
	"encoding/json"
	"strings"

	ev "github.com/iamguard/terraform-provider-iam/internal/evaluator"
	"github.com/iamguard/terraform-provider-iam/internal/tfplan"
	"github.com/iamguard/terraform-provider-iam/internal/validate"
)

// resourcePolicy is a resource-based policy of the plan with the ARN patterns of the
// resources it governs. Where the plan does not know a part of the ARN (the region, a name
// known only after apply), the pattern has a wildcard there: the policy is then taken to
// govern every resource the target could be, which never hides access.
type resourcePolicy struct {
	model    *tfplan.ResourcePolicy
	Address  string
	Patterns []string
	Policy   *ev.Policy // nil when unknown or invalid
	Unknown  *unknownPart
}

// engine returns the policy as the engine takes it: one entry per pattern.
func (r *resourcePolicy) engine() []ev.ResourcePolicy {
	if r.Policy == nil {
		return nil
	}
	out := make([]ev.ResourcePolicy, len(r.Patterns))
	for i, p := range r.Patterns {
		out[i] = ev.ResourcePolicy{Pattern: p, Policy: r.Policy}
	}
	return out
}

func (g *guard) resourcePolicy(rp *tfplan.ResourcePolicy) *resourcePolicy {
	out := &resourcePolicy{model: rp, Address: rp.Document.Source.Address, Patterns: g.resourcePatterns(rp)}
	doc := rp.Document
	if rp.Kind == tfplan.KMSKey && !doc.JSON.Known && strings.HasPrefix(doc.JSON.Reason, "no policy is configured") {
		// AWS gives a key without a policy its default key policy, which delegates the key to
		// the account's IAM policies (kms/latest/developerguide/key-policy-default.html).
		doc.JSON = tfplan.KnownValue(`{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + g.account + `:root"},"Action":"kms:*","Resource":"*"}]}`)
		doc.Source.Attribute = "policy (AWS's default key policy)"
		pol, err := g.parse(doc.Source.String(), doc.JSON.Text)
		out.Policy = pol
		if err != nil {
			out.Unknown = &unknownPart{Address: doc.Source.Address, Attribute: "policy", Reason: err.Error()}
		}
		return out
	}
	if rp.Kind == tfplan.RestAPI && doc.JSON.Known {
		prefix := strings.TrimSuffix(out.Patterns[0], "/*")
		if text, ok := expandExecuteAPI(doc.JSON.Text, prefix); ok {
			doc.JSON = tfplan.KnownValue(text)
			doc.Source.Attribute += " (execute-api:/ expanded to " + prefix + "/)"
		}
	}
	out.Policy, out.Unknown = g.documentOf(doc, validate.ValidateOptions{Type: validate.PolicyTypeResource, ResourceType: validationResourceType[rp.Kind]})
	return out
}

// validationResourceType names each kind of resource policy as policy validation does (as
// CloudFormation writes the type), so that the checks fit the service.
var validationResourceType = map[tfplan.ResourceKind]string{
	tfplan.S3Bucket:       "AWS::S3::Bucket",
	tfplan.SQSQueue:       "AWS::SQS::Queue",
	tfplan.SNSTopic:       "AWS::SNS::Topic",
	tfplan.KMSKey:         "AWS::KMS::Key",
	tfplan.Secret:         "AWS::SecretsManager::Secret",
	tfplan.ECRRepository:  "AWS::ECR::Repository",
	tfplan.LambdaFunction: "AWS::Lambda::Function",
}

// resourcePatterns gives the ARN patterns of a resource policy's target.
func (g *guard) resourcePatterns(rp *tfplan.ResourcePolicy) []string {
	t := rp.Target
	acct := g.account
	if !g.accountKnown {
		// The account is a placeholder: the target may be in whatever account the plan deploys
		// into, so the pattern must not exclude any.
		acct = "*"
	}
	name := "*"
	if t.Name.Known && t.Name.Text != "" {
		name = t.Name.Text
	}
	arn := ""
	if t.ARN.Known && strings.HasPrefix(t.ARN.Text, "arn:") {
		arn = t.ARN.Text
	}
	id := ""
	if t.ID.Known {
		id = t.ID.Text
	}
	if arn == "" && strings.HasPrefix(id, "arn:") {
		arn = id
	}
	switch rp.Kind {
	case tfplan.S3Bucket:
		if name == "*" && id != "" {
			name = id
		}
		return []string{"arn:aws:s3:::" + name, "arn:aws:s3:::" + name + "/*"}
	case tfplan.SQSQueue:
		if arn != "" {
			return []string{arn}
		}
		if name == "*" && strings.HasPrefix(id, "https://") {
			// https://sqs.REGION.amazonaws.com/ACCOUNT/NAME
			parts := strings.Split(id, "/")
			if len(parts) >= 5 {
				acct, name = parts[len(parts)-2], parts[len(parts)-1]
			}
		}
		return []string{"arn:aws:sqs:*:" + acct + ":" + name}
	case tfplan.SNSTopic:
		if arn != "" {
			return []string{arn}
		}
		return []string{"arn:aws:sns:*:" + acct + ":" + name}
	case tfplan.KMSKey:
		if arn != "" {
			return []string{arn}
		}
		if id != "" {
			return []string{"arn:aws:kms:*:" + acct + ":key/" + id}
		}
		return []string{"arn:aws:kms:*:" + acct + ":key/*"}
	case tfplan.Secret:
		if arn != "" {
			return []string{arn}
		}
		if name != "*" {
			// Secrets Manager appends six random characters to the name in the ARN.
			return []string{"arn:aws:secretsmanager:*:" + acct + ":secret:" + name + "-??????"}
		}
		return []string{"arn:aws:secretsmanager:*:" + acct + ":secret:*"}
	case tfplan.ECRRepository:
		if arn != "" {
			return []string{arn}
		}
		if name == "*" && id != "" {
			name = id
		}
		return []string{"arn:aws:ecr:*:" + acct + ":repository/" + name}
	case tfplan.LambdaFunction:
		if arn == "" {
			if name == "*" && id != "" {
				name = id
			}
			arn = "arn:aws:lambda:*:" + acct + ":function:" + name
		}
		return []string{arn, arn + ":*"}
	case tfplan.SearchDomain:
		// arn:aws:es:REGION:ACCOUNT:domain/NAME; access policies name the domain and its paths.
		if arn == "" {
			arn = "arn:aws:es:*:" + acct + ":domain/" + name
		}
		return []string{arn, arn + "/*"}
	case tfplan.EFSFileSystem:
		if arn != "" {
			return []string{arn}
		}
		if name == "*" && id != "" {
			name = id
		}
		return []string{"arn:aws:elasticfilesystem:*:" + acct + ":file-system/" + name}
	case tfplan.RestAPI:
		// The policy governs arn:aws:execute-api:REGION:ACCOUNT:API-ID/STAGE/METHOD/PATH.
		api := "*"
		if id != "" && !strings.HasPrefix(id, "arn:") {
			api = id
		}
		return []string{"arn:aws:execute-api:*:" + acct + ":" + api + "/*"}
	case tfplan.GlacierVault:
		if arn != "" {
			return []string{arn}
		}
		return []string{"arn:aws:glacier:*:" + acct + ":vaults/" + name}
	}
	return []string{"*"}
}

// expandExecuteAPI rewrites the execute-api:/STAGE/METHOD/PATH shorthand of an API Gateway
// resource policy into the ARN that API Gateway stores for it (it expands the shorthand to
// arn:aws:execute-api:REGION:ACCOUNT:API-ID/... when the policy is saved; apigateway/latest/
// developerguide/apigateway-resource-policies-create-attach.html). Without it the statement
// would match no request and hide the access it grants. ok is false when nothing changed.
func expandExecuteAPI(text, prefix string) (string, bool) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return text, false
	}
	changed := false
	expand := func(v any) any {
		switch x := v.(type) {
		case string:
			if strings.HasPrefix(x, "execute-api:/") {
				changed = true
				return prefix + strings.TrimPrefix(x, "execute-api:")
			}
		case []any:
			for i, e := range x {
				if s, ok := e.(string); ok && strings.HasPrefix(s, "execute-api:/") {
					changed = true
					x[i] = prefix + strings.TrimPrefix(s, "execute-api:")
				}
			}
		}
		return v
	}
	statements, _ := doc["Statement"].([]any)
	if st, ok := doc["Statement"].(map[string]any); ok {
		statements = []any{st}
	}
	for _, e := range statements {
		st, ok := e.(map[string]any)
		if !ok {
			continue
		}
		for _, k := range []string{"Resource", "NotResource"} {
			if v, ok := st[k]; ok {
				st[k] = expand(v)
			}
		}
	}
	if !changed {
		return text, false
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return text, false
	}
	return string(out), true
}

// kindLabel names a resource kind in messages.
func kindLabel(k tfplan.ResourceKind) string {
	switch k {
	case tfplan.S3Bucket:
		return "S3 bucket"
	case tfplan.SQSQueue:
		return "SQS queue"
	case tfplan.SNSTopic:
		return "SNS topic"
	case tfplan.KMSKey:
		return "KMS key"
	case tfplan.Secret:
		return "secret"
	case tfplan.ECRRepository:
		return "ECR repository"
	case tfplan.LambdaFunction:
		return "Lambda function"
	case tfplan.SearchDomain:
		return "OpenSearch domain"
	case tfplan.EFSFileSystem:
		return "EFS file system"
	case tfplan.RestAPI:
		return "API Gateway REST API"
	case tfplan.GlacierVault:
		return "Glacier vault"
	}
	return string(k)
}

// targetLabel names the target of a resource policy.
func targetLabel(rp *tfplan.ResourcePolicy) string {
	t := rp.Target
	switch {
	case t.Name.Known && t.Name.Text != "":
		return kindLabel(rp.Kind) + " " + t.Name.Text
	case t.ID.Known:
		return kindLabel(rp.Kind) + " " + t.ID.Text
	case t.Address != "":
		return kindLabel(rp.Kind) + " " + t.Address
	}
	return kindLabel(rp.Kind)
}

// resourcePoliciesFor returns the world's resource policies reduced to the actions (cached).
func (w *world) resourcePoliciesFor(actions []string) []ev.ResourcePolicy {
	key := strings.Join(actions, ",")
	if l, ok := w.resourcePolicies[key]; ok {
		return l
	}
	l := w.g.reduceResources(w.allResourcePolicies(), w.g.actionSet(actions))
	w.resourcePolicies[key] = l
	return l
}

// allResourcePolicies returns every known resource policy of the world for the engine.
func (w *world) allResourcePolicies() []ev.ResourcePolicy {
	var out []ev.ResourcePolicy
	for _, r := range w.resources {
		out = append(out, r.engine()...)
	}
	return out
}
