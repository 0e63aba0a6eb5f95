// Command cli-reference writes the command line reference page (the guide that tfplugindocs
// copies into docs/guides/) from the CLI's command table and flag sets: go generate
// ./internal/cli runs it.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/iamguard/terraform-provider-iam/internal/cli"
)

func main() {
	out := flag.String("out", "", "the file to write (templates/guides/cli-reference.md.tmpl)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		log.Fatal("usage: cli-reference -out FILE")
	}
	if err := os.WriteFile(*out, []byte(cli.Reference()), 0o644); err != nil {
		log.Fatal(err)
	}
}
