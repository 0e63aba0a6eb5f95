package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// outputs are the files generate writes into its output directory.
var outputs = []string{"actions.txt", "details.txt.gz", "managed-index.txt.gz", "managed-docs.gz", "version_gen.go"}

// TestGenerateIsDeterministicAndCommitted runs the generator twice into temporary directories
// and requires identical bytes, then requires the committed files to be those bytes (so the
// committed data is what the pinned packages give). CI has no npm step, so without
// node_modules the test is skipped.
func TestGenerateIsDeterministicAndCommitted(t *testing.T) {
	if _, err := os.Stat(filepath.Join("node_modules", "@cloud-copilot", "iam-data", "package.json")); err != nil {
		t.Skip("node_modules absent; run `npm ci` in tools/catalog-gen to enable this test")
	}
	var dirs [2]string
	for i := range dirs {
		dirs[i] = t.TempDir()
		if err := generate("node_modules", dirs[i], filepath.Join(dirs[i], "NOTICE")); err != nil {
			t.Fatal(err)
		}
	}
	committed := map[string]string{"NOTICE": filepath.Join("..", "..", "NOTICE")}
	for _, name := range outputs {
		committed[name] = filepath.Join("..", "..", "internal", "catalog", name)
	}
	for name, path := range committed {
		first, err := os.ReadFile(filepath.Join(dirs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		second, err := os.ReadFile(filepath.Join(dirs[1], name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Errorf("%s differs between two runs", name)
		}
		inTree, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, inTree) {
			t.Errorf("%s is not what the pinned packages generate; run go generate ./internal/catalog/...", path)
		}
	}
}

func TestReadGlobalKeysRejectsUnknownShapes(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"no table":      "exports.other = [];\n",
		"unknown field": "exports.globalConditionKeys = [\n    {\n        key: 'aws:X',\n        kind: 'String',\n    },\n];\n",
		"unknown type":  "exports.globalConditionKeys = [\n    {\n        key: 'aws:X',\n        type: 'Text',\n    },\n];\n",
		"unterminated":  "exports.globalConditionKeys = [\n    {\n        key: 'aws:X',\n        type: 'String',\n",
		"escape":        "exports.globalConditionKeys = [\n    {\n        key: 'aws:\\'X',\n        type: 'String',\n    },\n];\n",
	} {
		path := filepath.Join(dir, "keys.js")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readGlobalKeys(path); err == nil {
			t.Errorf("readGlobalKeys accepted %s", name)
		}
	}
	path := filepath.Join(dir, "ok.js")
	src := "exports.globalConditionKeys = [\n    {\n        key: 'aws:EpochTime',\n        category: 'x',\n        type: 'Date', //Can Also be Numeric...\n        description: ''\n    },\n];\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	keys, err := readGlobalKeys(path)
	if err != nil || len(keys) != 1 || keys[0].Key != "aws:EpochTime" || keys[0].Type != "Date|Numeric" {
		t.Errorf("readGlobalKeys = %+v, %v", keys, err)
	}
}
