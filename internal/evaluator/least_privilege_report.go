package evaluator

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iamguard/terraform-provider-iam/internal/catalog"
)

// Narrowing to an access report: given a principal's current policies (an AccessCheck in the
// access format) and the requests it made (for example exported from CloudTrail), the policy
// that allows only the reported requests its current policies allow, and the actions those
// policies allow that no reported request used.
//
// A reported request is decided as a require rule of the check is (RequireRequest, Authorize
// with the resource's policy): one the current policies deny is listed, never granted. The
// narrowed policy is LeastPrivilege of the allowed requests, with its proof; each of its
// actions is therefore an action the current policies allow. Each request's context becomes
// conditions of the narrowed policy, as for require: a report should carry only the keys the
// policy is to fix.

// ReportedRequest is one request of an access report, with the line it was read from.
type ReportedRequest struct {
	Line    int
	Request Request
}

// DeniedRequest is a reported request the current policies do not allow.
type DeniedRequest struct {
	Line    int
	Request Request // as evaluated: with the principal and the check's context
	Result  Result
}

// NarrowedAccess is the answer of NarrowToReport.
type NarrowedAccess struct {
	// Policy is nil when the current policies allow no reported request.
	Policy *LeastPrivilegePolicy
	// Used are the actions of the allowed requests, canonical and sorted.
	Used   []string
	Denied []DeniedRequest
}

// ParseReportedRequest reads one line of an access report: {"action", "resource", "context"},
// with the strict reader of checks ("resource" "*" for an action without resource types).
func ParseReportedRequest(line []byte) (Request, error) {
	r, root, err := readInputText(line, "object", InputLimits{})
	if err != nil {
		return Request{}, err
	}
	req, err := readActionRequest(r, root, "")
	if err != nil {
		return req, err
	}
	if req.Resource == "" {
		return req, r.errorAt(root, "resource", `missing or empty; expected the resource ARN, or "*" for an action without resource types`)
	}
	return req, nil
}

// NarrowToReport decides each reported request with the check's principal and policies and
// writes the least-privilege policy of those allowed.
func NarrowToReport(c *AccessCheck, reported []ReportedRequest, eval Options, opts LeastPrivilegeOptions) (*NarrowedAccess, error) {
	out := &NarrowedAccess{}
	var allowed []Request
	seen := map[string]bool{}
	used := map[string]bool{}
	for _, rr := range reported {
		act, ok := catalog.LookupAction(rr.Request.Action)
		if !ok {
			return nil, fmt.Errorf("line %d: action: %q is not an action of the catalogue (expected service:Action, such as s3:GetObject)", rr.Line, rr.Request.Action)
		}
		if msg := ResourcePatternProblem(rr.Request.Resource); msg != "" {
			return nil, fmt.Errorf("line %d: resource: %s", rr.Line, msg)
		}
		// A repeated request is decided and granted once.
		ctx, _ := json.Marshal(conditionsFor(rr.Request.Context))
		key := strings.ToLower(act.Name()) + "\x00" + rr.Request.Resource + "\x00" + string(ctx)
		if seen[key] {
			continue
		}
		seen[key] = true
		req := rr.Request
		req.Principal, req.ResourceAccount = c.Principal, c.ResourceAccount
		req.Context = mergeContexts(c.Context, rr.Request.Context)
		ps := c.Policies
		ps.Resource = ResourcePolicyFor(c.ResourcePolicies, req.Resource)
		res, err := Authorize(&ps, &req, eval)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", rr.Line, err)
		}
		if res.Decision != Allow {
			out.Denied = append(out.Denied, DeniedRequest{Line: rr.Line, Request: req, Result: res})
			continue
		}
		allowed = append(allowed, rr.Request)
		used[act.Name()] = true
	}
	out.Used = sortedKeys(used)
	if len(allowed) == 0 {
		return out, nil
	}
	lp, err := LeastPrivilege(allowed, opts)
	if err != nil {
		return nil, err
	}
	out.Policy = lp
	return out, nil
}
