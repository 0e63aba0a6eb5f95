package cli

import (
	"flag"
	"strings"
)

// parseFlags parses a command's arguments with flags anywhere among them: before, between or
// after the file names (validate a.json --type TRUST b.json is validate --type TRUST a.json
// b.json). "--" ends the flags: what follows is an argument even if it starts with "-". A lone
// "-" is an argument (standard input). After it, fs.Args() are the arguments in their order.
//
// The flags are moved in front of the arguments and parsed once by the standard flag package,
// which keeps its spellings (-f, --f, -f=v, --f v) and its error messages. A flag takes the next
// argument as its value unless it is a boolean flag or has "=value".
func parseFlags(fs *flag.FlagSet, args []string) error {
	if c, ok := fs.Output().(*flagCapture); ok {
		c.fs = fs
	}
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if strings.Contains(name, "=") {
			continue
		}
		// An unknown flag is left to fs.Parse, which reports it.
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return fs.Parse(append(append(flags, "--"), positional...))
}

// positionalArgs parses args as parseFlags does and returns the arguments that are not flags;
// false when the flags do not parse (fs has reported why).
func positionalArgs(fs *flag.FlagSet, args []string) ([]string, bool) {
	if err := parseFlags(fs, args); err != nil {
		return nil, false
	}
	return fs.Args(), true
}

// isBoolFlag reports whether f is a flag that takes no value (-strict rather than -strict v),
// the test the flag package makes.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// failsNever reports whether a --fail-on value is the one that never fails: "none", the word of
// validate and of the data source's fail_on, or "never", the guard's earlier word, still
// accepted everywhere.
func failsNever(value string) bool {
	return strings.EqualFold(value, "none") || strings.EqualFold(value, "never")
}
