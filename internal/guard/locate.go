package guard

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// ConfigLocator returns a function that names the configuration file declaring a resource
// address, for SARIF's artifact locations. dir is the root module's directory; local module
// calls ("./modules/app") are followed through the plan's configuration section. The
// function returns "" where it does not know (remote modules, an address it cannot find).
func ConfigLocator(planJSON []byte, dir string) func(address string) string {
	var tp struct {
		Configuration *tfjson.Config `json:"configuration"`
	}
	if err := json.Unmarshal(planJSON, &tp); err != nil || tp.Configuration == nil || tp.Configuration.RootModule == nil {
		return func(string) string { return "" }
	}
	files := map[string]string{} // "module.a.module.b.aws_x.y" -> file
	var walk func(prefix, dir string, m *tfjson.ConfigModule, depth int)
	walk = func(prefix, dir string, m *tfjson.ConfigModule, depth int) {
		if m == nil || depth > maxRefDepth {
			return
		}
		declared := scanResources(dir)
		for _, r := range m.Resources {
			if r == nil {
				continue
			}
			key := r.Type + "." + r.Name
			if r.Mode == tfjson.DataResourceMode {
				key = "data." + key
			}
			if f, ok := declared[key]; ok {
				files[prefix+r.Address] = f
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
	walk("", dir, tp.Configuration.RootModule, 0)
	return func(address string) string {
		return files[stripInstanceKeys(address)]
	}
}

var resourceBlock = regexp.MustCompile(`(?m)^\s*(resource|data)\s+"([^"]+)"\s+"([^"]+)"`)

// scanResources maps "type.name" (and "data.type.name") to the .tf file of dir declaring it.
func scanResources(dir string) map[string]string {
	out := map[string]string{}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, m := range resourceBlock.FindAllStringSubmatch(string(text), -1) {
			key := m[2] + "." + m[3]
			if m[1] == "data" {
				key = "data." + key
			}
			out[key] = filepath.ToSlash(filepath.Clean(p))
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
