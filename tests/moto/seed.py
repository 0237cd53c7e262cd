#!/usr/bin/env python3
"""Seeds an account (the harness's moto) for xray-setup's account tests and prints what
an audit must find, as JSON.

    seed.py --endpoint http://127.0.0.1:PORT [--functions 300] [--roles 40] [--apis 6] [--seed 1]
            [--kinds managed,inline,...] [--role-arn arn:aws:iam::ACCOUNT:role/NAME]

With --role-arn, it seeds the account of that role (moto lets any role be assumed).

Roles come in every kind: the X-Ray managed policy attached, an inline grant, a customer
managed policy, a grant scoped to a resource (which grants nothing), only the basic
Lambda policy, a grant cut by a permissions boundary, and a grant beside an explicit Deny. Functions in mixed tracing
modes share them; REST APIs have stages with tracing on, off and unset; sampling rules
include one that traces everything and one another rule shadows; X-Ray encrypts with a
KMS key.
"""
import argparse
import io
import json
import random
import zipfile

import boto3

REGION = "us-east-1"
WRITE = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
SAMPLING = ["xray:GetSamplingRules", "xray:GetSamplingTargets"]
KINDS = ["managed", "inline", "inline_write_only", "customer", "scoped", "basic_only", "bounded", "denied"]
MISSING = {"scoped", "basic_only", "bounded", "denied"}  # cannot write traces


def doc(actions, resource="*", effect="Allow"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": actions, "Resource": resource}]})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--role-arn", help="work in the account of this role")
    ap.add_argument("--functions", type=int, default=300)
    ap.add_argument("--roles", type=int, default=40)
    ap.add_argument("--apis", type=int, default=6)
    ap.add_argument("--http-apis", type=int, default=2, help="HTTP APIs, then as many WebSocket APIs")
    ap.add_argument("--graphql-apis", type=int, default=3, help="AppSync APIs, every other one traced")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default=",".join(KINDS), help="the role kinds to create, in turn")
    a = ap.parse_args()
    kinds = a.kinds.split(",")
    unknown = set(kinds) - set(KINDS)
    if unknown:
        ap.error(f"unknown kinds: {sorted(unknown)}")
    rnd = random.Random(a.seed)
    kw = dict(endpoint_url=a.endpoint, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
    if a.role_arn:
        creds = boto3.client("sts", **kw).assume_role(RoleArn=a.role_arn, RoleSessionName="tests")["Credentials"]
        kw.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    iam, lam, apigw, xray, v2, appsync = (boto3.client(s, **kw) for s in (
        "iam", "lambda", "apigateway", "xray", "apigatewayv2", "appsync"))

    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    boundary = iam.create_policy(PolicyName="no-xray-boundary", PolicyDocument=doc(["logs:*", "s3:*"]))["Policy"]["Arn"]
    customer = iam.create_policy(PolicyName="xray-writer", PolicyDocument=doc(WRITE + SAMPLING))["Policy"]["Arn"]
    roles = []
    for i in range(a.roles):
        kind = kinds[i % len(kinds)]
        name = f"role-{i:03d}-{kind}"
        extra = {"PermissionsBoundary": boundary} if kind == "bounded" else {}
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **extra)["Role"]["Arn"]
        iam.attach_role_policy(RoleName=name, PolicyArn=basic)
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
            iam.put_role_policy(RoleName=name, PolicyName="xray", PolicyDocument=doc(WRITE, "arn:aws:xray:us-east-1:123456789012:group/default"))
        roles.append((arn, kind))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return event\n")
    code = buf.getvalue()
    expected = {"lambda_not_active": [], "role_missing_xray_write": [], "role_cannot_read_sampling": [],
                "stage_not_traced": [], "sampling_traces_everything": [], "sampling_unreachable": [],
                "functions": 0, "roles_used": 0}
    used = set()
    for i in range(a.functions):
        arn, kind = roles[i % len(roles)]
        mode = rnd.choice(["Active", "PassThrough", None])
        extra = {"TracingConfig": {"Mode": mode}} if mode else {}
        f = lam.create_function(FunctionName=f"fn-{i:04d}", Runtime="python3.12", Role=arn, Handler="app.handler",
                                Code={"ZipFile": code}, Tags={"team": rnd.choice(["orders", "payments"])}, **extra)
        if mode != "Active":
            expected["lambda_not_active"].append(f["FunctionArn"])
        used.add((arn, kind))
    for arn, kind in sorted(used):
        if kind in MISSING:
            expected["role_missing_xray_write"].append(arn)
        if kind == "inline_write_only":
            expected["role_cannot_read_sampling"].append(arn)
    expected["functions"] = a.functions
    expected["roles_used"] = len(used)

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
                expected["stage_not_traced"].append(f"arn:aws:apigateway:{REGION}::/restapis/{api}/stages/{stage}")

    # HTTP and WebSocket APIs: X-Ray cannot trace them, and the audit says so per stage.
    expected["http_stages"] = []
    for i in range(a.http_apis):
        for protocol in ("HTTP", "WEBSOCKET"):
            extra = {"RouteSelectionExpression": "$request.body.action"} if protocol == "WEBSOCKET" else {}
            api = v2.create_api(Name=f"{protocol.lower()}-{i}", ProtocolType=protocol, **extra)["ApiId"]
            for stage in ("$default", "prod"):
                v2.create_stage(ApiId=api, StageName=stage)
                expected["http_stages"].append(f"arn:aws:apigateway:{REGION}::/apis/{api}/stages/{stage}")
    expected["graphql_not_traced"] = []
    for i in range(a.graphql_apis):
        traced = i % 2 == 0
        arn = appsync.create_graphql_api(name=f"graph-{i}", authenticationType="API_KEY", xrayEnabled=traced)["graphqlApi"]["arn"]
        if not traced:
            expected["graphql_not_traced"].append(arn)

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
              "http_stages", "graphql_not_traced"):
        expected[k].sort()
    print(json.dumps(expected))


if __name__ == "__main__":
    main()
