// Command terraform-provider-iam is the iam Terraform provider. Run by Terraform (no arguments,
// or flags such as -debug) it serves the provider over the plugin protocol; given a subcommand
// (terraform-provider-iam evaluate cases.jsonl) it runs the command line instead.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/iamguard/terraform-provider-iam/internal/cli"
	"github.com/iamguard/terraform-provider-iam/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if runsCommandLine(os.Args[1:], os.Getenv(pluginCookieKey) != "") {
		os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, version))
	}

	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	opts := providerserver.ServeOpts{
		Address: "registry.terraform.io/iamguard/iam",
		Debug:   debug,
		// ProtocolVersion left at its default, 6 (Terraform 1.0 and later).
	}
	if err := providerserver.Serve(context.Background(), provider.New(version), opts); err != nil {
		log.Fatal(err.Error())
	}
}

// pluginCookieKey is the variable of the go-plugin handshake that Terraform sets when it starts a
// provider (the MagicCookieKey of terraform-plugin-go's tf5server and tf6server).
const pluginCookieKey = "TF_PLUGIN_MAGIC_COOKIE"

// runsCommandLine reports whether the arguments ask for the command line rather than the plugin
// server. Terraform starts providers with no arguments and the handshake variable set, and
// people start them with -debug, so any first argument that is not a flag is a subcommand; the
// help and version flags go to the command line too. With no arguments and no handshake, a
// person ran the binary: the command line's usage names the subcommands.
func runsCommandLine(args []string, launchedByTerraform bool) bool {
	if len(args) == 0 {
		return !launchedByTerraform
	}
	switch args[0] {
	case "-h", "-help", "--help", "--h", "-v", "-version", "--version":
		return true
	}
	return !strings.HasPrefix(args[0], "-")
}
