package cli

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestActionFailOnWords checks that the GitHub Action's fail-on input (action.yml) names exactly
// the documented words of guard --fail-on, no alias, and defaults to one of them: the action
// passes the input to the guard unchanged, so a word the vocabulary does not document would
// reach users only through the action.
func TestActionFailOnWords(t *testing.T) {
	action, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	description, def, found := actionInput(string(action), "fail-on")
	if !found {
		t.Fatal("action.yml has no fail-on input")
	}
	var named []string
	for _, m := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(description, -1) {
		named = append(named, m[1])
	}
	var documented []string
	for _, v := range failOnVocabulary {
		if v.guard != "" && !strings.HasPrefix(v.guard, "alias of") {
			documented = append(documented, v.value)
		}
	}
	sort.Strings(named)
	sort.Strings(documented)
	if strings.Join(named, " ") != strings.Join(documented, " ") {
		t.Errorf("the fail-on description names %q, the guard's documented words are %q\n(description: %s)", named, documented, description)
	}
	if def == "" || !strings.Contains(" "+strings.Join(documented, " ")+" ", " "+def+" ") {
		t.Errorf("the fail-on default %q is not a documented word of guard --fail-on %q", def, documented)
	}
}

// actionInput returns the description and the default of the input name of an action.yml,
// read line by line (the file is the project's own, in the plain block style): the keys
// indented under "  name:" up to the next line indented as little.
func actionInput(action, name string) (description, def string, found bool) {
	lines := strings.Split(action, "\n")
	for i, line := range lines {
		if line != "  "+name+":" {
			continue
		}
		for _, l := range lines[i+1:] {
			if !strings.HasPrefix(l, "    ") {
				break
			}
			key, value, _ := strings.Cut(strings.TrimSpace(l), ":")
			value = strings.Trim(strings.TrimSpace(value), `"`)
			switch key {
			case "description":
				description = value
			case "default":
				def = value
			}
		}
		return description, def, true
	}
	return "", "", false
}
