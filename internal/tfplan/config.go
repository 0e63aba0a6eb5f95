package tfplan

import "encoding/json"

// The plan's configuration section, as far as the model reads it: the modules, their
// resources, module calls and outputs, the providers' expressions, and of each expression the
// references and nested blocks. The field names are terraform-json's (tfjson.Config and the
// types under it), whose format `terraform show -json` documents; these types are our own so
// that each expression is decoded once and its constant value not at all:
// tfjson.Expression.UnmarshalJSON decodes every expression twice (as a list of nested blocks
// first, then as an object) and builds its constant_value, which the model never reads.
// Arguments the model does not read (count and for_each expressions, provisioners,
// variables, ...) are skipped, as are fields a later Terraform adds.

// configuration is the plan's configuration section.
type configuration struct {
	ProviderConfigs map[string]*providerConfig `json:"provider_config"`
	RootModule      *moduleConfig              `json:"root_module"`
}

// providerConfig is one provider configuration of any module.
type providerConfig struct {
	Name        string                 `json:"name"`
	Expressions map[string]*expression `json:"expressions"`
}

// moduleConfig is the configuration of one module.
type moduleConfig struct {
	Outputs     map[string]*outputConfig `json:"outputs"`
	Resources   []*resourceConfig        `json:"resources"`
	ModuleCalls map[string]*moduleCall   `json:"module_calls"`
}

// outputConfig is an output of a module.
type outputConfig struct {
	Expression *expression `json:"expression"`
}

// resourceConfig is the configuration block of a resource or data source.
type resourceConfig struct {
	Address     string                 `json:"address"` // relative to its module
	Mode        string                 `json:"mode"`    // "managed" or "data"
	Type        string                 `json:"type"`
	Name        string                 `json:"name"`
	Expressions map[string]*expression `json:"expressions"`
}

// moduleCall is a module block: its source, its arguments and the called module.
type moduleCall struct {
	Source      string                 `json:"source"`
	Expressions map[string]*expression `json:"expressions"`
	Module      *moduleConfig          `json:"module"`
}

// expression is the configuration of one argument: the references it makes, or for a nested
// block argument, the arguments of each block.
type expression struct {
	References   []string
	NestedBlocks []map[string]*expression
}

// UnmarshalJSON decodes an expression: an array is a list of nested blocks, anything else an
// expression object ({"constant_value": ..., "references": [...]}), decoded without its
// constant value. The decoder hands over the value's own bytes, so b[0] is its first byte.
func (e *expression) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &e.NestedBlocks)
	}
	var obj struct {
		References []string `json:"references"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	e.References = obj.References
	return nil
}
