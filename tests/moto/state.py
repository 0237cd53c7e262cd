#!/usr/bin/env python3
"""Prints what `enable` changes in the harness's account, as JSON, keyed by names that
survive a reset and a reseed (REST API ids do not, so stages are keyed by API name):

    state.py --endpoint http://127.0.0.1:PORT [--role-arn arn:aws:iam::ACCOUNT:role/NAME]

With --role-arn, the state of the account of that role (moto lets any role be assumed).

{"functions": {"fn-0001": "Active", ...}, "roles": {"role-000-managed": [policy ARNs], ...},
 "stages": {"api-0/off": false, ...}}

A function without a TracingConfig is PassThrough, as Lambda reports it.
"""
import argparse
import json

import boto3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--role-arn", help="work in the account of this role")
    a = ap.parse_args()
    kw = dict(endpoint_url=a.endpoint, region_name="us-east-1", aws_access_key_id="testing",
              aws_secret_access_key="testing")
    if a.role_arn:
        creds = boto3.client("sts", **kw).assume_role(RoleArn=a.role_arn, RoleSessionName="tests")["Credentials"]
        kw.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    iam, lam, apigw = (boto3.client(s, **kw) for s in ("iam", "lambda", "apigateway"))
    state = {"functions": {}, "roles": {}, "stages": {}}
    for page in lam.get_paginator("list_functions").paginate():
        for f in page["Functions"]:
            state["functions"][f["FunctionName"]] = (f.get("TracingConfig") or {}).get("Mode", "PassThrough")
    for page in iam.get_paginator("list_roles").paginate():
        for r in page["Roles"]:
            attached = iam.list_attached_role_policies(RoleName=r["RoleName"])["AttachedPolicies"]
            state["roles"][r["RoleName"]] = sorted(p["PolicyArn"] for p in attached)
    for api in apigw.get_rest_apis(limit=500)["items"]:
        for s in apigw.get_stages(restApiId=api["id"])["item"]:
            state["stages"][f"{api['name']}/{s['stageName']}"] = bool(s.get("tracingEnabled", False))
    print(json.dumps(state, sort_keys=True))


if __name__ == "__main__":
    main()
