#!/usr/bin/env python3
"""Seeds an AWS Organization (the harness's moto) for xray-setup's Organization-wide audit
and prints what the audit must find in each account's region, as JSON.

    organization.py --endpoint http://127.0.0.1:PORT [--members 3] [--regions us-east-1,eu-west-1]
        [--functions 20] [--roles 8] [--apis 1] [--http-apis 1] [--graphql-apis 1]
        [--state-machines 2] [--aliases 2] [--seed 1]

With moto's default credentials (account 123456789012, which becomes the management
account) it creates the Organization, one account per member ("member-1", ...) and an OU
holding members 1 and 2 (for --ou), then seeds every region of every account with
seed.py's seed(): the management account directly, each member through its
OrganizationAccountAccessRole, as xray-setup enters them. Each (account, region) gets its
own --seed (the base plus a count), so that their modes differ. It also tells the harness
each account's regions (config "regions"), so that ListRegions, and `--regions all`, find
just those.

{"management": "123456789012", "ou": "ou-...",
 "accounts": {"ID": {"name": "member-1", "regions": {"us-east-1": EXPECTED, ...}}, ...}}

EXPECTED is seed.py's JSON for that account's region. IAM is global: the IAM expectations
(role_missing_xray_write, role_cannot_read_sampling) of a region are about the roles its
functions use, which outside us-east-1 are that region's own (seed.py suffixes their names).

Not org.py: the harness beside it imports copy, whose `from org.python.core import ...`
(a Jython probe) would import a module so named.
"""
import argparse
import json
import urllib.request

import boto3

import seed as seeding

ROLE = "OrganizationAccountAccessRole"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--members", type=int, default=3)
    ap.add_argument("--regions", default="us-east-1,eu-west-1")
    ap.add_argument("--functions", type=int, default=20)
    ap.add_argument("--roles", type=int, default=8)
    ap.add_argument("--apis", type=int, default=1)
    ap.add_argument("--http-apis", type=int, default=1)
    ap.add_argument("--graphql-apis", type=int, default=1)
    ap.add_argument("--state-machines", type=int, default=2)
    ap.add_argument("--aliases", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    regions = a.regions.split(",")
    kw = dict(endpoint_url=a.endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")
    org = boto3.client("organizations", region_name="us-east-1", **kw)
    sts = boto3.client("sts", region_name="us-east-1", **kw)

    management = org.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
    names = {management: next(x["Name"] for x in org.list_accounts()["Accounts"] if x["Id"] == management)}
    for i in range(1, a.members + 1):
        status = org.create_account(AccountName=f"member-{i}", Email=f"member-{i}@example.com")["CreateAccountStatus"]
        names[status["AccountId"]] = status["AccountName"]
    members = list(names)[1:]
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    for member in members[:2]:
        org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    post(a.endpoint + "/_harness/config", {"regions": {account: regions for account in names}})

    out = {"management": management, "ou": ou, "accounts": {}}
    count = 0
    for account, name in names.items():
        creds = dict(kw)
        if account != management:
            c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
            creds.update(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                         aws_session_token=c["SessionToken"])
        found = {}
        for region in regions:
            options = seeding.options([
                "--endpoint", a.endpoint, "--region", region, "--functions", str(a.functions),
                "--roles", str(a.roles), "--apis", str(a.apis), "--http-apis", str(a.http_apis),
                "--graphql-apis", str(a.graphql_apis), "--state-machines", str(a.state_machines),
                "--aliases", str(a.aliases), "--seed", str(a.seed + count)])
            found[region] = seeding.seed(creds, region, options)
            count += 1
        out["accounts"][account] = {"name": name, "regions": found}
    print(json.dumps(out))


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(req).close()


if __name__ == "__main__":
    main()
