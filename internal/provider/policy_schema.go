package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// This file is the one schema fragment of the policy inputs: the policies of an evaluation
// (identity policies, managed policy ARNs, resource policy, permissions boundary, session
// policy, SCP and RCP levels), the principal's tags and a request's context. Every data source
// and resource that takes one of them declares it here, so that its type and validators are
// the same everywhere and policies.go can convert it the same way. Only the description is the
// caller's: it names the caller or the principal, and says what leaving the attribute out means
// for that data source.

// inputShape is the Terraform type family of an input attribute.
type inputShape int

const (
	shapeString inputShape = iota
	shapeList
	shapeMap
)

// inputAttribute is one attribute of the fragment, independent of the schema package it ends up
// in: datasource/schema and resource/schema have distinct attribute types with the same fields.
// Every input attribute is optional.
type inputAttribute struct {
	shape       inputShape
	elem        attr.Type // of a list or map
	description string
	lists       []validator.List
	maps        []validator.Map
}

// dataSource is the attribute in a data source schema.
func (a inputAttribute) dataSource() dschema.Attribute {
	switch a.shape {
	case shapeList:
		return dschema.ListAttribute{MarkdownDescription: a.description, ElementType: a.elem, Optional: true, Validators: a.lists}
	case shapeMap:
		return dschema.MapAttribute{MarkdownDescription: a.description, ElementType: a.elem, Optional: true, Validators: a.maps}
	}
	return dschema.StringAttribute{MarkdownDescription: a.description, Optional: true}
}

// resource is the attribute in a resource schema.
func (a inputAttribute) resource() rschema.Attribute {
	switch a.shape {
	case shapeList:
		return rschema.ListAttribute{MarkdownDescription: a.description, ElementType: a.elem, Optional: true, Validators: a.lists}
	case shapeMap:
		return rschema.MapAttribute{MarkdownDescription: a.description, ElementType: a.elem, Optional: true, Validators: a.maps}
	}
	return rschema.StringAttribute{MarkdownDescription: a.description, Optional: true}
}

// policyDocumentsInput is a list of policies (identity_policies, managed_policy_arns): JSON
// documents or AWS managed policy ARNs, none null (a null policy left out would weaken what is
// decided). Whether an element is a document or an ARN is checked by policySet, which the
// provider functions share.
func policyDocumentsInput(description string) inputAttribute {
	return inputAttribute{shape: shapeList, elem: types.StringType, description: description,
		lists: []validator.List{listvalidator.NoNullValues()}}
}

// policyDocumentInput is one policy (resource_policy, permissions_boundary, session_policy): a
// JSON document, or the ARN of an AWS managed policy.
func policyDocumentInput(description string) inputAttribute {
	return inputAttribute{shape: shapeString, description: description}
}

// policyLevelsInput is scps or rcps: one non-empty list of policies per level of the
// organisation path. An empty level would deny every request, which no organisation has.
func policyLevelsInput(description string) inputAttribute {
	return inputAttribute{shape: shapeList, elem: types.ListType{ElemType: types.StringType}, description: description,
		lists: []validator.List{
			listvalidator.NoNullValues(),
			listvalidator.ValueListsAre(listvalidator.SizeAtLeast(1), listvalidator.NoNullValues()),
		}}
}

// resourcePoliciesInput is a map from resource ARN patterns to the resource policies that
// protect them.
func resourcePoliciesInput(description string) inputAttribute {
	return inputAttribute{shape: shapeMap, elem: types.StringType, description: description,
		maps: []validator.Map{mapvalidator.NoNullValues(), mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))}}
}

// principalTagsInput is all of a principal's tags; null means the tags are free.
func principalTagsInput(description string) inputAttribute {
	return inputAttribute{shape: shapeMap, elem: types.StringType, description: description,
		maps: []validator.Map{mapvalidator.NoNullValues()}}
}

// contextInput is a request's context: condition keys to lists of values.
func contextInput(description string) inputAttribute {
	return inputAttribute{shape: shapeMap, elem: types.ListType{ElemType: types.StringType}, description: description,
		maps: []validator.Map{
			mapvalidator.NoNullValues(),
			mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1)),
			mapvalidator.ValueListsAre(listvalidator.NoNullValues()),
		}}
}

// policyInputs names the policy inputs a schema declares, by their descriptions; an input
// whose description is empty is not declared. The attribute names are those policyAttributes
// reads.
type policyInputs struct {
	IdentityPolicies    string
	ManagedPolicyARNs   string
	ResourcePolicy      string
	PermissionsBoundary string
	SessionPolicy       string
	SCPs                string
	RCPs                string
}

func (p policyInputs) attributes() map[string]inputAttribute {
	out := map[string]inputAttribute{}
	add := func(name string, a inputAttribute) {
		if a.description != "" {
			out[name] = a
		}
	}
	add("identity_policies", policyDocumentsInput(p.IdentityPolicies))
	add("managed_policy_arns", policyDocumentsInput(p.ManagedPolicyARNs))
	add("resource_policy", policyDocumentInput(p.ResourcePolicy))
	add("permissions_boundary", policyDocumentInput(p.PermissionsBoundary))
	add("session_policy", policyDocumentInput(p.SessionPolicy))
	add("scps", policyLevelsInput(p.SCPs))
	add("rcps", policyLevelsInput(p.RCPs))
	return out
}

// addToDataSource declares the inputs in a data source's attributes.
func (p policyInputs) addToDataSource(attrs map[string]dschema.Attribute) map[string]dschema.Attribute {
	for name, a := range p.attributes() {
		attrs[name] = a.dataSource()
	}
	return attrs
}

// addToResource declares the inputs in a resource's (or a resource block's) attributes.
func (p policyInputs) addToResource(attrs map[string]rschema.Attribute) map[string]rschema.Attribute {
	for name, a := range p.attributes() {
		attrs[name] = a.resource()
	}
	return attrs
}
