# Writes role.json, user.json and group.json: hand-made plans in the format of
# `terraform show -json` (format 1.2) for the inline policy quotas (quota_test.go). They are
# NOT Terraform output. Each plan gives three principals inline policies whose sizes without
# white space add up to one character below the quota of their kind, exactly the quota, and
# one character above it. The documents are indented, so that with their white space every
# total is over the quota: only the characters that IAM counts decide.
# Run: python3 gen.py
import json

QUOTAS = {"role": 10240, "user": 2048, "group": 5120}
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]})


def compact(doc):
    return len(json.dumps(doc, separators=(",", ":")))


def document(sid, size):
    """An indented policy of exactly size characters without white space."""
    doc = {"Version": "2012-10-17", "Statement": [{"Sid": sid, "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::r/*"}]}
    pad = size - compact(doc)
    assert pad >= 0, (sid, size)
    doc["Statement"][0]["Resource"] = "arn:aws:s3:::r" + "x" * pad + "/*"
    assert compact(doc) == size
    return json.dumps(doc, indent=2)


class Plan:
    def __init__(self):
        self.resources, self.changes, self.config = [], [], []

    def add(self, typ, name, values, unknown=None, exprs=None):
        addr = typ + "." + name
        self.resources.append({"address": addr, "mode": "managed", "type": typ, "name": name,
                               "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                               "values": values, "sensitive_values": {}})
        self.changes.append({"address": addr, "mode": "managed", "type": typ, "name": name,
                             "provider_name": "registry.terraform.io/hashicorp/aws",
                             "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": unknown or {},
                                        "before_sensitive": False, "after_sensitive": {}}})
        self.config.append({"address": addr, "mode": "managed", "type": typ, "name": name, "provider_config_key": "aws",
                            "expressions": exprs or {}, "schema_version": 0})

    def write(self, path):
        with open(path, "w") as f:
            json.dump({"format_version": "1.2", "terraform_version": "1.11.4",
                       "planned_values": {"root_module": {"resources": self.resources}},
                       "resource_changes": self.changes,
                       "configuration": {"root_module": {"resources": self.config}}}, f, indent=1)
            f.write("\n")


const = lambda v: {"constant_value": v}
ref = lambda addr, attr: {"references": [addr + "." + attr, addr]}
PRINCIPAL_UNKNOWN = {"arn": True, "id": True, "unique_id": True}


def principal(plan, kind, name, inline=None):
    values = {"name": name, "path": "/"}
    exprs = {"name": const(name)}
    unknown = dict(PRINCIPAL_UNKNOWN)
    if kind == "role":
        values["assume_role_policy"] = TRUST
        exprs["assume_role_policy"] = const(TRUST)
        unknown.update({"managed_policy_arns": True})
        if inline is not None:
            values["inline_policy"] = inline
            exprs["inline_policy"] = [{"name": const(p["name"]), "policy": const(p["policy"])} for p in inline]
        else:
            unknown["inline_policy"] = True
    plan.add("aws_iam_" + kind, name, values, unknown, exprs)


def inline_resource(plan, kind, name, owner, doc, owner_declared=True):
    typ = "aws_iam_" + kind + "_policy"
    values = {"name": name, kind: owner, "policy": doc}
    exprs = {"name": const(name), "policy": const(doc),
             kind: ref("aws_iam_" + kind + "." + owner, "name") if owner_declared else const(owner)}
    plan.add(typ, name, values, {"id": True}, exprs)


for kind, quota in QUOTAS.items():
    plan = Plan()
    for label, delta in (("below", -1), ("at", 0), ("above", 1)):
        first = quota // 2 - 7
        second = quota + delta - first
        a, b = document("First", first), document("Second", second)
        if kind == "role":
            # One policy in the role's inline_policy block, one in an aws_iam_role_policy.
            principal(plan, kind, label, inline=[{"name": label + "-block", "policy": a}])
        else:
            principal(plan, kind, label)
            inline_resource(plan, kind, label + "-first", label, a)
        inline_resource(plan, kind, label + "-second", label, b)
    if kind == "role":
        # A role outside the plan, named by a literal: the plan's two policies on it are over
        # the quota whatever else it has.
        inline_resource(plan, "role", "legacy-one", "legacy", document("LegacyOne", 6000), owner_declared=False)
        inline_resource(plan, "role", "legacy-two", "legacy", document("LegacyTwo", 4241), owner_declared=False)
        # A role with a policy known only after apply: the known ones are over the quota, so
        # the total is a lower bound that is over it too.
        principal(plan, kind, "partly", inline=[{"name": "partly-block", "policy": document("Known", 10241)}])
        plan.add("aws_iam_role_policy", "partly-later", {"name": "partly-later", "role": "partly"},
                 {"id": True, "policy": True},
                 {"name": const("partly-later"), "role": ref("aws_iam_role.partly", "name"),
                  "policy": {"references": ["aws_s3_bucket.b.arn", "aws_s3_bucket.b"]}})
    plan.write(kind + ".json")
