package tfplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Plan is a Terraform plan read from `terraform show -json` output, with the account model
// built from its prior state and from its planned values.
type Plan struct {
	// Name is the file name (or the name given to ReadPlan) that errors and findings cite.
	Name             string
	FormatVersion    string
	TerraformVersion string
	// Complete is false when Terraform deferred changes or planned with -target: the planned
	// account then lacks what the plan left out.
	Complete bool
	// Errored is true when Terraform could not finish the plan.
	Errored bool
	// HasConfiguration is false for a plan without its configuration section: values known
	// only after apply cannot then be traced to the resources that the configuration names.
	HasConfiguration bool

	prior   *Account
	planned *Account
	actions map[string][]string
	config  *configuration // the configuration section, for ConfigLocator; nil without one
}

// Prior returns the account as the prior state leaves it. A plan without prior state (every
// resource is new) gives an empty account, never nil.
func (p *Plan) Prior() *Account { return p.prior }

// Planned returns the account as the plan leaves it.
func (p *Plan) Planned() *Account { return p.planned }

// Actions returns the actions the plan takes on the resource at address ("create", "update",
// "delete", "read", "no-op"), or nil when the plan has no change record for it.
func (p *Plan) Actions(address string) []string { return p.actions[address] }

// LoadPlan reads the plan JSON file at path.
func LoadPlan(path string) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadPlan(f, path)
}

// ReadPlan reads plan JSON (`terraform show -json PLANFILE`) from r; name labels errors.
func ReadPlan(r io.Reader, name string) (*Plan, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: reading plan: %w", name, err)
	}
	return ParsePlan(data, name)
}

// ParsePlan reads plan JSON that the caller holds already, without copying it; name labels
// errors. The plan keeps no reference to data.
func ParsePlan(data []byte, name string) (*Plan, error) {
	tp, err := decodePlan(data, name)
	if err != nil {
		return nil, err
	}
	cfg := tp.Config
	p := &Plan{
		Name:             name,
		FormatVersion:    tp.formatVersion,
		TerraformVersion: tp.TerraformVersion,
		Complete:         tp.Complete == nil || *tp.Complete,
		Errored:          tp.Errored,
		HasConfiguration: cfg != nil && cfg.RootModule != nil,
		config:           cfg,
		actions:          make(map[string][]string),
	}
	unknowns := make(map[string]any)
	for i, rc := range tp.ResourceChanges {
		if rc == nil || rc.Change == nil {
			return nil, fmt.Errorf("%s: resource_changes[%d]: change is missing", name, i)
		}
		if rc.DeposedKey != "" {
			continue // the change destroys a deposed object; the current object has its own entry
		}
		acts := make([]string, len(rc.Change.Actions))
		for j, a := range rc.Change.Actions {
			acts[j] = string(a)
		}
		p.actions[rc.Address] = acts
		if rc.Change.AfterUnknown != nil {
			unknowns[rc.Address] = rc.Change.AfterUnknown
		}
	}

	var priorRoot, plannedRoot *tfjson.StateModule
	if tp.PriorState != nil && tp.PriorState.Values != nil {
		priorRoot = tp.PriorState.Values.RootModule
	}
	if tp.PlannedValues != nil {
		plannedRoot = tp.PlannedValues.RootModule
	}

	prior := newBuilder(name, "prior_state", cfg)
	prior.collect(priorRoot, nil)
	if p.prior, err = prior.build(); err != nil {
		return nil, err
	}
	planned := newBuilder(name, "planned_values", cfg)
	planned.collect(plannedRoot, unknowns)
	planned.addPriorData(prior)
	planned.prior = prior
	if p.planned, err = planned.build(); err != nil {
		return nil, err
	}
	return p, nil
}

// planJSON is what the guard reads of a plan, decoded in one pass: the fields of tfjson.Plan
// that it uses, and "errored" and "values", which tfjson.Plan does not have. (tfjson.Plan's
// own decoding decodes the whole plan a second time, to check its version; the configuration
// section has types of our own, see configuration.)
type planJSON struct {
	Errored          bool                     `json:"errored"`
	FormatVersion    json.RawMessage          `json:"format_version"`
	TerraformVersion string                   `json:"terraform_version"`
	PlannedValues    *tfjson.StateValues      `json:"planned_values"`
	ResourceChanges  []*tfjson.ResourceChange `json:"resource_changes"`
	Complete         *bool                    `json:"complete"`
	PriorState       *priorStateJSON          `json:"prior_state"`
	Config           *configuration           `json:"configuration"`
	// Values is the state's own field: a state given as a plan has it.
	Values json.RawMessage `json:"values"`

	formatVersion string // FormatVersion read as a string, by check
}

// priorStateJSON is the prior state of a plan, decoded with the plan (tfjson.State's own
// decoding decodes it a second time, to check its version: check does that on the fields).
type priorStateJSON struct {
	FormatVersion    string              `json:"format_version"`
	TerraformVersion string              `json:"terraform_version"`
	Values           *tfjson.StateValues `json:"values"`
}

// decodePlan decodes plan JSON once and checks that it is a plan of format 1.x. It decodes
// data in place with json.Unmarshal: a json.Decoder would first copy the whole plan into its
// own buffer. json.Unmarshal refuses data after the plan's object; when the decode fails, the
// header alone is read again (checkHeader) to say what is wrong as precisely as before a full
// decode: where the JSON syntax breaks, where extra data starts, or that the input is not a
// plan at all.
func decodePlan(data []byte, name string) (*planJSON, error) {
	var tp planJSON
	if err := json.Unmarshal(data, &tp); err != nil {
		if herr := checkHeader(data, name); herr != nil {
			return nil, herr
		}
		return nil, jsonError(data, name, err)
	}
	if err := tp.check(name); err != nil {
		return nil, err
	}
	return &tp, nil
}

// trailingData reports data after the JSON value that ends at end: where the extra data
// starts, not where the decoder stopped reading it.
func trailingData(data []byte, end int64, name string) error {
	extra := end + int64(len(data[end:])-len(bytes.TrimLeft(data[end:], " \t\r\n")))
	if extra < int64(len(data)) {
		return fmt.Errorf("%s: %s: unexpected data after the plan's JSON object", name, position(data, extra))
	}
	return nil
}

// check refuses what is not a plan of format 1.x (a state, a plan of another format), and a
// prior state that tfjson.State would refuse.
func (tp *planJSON) check(name string) error {
	// `terraform show -json` without a plan file prints the state: format_version and values,
	// no planned_values. Read as a plan, it would be an empty one that passes every check.
	notPlan := tp.PlannedValues == nil && tp.ResourceChanges == nil
	if notPlan && !isNull(tp.Values) {
		return fmt.Errorf("%s: this is a Terraform state, not a plan (run terraform show -json PLANFILE on a plan saved with terraform plan -out=PLANFILE)", name)
	}
	if isNull(tp.FormatVersion) {
		return fmt.Errorf("%s: format_version is missing: expected the JSON output of `terraform show -json PLANFILE`", name)
	}
	if err := json.Unmarshal(tp.FormatVersion, &tp.formatVersion); err != nil {
		return fmt.Errorf("%s: format_version: expected a string such as \"1.2\", found %s", name, tp.FormatVersion)
	}
	major, _, _ := strings.Cut(tp.formatVersion, ".")
	if major != "1" {
		return fmt.Errorf("%s: plan format_version %q is not supported: this guard reads plan format 1.x (Terraform 1.0 and later)", name, tp.formatVersion)
	}
	if notPlan {
		// Terraform writes planned_values in every plan, an empty one included.
		return fmt.Errorf("%s: not a plan: it has neither planned_values nor resource_changes (run terraform show -json PLANFILE)", name)
	}
	if err := (&tfjson.Plan{FormatVersion: tp.formatVersion}).Validate(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if ps := tp.PriorState; ps != nil {
		if err := (&tfjson.State{FormatVersion: ps.FormatVersion}).Validate(); err != nil {
			return fmt.Errorf("%s: prior_state: %w", name, err)
		}
	}
	return nil
}

// checkHeader reads the plan's header alone, after a failed decode, for the clearest error:
// JSON syntax errors with their place, a value that is not an object, extra data, and what is
// not a plan of format 1.x. It returns nil when the header is fine (the error is then the full
// decode's).
func checkHeader(data []byte, name string) error {
	var head struct {
		FormatVersion   json.RawMessage `json:"format_version"`
		PlannedValues   json.RawMessage `json:"planned_values"`
		ResourceChanges json.RawMessage `json:"resource_changes"`
		Values          json.RawMessage `json:"values"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&head); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: empty input: expected the JSON output of `terraform show -json PLANFILE`", name)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "" {
			return fmt.Errorf("%s: %s: expected a JSON object (a Terraform plan), found %s", name, position(data, te.Offset-1), te.Value)
		}
		return jsonError(data, name, err)
	}
	if err := trailingData(data, dec.InputOffset(), name); err != nil {
		return err
	}
	tp := planJSON{FormatVersion: head.FormatVersion, Values: head.Values}
	if !isNull(head.PlannedValues) {
		tp.PlannedValues = &tfjson.StateValues{}
	}
	if !isNull(head.ResourceChanges) {
		tp.ResourceChanges = []*tfjson.ResourceChange{}
	}
	return tp.check(name)
}

// isNull reports whether a raw JSON field is absent or null.
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// jsonError turns a decoding error into one that names the file and the place.
func jsonError(data []byte, name string, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s: %s: invalid JSON: %v", name, position(data, se.Offset-1), err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "(top level)"
		}
		return fmt.Errorf("%s: %s: field %s: expected %s, found JSON %s", name, position(data, te.Offset-1), field, te.Type, te.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: %s: invalid JSON: unexpected end of input", name, position(data, int64(len(data))))
	}
	return fmt.Errorf("%s: %w", name, err)
}

// position describes a byte offset as "line L, column C (byte offset B)"; lines and columns
// are 1-based, columns count bytes, the offset counts from 0.
func position(data []byte, offset int64) string {
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d (byte offset %d)", line, col, offset)
}
