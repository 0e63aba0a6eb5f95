// Package sarif writes SARIF 2.1.0 logs (the OASIS Static Analysis Results Interchange Format),
// the format GitHub code scanning and other CI systems read to annotate pull requests. It holds
// the part of the format that the guard, validate and check write: one run of one tool, its
// rules, and results located in files (with a region) or logically (a resource address).
package sarif

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"
)

// Version and SchemaURI name the format version that Write produces.
const (
	Version   = "2.1.0"
	SchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
)

// Levels of a result and of a rule's default configuration (SARIF 2.1.0 section 3.27.10).
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelNote    = "note"
)

// Log is a SARIF log.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one run of a tool.
type Run struct {
	Tool    Tool     `json:"tool"`
	Results []Result `json:"results"`
	// Properties carry facts of the run as a whole (the version of the AWS data).
	Properties map[string]any `json:"properties,omitempty"`
}

// Tool is the tool that made the run.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver is the tool's main component, with every rule a result may name.
type Driver struct {
	Name           string `json:"name"`
	InformationURI string `json:"informationUri,omitempty"`
	Version        string `json:"version,omitempty"`
	Rules          []Rule `json:"rules"`
}

// Rule describes one kind of result.
type Rule struct {
	ID               string   `json:"id"`
	ShortDescription Message  `json:"shortDescription"`
	Help             *Message `json:"help,omitempty"`
	HelpURI          string   `json:"helpUri,omitempty"`
	// DefaultConfiguration gives the level of the rule's results.
	DefaultConfiguration Configuration   `json:"defaultConfiguration"`
	Properties           *RuleProperties `json:"properties,omitempty"`
}

// RuleProperties are the properties of a rule that GitHub code scanning reads.
type RuleProperties struct {
	// SecuritySeverity is the 0-10 score code scanning ranks security alerts by (9 and over
	// critical, 7 to 8.9 high, 4 to 6.9 medium, below 4 low), written as a string.
	SecuritySeverity string `json:"security-severity,omitempty"`
	// Tags classify the rule; "security" makes code scanning show its results as security
	// alerts with the severity above.
	Tags []string `json:"tags,omitempty"`
}

// SecurityProperties are the properties of a security rule with the given score.
func SecurityProperties(score string) *RuleProperties {
	return &RuleProperties{SecuritySeverity: score, Tags: []string{"security"}}
}

// Configuration is a rule's default configuration.
type Configuration struct {
	Level string `json:"level"`
}

// Message is a plain-text message.
type Message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

// Result is one finding.
type Result struct {
	RuleID    string     `json:"ruleId"`
	RuleIndex int        `json:"ruleIndex"`
	Level     string     `json:"level"`
	Message   Message    `json:"message"`
	Locations []Location `json:"locations"`
	// PartialFingerprints keep a finding's identity across runs, so code scanning does not
	// report it as new each time.
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	// Suppressions mark waived and baselined findings (SARIF 2.1.0 section 3.35).
	Suppressions []Suppression  `json:"suppressions,omitempty"`
	Properties   map[string]any `json:"properties,omitempty"`
}

// Suppression says why a result does not count.
type Suppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

// Location places a result in a file, logically (a resource address), or both.
type Location struct {
	PhysicalLocation *PhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []LogicalLocation `json:"logicalLocations,omitempty"`
}

// PhysicalLocation is a file and, where known, the region of it.
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           *Region          `json:"region,omitempty"`
}

// ArtifactLocation names a file by its URI: relative to the directory the tool ran in, which
// code scanning resolves against the repository's root.
type ArtifactLocation struct {
	URI string `json:"uri"`
}

// Region is a place in a file: 1-based line and column. SARIF's default column unit is the
// UTF-16 code unit; the tools of this project count bytes, which is the same for ASCII text.
type Region struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// LogicalLocation names what is at fault by name (a resource address, a check's id).
type LogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind,omitempty"`
}

// NewLog returns a log with one run of driver and no results.
func NewLog(driver Driver) *Log {
	return &Log{Schema: SchemaURI, Version: Version, Runs: []Run{{Tool: Tool{Driver: driver}, Results: []Result{}}}}
}

// Run returns the log's one run.
func (l *Log) Run() *Run { return &l.Runs[0] }

// RuleIndex returns the index of the rule id among the driver's rules, and false when the
// driver has no such rule.
func (r *Run) RuleIndex(id string) (int, bool) {
	for i, rule := range r.Tool.Driver.Rules {
		if rule.ID == id {
			return i, true
		}
	}
	return 0, false
}

// Write writes the log as indented JSON.
func (l *Log) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(l)
}

// FileURI turns a file name as the user gave it into an artifact URI: a relative path stays
// relative (with forward slashes, each segment percent-encoded), an absolute one becomes a
// file:// URI. It returns "" for a name that is no file (standard input, "<stdin>").
func FileURI(name string) string {
	if name == "" || name == "-" || strings.HasPrefix(name, "<") {
		return ""
	}
	slashed := filepath.ToSlash(name)
	if filepath.IsAbs(name) {
		return (&url.URL{Scheme: "file", Path: slashed}).String()
	}
	segments := strings.Split(slashed, "/")
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	return strings.Join(segments, "/")
}
