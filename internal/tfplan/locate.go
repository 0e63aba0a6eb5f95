package tfplan

import (
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	tfjson "github.com/hashicorp/terraform-json"
)

// ConfigPlace is where a resource is declared: the file (a path relative to the directory the
// guard ran in, with forward slashes) and the 1-based line and column of its block header. The
// zero value means unknown.
type ConfigPlace struct {
	File         string
	Line, Column int
}

// ConfigLocator returns a function that finds the block declaring a resource address, for
// SARIF's locations (GitHub annotates that line). dir is the root module's directory; local
// module calls ("./modules/app") are followed through the plan's configuration section. The
// configuration is read with HCL's own parsers, both syntaxes (.tf and .tf.json); instance keys
// of count and for_each (aws_iam_role.r[0], module.a["x"]) point at the one block. The function
// returns the zero ConfigPlace where it does not know (remote modules, a file that does not
// parse, an address it cannot find). It reads the configuration ReadPlan decoded: the plan JSON
// is not decoded again.
func (p *Plan) ConfigLocator(dir string) func(address string) ConfigPlace {
	if p.config == nil || p.config.RootModule == nil {
		return func(string) ConfigPlace { return ConfigPlace{} }
	}
	places := map[string]ConfigPlace{} // "module.a.module.b.aws_x.y" -> place
	var walk func(prefix, dir string, m *moduleConfig, depth int)
	walk = func(prefix, dir string, m *moduleConfig, depth int) {
		if m == nil || depth > maxRefDepth {
			return
		}
		declared := scanResources(dir)
		for _, r := range m.Resources {
			if r == nil {
				continue
			}
			key := r.Type + "." + r.Name
			if r.Mode == string(tfjson.DataResourceMode) {
				key = "data." + key
			}
			if p, ok := declared[key]; ok {
				places[prefix+r.Address] = p
			}
		}
		for name, call := range m.ModuleCalls {
			local := call != nil && (strings.HasPrefix(call.Source, "./") || strings.HasPrefix(call.Source, "../"))
			if !local {
				continue
			}
			walk(prefix+"module."+name+".", filepath.Join(dir, call.Source), call.Module, depth+1)
		}
	}
	walk("", dir, p.config.RootModule, 0)
	return func(address string) ConfigPlace {
		return places[stripInstanceKeys(address)]
	}
}

// resourceBlocks is the part of a Terraform module's schema the locator reads.
var resourceBlocks = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
}}

// scanResources maps "type.name" (and "data.type.name") to the block of dir's .tf or .tf.json
// files declaring it. Files that do not parse are skipped (Terraform itself would have refused
// them; the plan came from somewhere, so they may simply not be these files).
func scanResources(dir string) map[string]ConfigPlace {
	out := map[string]ConfigPlace{}
	parser := hclparse.NewParser()
	for _, pattern := range []string{"*.tf", "*.tf.json"} {
		paths, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, p := range paths {
			var file *hcl.File
			var diags hcl.Diagnostics
			if strings.HasSuffix(p, ".json") {
				file, diags = parser.ParseJSONFile(p)
			} else {
				file, diags = parser.ParseHCLFile(p)
			}
			if diags.HasErrors() || file == nil {
				continue
			}
			content, _, _ := file.Body.PartialContent(resourceBlocks)
			if content == nil {
				continue
			}
			for _, b := range content.Blocks {
				if len(b.Labels) != 2 {
					continue
				}
				key := b.Labels[0] + "." + b.Labels[1]
				if b.Type == "data" {
					key = "data." + key
				}
				start := b.DefRange.Start
				out[key] = ConfigPlace{File: filepath.ToSlash(filepath.Clean(p)), Line: start.Line, Column: start.Column}
			}
		}
	}
	return out
}

// stripInstanceKeys turns module.a["x"].aws_x.y[0] into module.a.aws_x.y.
func stripInstanceKeys(address string) string {
	var b strings.Builder
	depth := 0
	inString := false
	for i := 0; i < len(address); i++ {
		c := address[i]
		switch {
		case inString && c == '\\':
			i++ // skip the escaped character
		case inString:
			inString = c != '"'
		case c == '"' && depth > 0:
			inString = true
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}
