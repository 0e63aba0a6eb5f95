package main

import "testing"

func TestRunsCommandLine(t *testing.T) {
	tests := []struct {
		args      []string
		terraform bool
		want      bool
	}{
		{nil, true, false}, // Terraform starting the provider
		{nil, false, true}, // a person running the binary: usage
		{[]string{"-debug"}, false, false},
		{[]string{"-debug=true"}, true, false},
		{[]string{"evaluate", "cases.jsonl"}, false, true},
		{[]string{"guard", "--plan", "plan.json"}, true, true},
		{[]string{"--help"}, false, true},
		{[]string{"-h"}, false, true},
		{[]string{"--version"}, false, true},
		{[]string{"-version"}, false, true},
	}
	for _, tt := range tests {
		if got := runsCommandLine(tt.args, tt.terraform); got != tt.want {
			t.Errorf("runsCommandLine(%q, launched by Terraform %v) = %v, want %v", tt.args, tt.terraform, got, tt.want)
		}
	}
}
