package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// testAccProtoV6ProviderFactories starts the provider in the test process for each Terraform
// command of an acceptance test, so tests need no installed provider binary.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"iam": providerserver.NewProtocol6WithError(New("test")()),
}
