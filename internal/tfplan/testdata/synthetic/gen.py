# Writes refs.json: a hand-made plan in the format of `terraform show -json` (format 1.2) for
# the cases the real plans of ../plans do not cover. It is NOT Terraform output (no AWS
# provider binary was at hand to plan it); refs.tf shows the configuration it stands for.
# Run: python3 gen.py
import json

POL = lambda *acts: json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(acts), "Resource": "*"}]}, separators=(",", ":"))
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}, separators=(",", ":"))

def res(addr, typ, name, values, mode="managed", index=None):
    r = {"address": addr, "mode": mode, "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": values, "sensitive_values": {}}
    if index is not None:
        r["index"] = index
    return r

def cfg(addr, typ, name, exprs, mode="managed", count=None):
    c = {"address": addr, "mode": mode, "type": typ, "name": name, "provider_config_key": "aws", "expressions": exprs, "schema_version": 0}
    if count is not None:
        c["count_expression"] = {"constant_value": count}
    return c

const = lambda v: {"constant_value": v}
refs = lambda *r: {"references": list(r)}

changes = []
def change(addr, typ, name, actions, after, unknown, mode="managed", index=None):
    c = {"address": addr, "mode": mode, "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": actions, "before": None, "after": after, "after_unknown": unknown, "before_sensitive": False, "after_sensitive": {}}}
    if index is not None:
        c["index"] = index
    changes.append(c)

# ---- planned values
root = []
def planned(addr, typ, name, values, unknown, actions=("create",), mode="managed", index=None):
    r = res(addr, typ, name, values, mode, index)
    change(addr, typ, name, list(actions), values, unknown, mode, index)
    return r

root.append(planned("aws_iam_policy.boundary", "aws_iam_policy", "boundary",
    {"name": "app-boundary", "path": "/", "policy": POL("s3:*", "sqs:*"), "tags": None},
    {"arn": True, "id": True, "tags_all": True}, actions=("no-op",)))
root[-1]["values"]["arn"] = "arn:aws:iam::111122223333:policy/app-boundary"
changes[-1]["change"]["after_unknown"] = {}
root.append(planned("aws_iam_role.ops", "aws_iam_role", "ops",
    {"name": "ops", "path": "/", "assume_role_policy": TRUST, "managed_policy_arns": [None, "arn:aws:iam::aws:policy/ReadOnlyAccess"], "tags": {"team": "ops"}},
    {"arn": True, "id": True, "managed_policy_arns": [True, False], "tags_all": True}, actions=("create",)))
root.append(planned("aws_iam_policy.extra_ops", "aws_iam_policy", "extra_ops",
    {"name": "extra-ops", "path": "/", "policy": POL("ec2:Describe*"), "tags": None},
    {"arn": True, "id": True, "tags_all": True}))
root.append(planned("aws_iam_role_policy.orphan", "aws_iam_role_policy", "orphan",
    {"name": "orphan", "policy": POL("s3:GetObject")}, {"id": True, "role": True}))
root.append(planned("aws_iam_policy_attachment.ops", "aws_iam_policy_attachment", "ops",
    {"name": "ops-readonly", "policy_arn": "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "roles": ["ops"], "groups": ["legacy-admins"], "users": None},
    {"id": True}))
root.append(planned("aws_s3_bucket.logs", "aws_s3_bucket", "logs", {"bucket": "acme-logs", "force_destroy": False},
    {"arn": True, "id": True, "policy": True}))
root.append(planned("aws_s3_bucket_policy.logs", "aws_s3_bucket_policy", "logs",
    {"bucket": "acme-logs", "policy": POL("s3:GetObject")}, {"id": True}))
root.append(planned("aws_ecr_repository.app", "aws_ecr_repository", "app", {"name": "app"}, {"arn": True, "id": True, "repository_url": True}))
root.append(planned("aws_ecr_repository_policy.app", "aws_ecr_repository_policy", "app",
    {"repository": "app", "policy": POL("ecr:BatchGetImage")}, {"id": True, "registry_id": True}))
root.append(planned("aws_lambda_function.fn", "aws_lambda_function", "fn", {"function_name": "worker", "role": None},
    {"arn": True, "id": True, "role": True, "qualified_arn": True}))
root.append(planned("aws_lambda_permission.s3", "aws_lambda_permission", "s3",
    {"action": "lambda:InvokeFunction", "function_name": "worker", "principal": "s3.amazonaws.com", "source_arn": "arn:aws:s3:::acme-logs",
     "source_account": "111122223333", "statement_id": "AllowS3", "qualifier": None, "event_source_token": None,
     "principal_org_id": None, "function_url_auth_type": None}, {"id": True, "statement_id_prefix": True}))
root.append(planned("aws_lambda_permission.url", "aws_lambda_permission", "url",
    {"action": "lambda:InvokeFunctionUrl", "function_name": "arn:aws:lambda:us-east-1:111122223333:function:worker", "principal": "*",
     "function_url_auth_type": "NONE", "qualifier": "live", "source_arn": None}, {"id": True, "statement_id": True, "statement_id_prefix": True}))
root.append(planned("aws_lambda_permission.queue", "aws_lambda_permission", "queue",
    {"action": "lambda:InvokeFunction", "function_name": "worker", "principal": "sqs.amazonaws.com"},
    {"id": True, "source_arn": True, "statement_id": True}))
root.append(planned("aws_kms_key.k", "aws_kms_key", "k", {"description": "with key policy resource"},
    {"arn": True, "id": True, "key_id": True, "policy": True}))
root.append(planned("aws_kms_key_policy.k", "aws_kms_key_policy", "k", {"policy": POL("kms:Decrypt")}, {"id": True, "key_id": True}))
root.append(planned("aws_kms_key.plain", "aws_kms_key", "plain", {"description": "default key policy"},
    {"arn": True, "id": True, "key_id": True, "policy": True}))
root.append(planned("aws_organizations_policy.tags", "aws_organizations_policy", "tags",
    {"name": "tags", "type": "TAG_POLICY", "content": "{}"}, {"arn": True, "id": True}))
root.append(planned("aws_organizations_policy_attachment.tags", "aws_organizations_policy_attachment", "tags",
    {"target_id": "r-ab12"}, {"id": True, "policy_id": True}))
SCP_VALUES = {"name": "deny-all", "type": "SERVICE_CONTROL_POLICY", "content": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, separators=(",", ":")),
     "id": "p-abc12345", "arn": "arn:aws:organizations::111122223333:policy/o-acme12345/service_control_policy/p-abc12345"}
root.append(planned("aws_organizations_policy.scp", "aws_organizations_policy", "scp",
    {"name": "deny-all", "type": "SERVICE_CONTROL_POLICY", "content": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, separators=(",", ":")),
     "id": "p-abc12345", "arn": "arn:aws:organizations::111122223333:policy/o-acme12345/service_control_policy/p-abc12345"}, {}, actions=("no-op",)))
root.append(planned("aws_organizations_policy_attachment.scp", "aws_organizations_policy_attachment", "scp",
    {"policy_id": "p-abc12345"}, {"id": True, "target_id": True}))
root.append(planned("aws_organizations_policy_attachment.foreign", "aws_organizations_policy_attachment", "foreign",
    {"policy_id": "p-zzz99999", "target_id": "111122223333"}, {"id": True}))

for i in range(2):
    root.append(planned(f"aws_iam_role.workers[{i}]", "aws_iam_role", "workers", {"name_prefix": "worker-", "path": "/", "assume_role_policy": TRUST},
                        {"arn": True, "id": True, "name": True, "inline_policy": True, "managed_policy_arns": True, "tags_all": True}, index=i))
root.append(planned("aws_iam_policy_attachment.workers", "aws_iam_policy_attachment", "workers",
    {"name": "workers-extra", "users": None, "groups": None}, {"id": True, "policy_arn": True, "roles": True}))
# A create_before_destroy replacement leaves a deposed object whose change is a delete.
change("aws_iam_role.ops", "aws_iam_role", "ops", ["delete"], None, {})
changes[-1]["deposed"] = "00000001"

platform = [
    planned("module.platform.aws_iam_role.seed", "aws_iam_role", "seed", {"name": "seed", "path": "/", "assume_role_policy": TRUST},
            {"arn": True, "id": True, "inline_policy": True, "managed_policy_arns": True, "tags_all": True}),
    planned("module.platform.data.aws_iam_policy_document.trust", "aws_iam_policy_document", "trust",
            {"statement": [{"actions": ["sts:AssumeRole"]}]}, {"id": True, "json": True, "minified_json": True}, actions=("read",), mode="data"),
]
team = [
    planned("module.platform.module.team.aws_iam_role.this", "aws_iam_role", "this", {"name": "team", "path": "/"},
            {"arn": True, "id": True, "assume_role_policy": True, "permissions_boundary": True, "inline_policy": True, "managed_policy_arns": True, "tags_all": True}),
]
for i in range(2):
    team.append(planned(f"module.platform.module.team.aws_iam_policy.extra[{i}]", "aws_iam_policy", "extra",
                        {"name": f"extra-{i}", "path": "/", "policy": POL(f"sqs:Action{i}")}, {"arn": True, "id": True, "tags_all": True}, index=i))
for i in range(2):
    team.append(planned(f"module.platform.module.team.aws_iam_role_policy_attachment.extra[{i}]", "aws_iam_role_policy_attachment", "extra",
                        {"role": "team"}, {"id": True, "policy_arn": True}, index=i))

planned_values = {"root_module": {"resources": root, "child_modules": [
    {"address": "module.platform", "resources": platform, "child_modules": [
        {"address": "module.platform.module.team", "resources": team}]}]}}

# ---- prior state: the boundary policy, the SCP and role "ops" exist already; a data source
# read during planning is recorded here only.
prior_root = [
    res("aws_iam_policy.boundary", "aws_iam_policy", "boundary", {"name": "app-boundary", "path": "/", "policy": POL("s3:*", "sqs:*"),
        "arn": "arn:aws:iam::111122223333:policy/app-boundary", "id": "arn:aws:iam::111122223333:policy/app-boundary", "tags": None, "tags_all": {}}),
    res("aws_iam_role.ops", "aws_iam_role", "ops", {"name": "ops", "path": "/", "assume_role_policy": TRUST, "arn": "arn:aws:iam::111122223333:role/ops",
        "managed_policy_arns": ["arn:aws:iam::111122223333:policy/app-boundary"],
        "inline_policy": [{"name": "written-outside", "policy": POL("iam:*")}], "tags": {"team": "ops"}, "tags_all": {"team": "ops", "env": "prod"}}),
    res("aws_iam_role_policy_attachment.ops_boundary", "aws_iam_role_policy_attachment", "ops_boundary",
        {"role": "ops", "policy_arn": "arn:aws:iam::111122223333:policy/app-boundary", "id": "ops-20260101"}),
    res("aws_organizations_policy.scp", "aws_organizations_policy", "scp", SCP_VALUES),
    res("aws_organizations_policy_attachment.scp", "aws_organizations_policy_attachment", "scp",
        {"policy_id": "p-abc12345", "target_id": "ou-ab12-old", "id": "ou-ab12-old:p-abc12345"}),
    res("data.aws_iam_policy_document.readonly", "aws_iam_policy_document", "readonly",
        {"json": POL("s3:GetObject"), "id": "1234"}, mode="data"),
]

configuration = {
    "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
    "root_module": {
        "resources": [
            cfg("aws_iam_policy.boundary", "aws_iam_policy", "boundary", {"name": const("app-boundary"), "policy": {}}),
            cfg("aws_iam_role.ops", "aws_iam_role", "ops", {"name": const("ops"), "assume_role_policy": {}, "tags": const({"team": "ops"}),
                "managed_policy_arns": refs("aws_iam_policy.extra_ops.arn", "aws_iam_policy.extra_ops")}),
            cfg("aws_iam_policy.extra_ops", "aws_iam_policy", "extra_ops", {"name": const("extra-ops"), "policy": {}}),
            cfg("aws_iam_role.workers", "aws_iam_role", "workers", {"name_prefix": const("worker-"), "assume_role_policy": {}}, count=2),
            cfg("aws_iam_policy_attachment.workers", "aws_iam_policy_attachment", "workers", {"name": const("workers-extra"),
                "policy_arn": refs("aws_iam_policy.extra_ops.arn", "aws_iam_policy.extra_ops"), "roles": refs("aws_iam_role.workers")}),
            cfg("aws_iam_role_policy.orphan", "aws_iam_role_policy", "orphan", {"name": const("orphan"), "policy": {}, "role": refs("local.role_name")}),
            cfg("aws_iam_policy_attachment.ops", "aws_iam_policy_attachment", "ops", {"name": const("ops-readonly"),
                "policy_arn": const("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"), "roles": refs("aws_iam_role.ops.name", "aws_iam_role.ops"),
                "groups": const(["legacy-admins"])}),
            cfg("aws_s3_bucket.logs", "aws_s3_bucket", "logs", {"bucket": const("acme-logs")}),
            cfg("aws_s3_bucket_policy.logs", "aws_s3_bucket_policy", "logs", {"bucket": const("acme-logs"),
                "policy": refs("data.aws_iam_policy_document.readonly.json", "data.aws_iam_policy_document.readonly")}),
            cfg("aws_ecr_repository.app", "aws_ecr_repository", "app", {"name": const("app")}),
            cfg("aws_ecr_repository_policy.app", "aws_ecr_repository_policy", "app", {"repository": refs("aws_ecr_repository.app.name", "aws_ecr_repository.app"), "policy": {}}),
            cfg("aws_lambda_function.fn", "aws_lambda_function", "fn", {"function_name": const("worker")}),
            cfg("aws_lambda_permission.s3", "aws_lambda_permission", "s3", {"action": const("lambda:InvokeFunction"),
                "function_name": refs("aws_lambda_function.fn.function_name", "aws_lambda_function.fn"), "principal": const("s3.amazonaws.com"),
                "source_arn": const("arn:aws:s3:::acme-logs"), "source_account": const("111122223333"), "statement_id": const("AllowS3")}),
            cfg("aws_lambda_permission.url", "aws_lambda_permission", "url", {"action": const("lambda:InvokeFunctionUrl"),
                "function_name": const("arn:aws:lambda:us-east-1:111122223333:function:worker"), "principal": const("*"),
                "function_url_auth_type": const("NONE"), "qualifier": const("live")}),
            cfg("aws_lambda_permission.queue", "aws_lambda_permission", "queue", {"action": const("lambda:InvokeFunction"),
                "function_name": refs("aws_lambda_function.fn.function_name", "aws_lambda_function.fn"), "principal": const("sqs.amazonaws.com"),
                "source_arn": refs("aws_sqs_queue.q.arn", "aws_sqs_queue.q")}),
            cfg("aws_kms_key.k", "aws_kms_key", "k", {"description": const("with key policy resource")}),
            cfg("aws_kms_key_policy.k", "aws_kms_key_policy", "k", {"key_id": refs("aws_kms_key.k.id", "aws_kms_key.k"), "policy": {}}),
            cfg("aws_kms_key.plain", "aws_kms_key", "plain", {"description": const("default key policy")}),
            cfg("aws_organizations_policy.tags", "aws_organizations_policy", "tags", {"name": const("tags"), "type": const("TAG_POLICY"), "content": const("{}")}),
            cfg("aws_organizations_policy_attachment.tags", "aws_organizations_policy_attachment", "tags",
                {"policy_id": refs("aws_organizations_policy.tags.id", "aws_organizations_policy.tags"), "target_id": const("r-ab12")}),
            cfg("aws_organizations_policy.scp", "aws_organizations_policy", "scp", {"name": const("deny-all"), "content": {}}),
            cfg("aws_organizations_policy_attachment.scp", "aws_organizations_policy_attachment", "scp",
                {"policy_id": refs("aws_organizations_policy.scp.id", "aws_organizations_policy.scp"),
                 "target_id": refs("aws_organizations_organizational_unit.workloads.id", "aws_organizations_organizational_unit.workloads")}),
            cfg("aws_organizations_policy_attachment.foreign", "aws_organizations_policy_attachment", "foreign",
                {"policy_id": const("p-zzz99999"), "target_id": const("111122223333")}),
            cfg("data.aws_iam_policy_document.readonly", "aws_iam_policy_document", "readonly", {}, mode="data"),
        ],
        "module_calls": {"platform": {"source": "./platform",
            "expressions": {"boundary_arn": refs("aws_iam_policy.boundary.arn", "aws_iam_policy.boundary")},
            "module": {
                "resources": [
                    cfg("aws_iam_role.seed", "aws_iam_role", "seed", {"name": const("seed"), "assume_role_policy": {}}),
                    cfg("data.aws_iam_policy_document.trust", "aws_iam_policy_document", "trust",
                        {"statement": [{"principals": [{"identifiers": refs("aws_iam_role.seed.arn", "aws_iam_role.seed")}]}]}, mode="data"),
                ],
                "variables": {"boundary_arn": {}},
                "module_calls": {"team": {"source": "./team",
                    "expressions": {"boundary": refs("var.boundary_arn"),
                                    "trust": refs("data.aws_iam_policy_document.trust.json", "data.aws_iam_policy_document.trust")},
                    "module": {
                        "resources": [
                            cfg("aws_iam_role.this", "aws_iam_role", "this", {"name": const("team"),
                                "assume_role_policy": refs("var.trust"), "permissions_boundary": refs("var.boundary")}),
                            cfg("aws_iam_policy.extra", "aws_iam_policy", "extra", {"name": {"references": ["count.index"]}, "policy": {}}, count=2),
                            cfg("aws_iam_role_policy_attachment.extra", "aws_iam_role_policy_attachment", "extra",
                                {"role": refs("aws_iam_role.this.name", "aws_iam_role.this"),
                                 "policy_arn": refs("aws_iam_policy.extra", "count.index")}, count=2),
                        ],
                        "variables": {"boundary": {}, "trust": {}}}}}}}},
    },
}

plan = {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": planned_values, "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {"resources": prior_root}}},
        "configuration": configuration, "some_future_field": {"x": [1, 2]}, "timestamp": "2026-11-28T10:00:00Z",
        "applyable": True, "complete": True, "errored": False}
with open("refs.json", "w") as f:
    json.dump(plan, f, indent=2)
    f.write("\n")
