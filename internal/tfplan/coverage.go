package tfplan

import (
	"sort"
	"strings"
)

// Coverage: resource types that carry access policies (or grant access another way) which the
// guard does not model. A plan that sets one is not fully checked; the guard lists each as a
// not-checked finding (a note by default; `finding "not-checked" { level = "fail" }` makes
// a plan that has one fail), so that nobody reads a pass as covering them.

// unmodelledTypes maps each such resource type of the AWS provider to the arguments that
// carry the policy or grant. The list was made from the provider's schemas (terraform
// providers schema -json, hashicorp/aws 5.100.0): every string argument that holds an access
// policy document, and the grant resources (KMS grants, S3 ACLs, Lake Formation
// permissions). Lifecycle, data-protection and delivery "policies" are not access policies
// and are left out.
var unmodelledTypes = map[string][]string{
	"aws_acmpca_policy":                                    {"policy"},
	"aws_backup_vault_policy":                              {"policy"},
	"aws_cloudsearch_domain_service_access_policy":         {"access_policy"},
	"aws_cloudwatch_event_bus_policy":                      {"policy"},
	"aws_cloudwatch_log_delivery_destination_policy":       {"delivery_destination_policy"},
	"aws_cloudwatch_log_destination_policy":                {"access_policy"},
	"aws_cloudwatch_log_resource_policy":                   {"policy_document"},
	"aws_codeartifact_domain_permissions_policy":           {"policy_document"},
	"aws_codeartifact_repository_permissions_policy":       {"policy_document"},
	"aws_codebuild_resource_policy":                        {"policy"},
	"aws_dynamodb_resource_policy":                         {"policy"},
	"aws_ecr_registry_policy":                              {"policy"},
	"aws_ecr_repository_creation_template":                 {"repository_policy"},
	"aws_ecrpublic_repository_policy":                      {"policy"},
	"aws_glacier_vault_lock":                               {"policy"},
	"aws_glue_resource_policy":                             {"policy"},
	"aws_iot_policy":                                       {"policy"},
	"aws_kinesis_resource_policy":                          {"policy"},
	"aws_kms_external_key":                                 {"policy"},
	"aws_kms_grant":                                        {"operations"},
	"aws_kms_replica_external_key":                         {"policy"},
	"aws_kms_replica_key":                                  {"policy"},
	"aws_lakeformation_permissions":                        {"permissions"},
	"aws_lambda_layer_version_permission":                  {"principal"},
	"aws_media_store_container_policy":                     {"policy"},
	"aws_msk_cluster_policy":                               {"policy"},
	"aws_networkfirewall_resource_policy":                  {"policy"},
	"aws_oam_sink_policy":                                  {"policy"},
	"aws_opensearchserverless_access_policy":               {"policy"},
	"aws_redshift_resource_policy":                         {"policy"},
	"aws_redshiftserverless_resource_policy":               {"policy"},
	"aws_rolesanywhere_profile":                            {"session_policy"},
	"aws_s3_access_point":                                  {"policy"},
	"aws_s3_bucket_acl":                                    {"acl", "access_control_policy"},
	"aws_s3control_access_grants_instance_resource_policy": {"policy"},
	"aws_s3control_access_point_policy":                    {"policy"},
	"aws_s3control_bucket_policy":                          {"policy"},
	"aws_s3control_multi_region_access_point_policy":       {"details"},
	"aws_s3control_object_lambda_access_point_policy":      {"policy"},
	"aws_s3tables_table_bucket_policy":                     {"resource_policy"},
	"aws_s3tables_table_policy":                            {"resource_policy"},
	"aws_sagemaker_model_package_group_policy":             {"resource_policy"},
	"aws_schemas_registry_policy":                          {"policy"},
	"aws_ses_identity_policy":                              {"policy"},
	"aws_sesv2_email_identity_policy":                      {"policy"},
	"aws_ssoadmin_permission_set_inline_policy":            {"inline_policy"},
	"aws_ssoadmin_managed_policy_attachment":               {"managed_policy_arn"},
	"aws_ssoadmin_customer_managed_policy_attachment":      {"customer_managed_policy_reference"},
	"aws_transfer_access":                                  {"policy"},
	"aws_transfer_user":                                    {"policy"},
	"aws_vpc_endpoint":                                     {"policy"},
	"aws_vpc_endpoint_policy":                              {"policy"},
	"aws_vpclattice_auth_policy":                           {"policy"},
	"aws_vpclattice_resource_policy":                       {"policy"},
	"aws_xray_resource_policy":                             {"policy_document"},
}

// NotChecked is a part of the plan that carries access the guard does not model.
type NotChecked struct {
	Source Source
	Type   string
}

// notChecked records the arguments of r that carry access the guard does not model: those of
// unmodelledTypes, and for the AWS Cloud Control provider (awscc_*) every argument whose name
// speaks of a policy.
func (b *builder) notChecked(r *resource) {
	var attrs []string
	if list, ok := unmodelledTypes[r.typ]; ok {
		attrs = list
	} else if strings.HasPrefix(r.typ, "awscc_") {
		names := map[string]bool{}
		for k := range r.values {
			names[k] = true
		}
		if r.config != nil {
			for k := range r.config.Expressions {
				names[k] = true
			}
		}
		for k := range names {
			if strings.Contains(strings.ToLower(k), "polic") {
				attrs = append(attrs, k)
			}
		}
		sort.Strings(attrs)
	}
	for _, a := range attrs {
		if b.configured(r, a) || (b.hasConfig() && r.unknownAt(a) && b.expression(r, a) != nil) {
			b.acct.NotChecked = append(b.acct.NotChecked, NotChecked{Source: Source{Address: r.addr, Attribute: a}, Type: r.typ})
		}
	}
}
