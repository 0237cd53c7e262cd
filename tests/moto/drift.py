#!/usr/bin/env python3
"""Builds and changes an account (the harness's moto) for xray-setup's drift tests.

    drift.py --endpoint http://127.0.0.1:PORT < SPEC.json

SPEC: {"create": {...}, "change": {...}}, either or both.

create: {"roles": [{"name", "policies": [managed policy ARNs]}],
         "functions": [{"name", "role", "mode": "Active" | "PassThrough" | null}],
         "apis": [{"name", "stages": [{"name", "tracing": true | false | null}]}],
         "rules": [{"name", "priority", "fixed_rate", "reservoir"}],
         "machines": [{"name", "role", "tracing": BOOL}]}
change: {"modes": {"FUNCTION": MODE}, "delete": [FUNCTION], "add": [{as in create}],
         "stages": {"API/STAGE": BOOL}, "rules": {"RULE": {"FixedRate": ...}},
         "detach": {"ROLE": [POLICY ARN]}, "machines": {"MACHINE": BOOL}}

Prints {"functions": {NAME: ARN}, "stages": {"API/STAGE": ARN}, "roles": {NAME: ARN},
        "machines": {NAME: ARN}}.
"""
import argparse
import io
import json
import sys
import zipfile

import boto3

REGION = "us-east-1"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def code():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def create_function(lam, iam, f):
    role = iam.get_role(RoleName=f["role"])["Role"]["Arn"]
    extra = {"TracingConfig": {"Mode": f["mode"]}} if f.get("mode") else {}
    lam.create_function(FunctionName=f["name"], Runtime="python3.12", Role=role, Handler="app.handler",
                        Code={"ZipFile": code()}, **extra)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    a = ap.parse_args()
    spec = json.load(sys.stdin)
    kw = dict(endpoint_url=a.endpoint, region_name=REGION, aws_access_key_id="testing",
              aws_secret_access_key="testing")
    iam, lam, apigw, xray, sfn = (boto3.client(s, **kw)
                                  for s in ("iam", "lambda", "apigateway", "xray", "stepfunctions"))
    create = spec.get("create", {})
    for r in create.get("roles", []):
        iam.create_role(RoleName=r["name"], AssumeRolePolicyDocument=TRUST)
        for p in r.get("policies", []):
            iam.attach_role_policy(RoleName=r["name"], PolicyArn=p)
    for f in create.get("functions", []):
        create_function(lam, iam, f)
    for api in create.get("apis", []):
        api_id = apigw.create_rest_api(name=api["name"])["id"]
        root = [r for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/"][0]["id"]
        apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
        apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
        dep = apigw.create_deployment(restApiId=api_id)["id"]
        for s in api["stages"]:
            extra = {"tracingEnabled": s["tracing"]} if s.get("tracing") is not None else {}
            apigw.create_stage(restApiId=api_id, stageName=s["name"], deploymentId=dep, **extra)
    for r in create.get("rules", []):
        xray.create_sampling_rule(SamplingRule={
            "RuleName": r["name"], "ResourceARN": "*", "Priority": r["priority"], "FixedRate": r["fixed_rate"],
            "ReservoirSize": r["reservoir"], "ServiceName": "*", "ServiceType": "*", "Host": "*",
            "HTTPMethod": "*", "URLPath": "*", "Version": 1})
    for m in create.get("machines", []):
        definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
        sfn.create_state_machine(name=m["name"], definition=definition,
                                 roleArn=iam.get_role(RoleName=m["role"])["Role"]["Arn"],
                                 tracingConfiguration={"enabled": m["tracing"]})

    change = spec.get("change", {})
    for name, mode in change.get("modes", {}).items():
        lam.update_function_configuration(FunctionName=name, TracingConfig={"Mode": mode})
    for name in change.get("delete", []):
        lam.delete_function(FunctionName=name)
    for f in change.get("add", []):
        create_function(lam, iam, f)
    apis = {x["name"]: x["id"] for x in apigw.get_rest_apis(limit=500)["items"]}
    for key, on in change.get("stages", {}).items():
        api, stage = key.split("/")
        apigw.update_stage(restApiId=apis[api], stageName=stage, patchOperations=[
            {"op": "replace", "path": "/tracingEnabled", "value": "true" if on else "false"}])
    for name, update in change.get("rules", {}).items():
        xray.update_sampling_rule(SamplingRuleUpdate=dict(update, RuleName=name))
    for role, policies in change.get("detach", {}).items():
        for p in policies:
            iam.detach_role_policy(RoleName=role, PolicyArn=p)

    machines = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    for name, on in change.get("machines", {}).items():
        sfn.update_state_machine(stateMachineArn=machines[name], tracingConfiguration={"enabled": on})

    out = {"functions": {}, "stages": {}, "roles": {}, "machines": machines}
    for page in lam.get_paginator("list_functions").paginate():
        for f in page["Functions"]:
            out["functions"][f["FunctionName"]] = f["FunctionArn"]
    for name, api_id in apis.items():
        for s in apigw.get_stages(restApiId=api_id)["item"]:
            out["stages"][f"{name}/{s['stageName']}"] = \
                f"arn:aws:apigateway:{REGION}::/restapis/{api_id}/stages/{s['stageName']}"
    for page in iam.get_paginator("list_roles").paginate():
        for r in page["Roles"]:
            out["roles"][r["RoleName"]] = r["Arn"]
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
