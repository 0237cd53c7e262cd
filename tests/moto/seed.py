#!/usr/bin/env python3
"""Seeds an account's region (the harness's moto) for xray-setup's account tests and
prints what an audit must find, as JSON.

    seed.py --endpoint http://127.0.0.1:PORT [--functions 300] [--roles 40] [--apis 6] [--seed 1]
            [--kinds managed,inline,...] [--role-arn arn:aws:iam::ACCOUNT:role/NAME]
            [--region us-east-1] [--state-machines 0] [--aliases 0]

With --role-arn, it seeds the account of that role (moto lets any role be assumed).
Another script seeds through seed(kw, region, options(ARGS)), kw being boto3's client
arguments (endpoint and credentials); tests/moto/organization.py does, for an Organization.

Roles come in every kind: the X-Ray managed policy attached, an inline grant, a customer
managed policy, a grant scoped to a resource (which grants nothing), only the basic
Lambda policy, a grant cut by a permissions boundary, and a grant beside an explicit Deny. Functions in mixed tracing
modes share them; REST APIs have stages with tracing on, off and unset; sampling rules
include one that traces everything and one another rule shadows; X-Ray encrypts with a
KMS key. Step Functions state machines are traced every other one.

IAM is global: outside us-east-1, role and customer policy names end in the region, so
that seeding a second region of an account adds its own roles beside the first's.

--aliases N publishes versions of the first N functions and routes aliases to them, in
four patterns taken in turn: a PassThrough version 1 given a tenth of an alias's traffic
beside an Active version 2; everything Active (version 2 with a tenth to version 1, and an
alias on version 1); a PassThrough version 1 no alias routes to (which is not a finding);
an alias on a PassThrough version 1. $LATEST is Active in all four. "versions_not_active"
(qualified ARNs) is built from the versions and aliases moto then lists.
"""
import argparse
import io
import json
import random
import zipfile

import boto3

WRITE = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
SAMPLING = ["xray:GetSamplingRules", "xray:GetSamplingTargets"]
KINDS = ["managed", "inline", "inline_write_only", "customer", "scoped", "basic_only", "bounded", "denied"]
MISSING = {"scoped", "basic_only", "bounded", "denied"}  # cannot write traces
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def doc(actions, resource="*", effect="Allow"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": actions, "Resource": resource}]})


def parser():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--role-arn", help="work in the account of this role")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--functions", type=int, default=300)
    ap.add_argument("--roles", type=int, default=40)
    ap.add_argument("--apis", type=int, default=6)
    ap.add_argument("--http-apis", type=int, default=2, help="HTTP APIs, then as many WebSocket APIs")
    ap.add_argument("--graphql-apis", type=int, default=3, help="AppSync APIs, every other one traced")
    ap.add_argument("--state-machines", type=int, default=0,
                    help="Step Functions state machines, every other one traced")
    ap.add_argument("--aliases", type=int, default=0, help="functions given published versions and aliases")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default=",".join(KINDS), help="the role kinds to create, in turn")
    return ap


def options(argv=None):
    """The command line's options, checked (organization.py seeds with them too)."""
    ap = parser()
    a = ap.parse_args(argv)
    unknown = set(a.kinds.split(",")) - set(KINDS)
    if unknown:
        ap.error(f"unknown kinds: {sorted(unknown)}")
    if a.aliases > a.functions:
        ap.error("--aliases cannot exceed --functions")
    return a


def seed(kw, region, a):
    """Seeds the region of the account kw's credentials are in and returns what an audit
    must find there."""
    kinds = a.kinds.split(",")
    rnd = random.Random(a.seed)
    iam, lam, apigw, xray, v2, appsync, sfn, sts = (boto3.client(s, region_name=region, **kw) for s in (
        "iam", "lambda", "apigateway", "xray", "apigatewayv2", "appsync", "stepfunctions", "sts"))
    account = sts.get_caller_identity()["Account"]
    suffix = "" if region == "us-east-1" else f"-{region}"

    boundary = iam.create_policy(PolicyName=f"no-xray-boundary{suffix}",
                                 PolicyDocument=doc(["logs:*", "s3:*"]))["Policy"]["Arn"]
    customer = iam.create_policy(PolicyName=f"xray-writer{suffix}",
                                 PolicyDocument=doc(WRITE + SAMPLING))["Policy"]["Arn"]
    roles = []
    for i in range(a.roles):
        kind = kinds[i % len(kinds)]
        name = f"role-{i:03d}-{kind}{suffix}"
        extra = {"PermissionsBoundary": boundary} if kind == "bounded" else {}
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, **extra)["Role"]["Arn"]
        iam.attach_role_policy(RoleName=name, PolicyArn=BASIC)
        if kind in ("managed", "bounded", "denied"):
            iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess")
        elif kind == "inline":
            iam.put_role_policy(RoleName=name, PolicyName="xray", PolicyDocument=doc(WRITE + SAMPLING))
        elif kind == "inline_write_only":
            iam.put_role_policy(RoleName=name, PolicyName="xray", PolicyDocument=doc(WRITE))
        elif kind == "customer":
            iam.attach_role_policy(RoleName=name, PolicyArn=customer)
        if kind == "denied":
            iam.put_role_policy(RoleName=name, PolicyName="no-tracing", PolicyDocument=doc(["xray:Put*"], effect="Deny"))
        elif kind == "scoped":
            iam.put_role_policy(RoleName=name, PolicyName="xray",
                                PolicyDocument=doc(WRITE, f"arn:aws:xray:{region}:{account}:group/default"))
        roles.append((arn, kind))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return event\n")
    code = buf.getvalue()
    expected = {"lambda_not_active": [], "role_missing_xray_write": [], "role_cannot_read_sampling": [],
                "stage_not_traced": [], "sampling_traces_everything": [], "sampling_unreachable": [],
                "functions": 0, "roles_used": 0}
    used = set()
    latest = {}  # function name: [ARN, the mode of $LATEST]
    for i in range(a.functions):
        arn, kind = roles[i % len(roles)]
        mode = rnd.choice(["Active", "PassThrough", None])
        extra = {"TracingConfig": {"Mode": mode}} if mode else {}
        f = lam.create_function(FunctionName=f"fn-{i:04d}", Runtime="python3.12", Role=arn, Handler="app.handler",
                                Code={"ZipFile": code}, Tags={"team": rnd.choice(["orders", "payments"])}, **extra)
        latest[f["FunctionName"]] = [f["FunctionArn"], mode]
        used.add((arn, kind))
    for arn, kind in sorted(used):
        if kind in MISSING:
            expected["role_missing_xray_write"].append(arn)
        if kind == "inline_write_only":
            expected["role_cannot_read_sampling"].append(arn)
    expected["functions"] = a.functions
    expected["roles_used"] = len(used)

    expected["aliases"] = []
    expected["versions_not_active"] = []
    expected["published_versions"] = 0  # what ListFunctions lists beside $LATEST with FunctionVersion=ALL
    for i in range(a.aliases):
        name = f"fn-{i:04d}"
        routes = publish_and_alias(lam, name, i % 4)
        versions = {v["Version"]: v for v in lam.list_versions_by_function(FunctionName=name)["Versions"]}
        latest[name][1] = versions["$LATEST"]["TracingConfig"]["Mode"]
        expected["published_versions"] += len(versions) - 1
        routed = set()
        for alias in lam.list_aliases(FunctionName=name)["Aliases"]:
            weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights", {})
            alias_routes = {alias["FunctionVersion"]: round(1.0 - sum(weights.values()), 6), **weights}
            expected["aliases"].append({"function": name, "alias": alias["Name"], "routes": alias_routes})
            routed.update(alias_routes)
        expected["versions_not_active"] += [versions[v]["FunctionArn"] for v in routed
                                            if versions[v]["TracingConfig"]["Mode"] != "Active"]
        assert routes == routed, f"{name}: moto routes to {routed}, not {routes}"  # the pattern held
    expected["lambda_not_active"] = [arn for arn, mode in latest.values() if mode != "Active"]

    for i in range(a.apis):
        api = apigw.create_rest_api(name=f"api-{i}")["id"]
        root = [r for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]["id"]
        apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
        dep = apigw.create_deployment(restApiId=api)["id"]
        for stage, tracing in (("traced", True), ("off", False), ("unset", None)):
            extra = {"tracingEnabled": tracing} if tracing is not None else {}
            apigw.create_stage(restApiId=api, stageName=stage, deploymentId=dep, **extra)
            if not tracing:
                expected["stage_not_traced"].append(f"arn:aws:apigateway:{region}::/restapis/{api}/stages/{stage}")

    # HTTP and WebSocket APIs: X-Ray cannot trace them, and the audit says so per stage.
    expected["http_stages"] = []
    for i in range(a.http_apis):
        for protocol in ("HTTP", "WEBSOCKET"):
            extra = {"RouteSelectionExpression": "$request.body.action"} if protocol == "WEBSOCKET" else {}
            api = v2.create_api(Name=f"{protocol.lower()}-{i}", ProtocolType=protocol, **extra)["ApiId"]
            for stage in ("$default", "prod"):
                v2.create_stage(ApiId=api, StageName=stage)
                expected["http_stages"].append(f"arn:aws:apigateway:{region}::/apis/{api}/stages/{stage}")
    expected["graphql_not_traced"] = []
    for i in range(a.graphql_apis):
        traced = i % 2 == 0
        arn = appsync.create_graphql_api(name=f"graph-{i}", authenticationType="API_KEY", xrayEnabled=traced)["graphqlApi"]["arn"]
        if not traced:
            expected["graphql_not_traced"].append(arn)

    # Untraced machines say so, or (every other one) leave tracingConfiguration out.
    expected["state_machines_not_traced"] = []
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
    for i in range(a.state_machines):
        extra = {} if i % 4 == 3 else {"tracingConfiguration": {"enabled": i % 2 == 0}}
        arn = sfn.create_state_machine(name=f"machine-{i}", definition=definition, roleArn=roles[0][0],
                                       **extra)["stateMachineArn"]
        if i % 2:
            expected["state_machines_not_traced"].append(arn)

    def rule(name, priority, rate, url="*", service="*"):
        xray.create_sampling_rule(SamplingRule={
            "RuleName": name, "ResourceARN": "*", "Priority": priority, "FixedRate": rate, "ReservoirSize": 1,
            "ServiceName": service, "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": url, "Version": 1})
    rule("orders-api", 100, 0.1, url="/orders/*", service="orders")
    rule("everything", 200, 1.0)
    rule("orders-late", 300, 0.5, url="/orders/*")
    xray.put_encryption_config(Type="KMS", KeyId="alias/traces")
    expected["encryption_key"] = "alias/traces"
    expected["sampling_traces_everything"] = ["everything"]
    expected["sampling_unreachable"] = ["orders-late"]

    for k in ("lambda_not_active", "role_missing_xray_write", "role_cannot_read_sampling", "stage_not_traced",
              "http_stages", "graphql_not_traced", "state_machines_not_traced", "versions_not_active"):
        expected[k].sort()
    return expected


def publish_and_alias(lam, name, pattern):
    """Publishes versions of the function and routes aliases to them in the pattern's way
    (see the module's doc), leaving $LATEST Active; returns the versions routed to."""
    def configure(mode, description):
        lam.update_function_configuration(FunctionName=name, TracingConfig={"Mode": mode}, Description=description)

    def publish(mode, n):
        configure(mode, f"version {n}")  # a change: without one, Lambda publishes no new version
        return lam.publish_version(FunctionName=name)["Version"]

    def alias(alias_name, version, weights=None):
        extra = {"RoutingConfig": {"AdditionalVersionWeights": weights}} if weights else {}
        lam.create_alias(FunctionName=name, Name=alias_name, FunctionVersion=version, **extra)

    v1 = publish("Active" if pattern == 1 else "PassThrough", 1)
    if pattern == 3:
        configure("Active", "after version 1")
        alias("stable", v1)
        return {v1}
    v2 = publish("Active", 2)
    if pattern == 2:
        alias("live", v2)
        return {v2}
    alias("live", v2, {v1: 0.1})
    if pattern == 1:
        alias("stable", v1)
    return {v1, v2}


def main():
    a = options()
    kw = dict(endpoint_url=a.endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")
    if a.role_arn:
        sts = boto3.client("sts", region_name=a.region, **kw)
        creds = sts.assume_role(RoleArn=a.role_arn, RoleSessionName="tests")["Credentials"]
        kw.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    print(json.dumps(seed(kw, a.region, a)))


if __name__ == "__main__":
    main()
