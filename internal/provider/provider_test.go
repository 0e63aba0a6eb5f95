package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// testAccProtoV6ProviderFactories starts the provider in the test process for each Terraform
// command of an acceptance test, so tests need no installed provider binary.
//
// Every acceptance test of the package runs with resource.ParallelTest and IsUnitTest: the
// provider keeps no state (no configuration, no client; the engine's caches are safe for
// concurrent use), each test case has its own working directory and state, and nothing else
// is shared (no environment variables, files or AWS resources), so the cases run side by side
// (go test's -parallel, GOMAXPROCS by default), and without TF_ACC since they need no network.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"iam": providerserver.NewProtocol6WithError(New("test")()),
}
