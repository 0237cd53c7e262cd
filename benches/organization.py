#!/usr/bin/env python3
"""Times `xray-setup audit --org` against moto (tests/moto/harness.py), beside a single
account's audit.

    python3 benches/organization.py [--accounts 20] [--regions us-east-1,eu-west-1]
        [--functions 200] [--roles 40] [--apis 2] [--account-concurrency 1,4,8] [--bin PATH]

Seeds an Organization with tests/moto/organization.py: the management account and
--accounts - 1 members, each with --functions functions (and roles, APIs, state machines,
aliases) in every region. Then audits the management account alone (`audit --account`),
and the whole Organization (`audit --org`) at xray-setup's default account concurrency and
at each --account-concurrency, and reports for each run the wall time, the API calls the
server saw, in total and per account (max and median; the management account's include
ListAccounts and the AssumeRole calls, which it makes), the accounts reached, the Lambda
findings (XR001) against what the seed expects, and the peak RSS; then how the wall time
scales against the single account's. The harness serves every account from one Python
process, so the calls it answers per second bound what concurrency can gain here.
Builds the release binary unless --bin names one. Needs scripts/install-test-tools.sh.
(Not org.py: copy.py's `from org.python.core import ...` would import a module so named.)
"""
import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from account import post  # the one harness client of the benches (benches/account.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "test-tools", "venv", "bin", "python")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=20, help="the management account and this many - 1 members")
    ap.add_argument("--regions", default="us-east-1,eu-west-1")
    ap.add_argument("--functions", type=int, default=200, help="per account and region")
    ap.add_argument("--roles", type=int, default=40, help="per account and region")
    ap.add_argument("--apis", type=int, default=2, help="REST APIs per account and region")
    ap.add_argument("--account-concurrency", default="1,4,8", help="the levels to time --org at, besides the default")
    ap.add_argument("--latency-ms", type=int, default=0,
                    help="a delay the harness adds to every call, as AWS's round trip would (0: none)")
    ap.add_argument("--bin", help="the xray-setup to time (default: build target/release/xray-setup)")
    a = ap.parse_args()
    binary = a.bin or os.path.join(ROOT, "target", "release", "xray-setup")
    if not a.bin:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    regions = a.regions.split(",")
    harness = subprocess.Popen([VENV, os.path.join(ROOT, "tests", "moto", "harness.py")], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(harness.stdout.readline().split()[1])
        url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        seeded = subprocess.run([VENV, os.path.join(ROOT, "tests", "moto", "organization.py"), "--endpoint", url,
                                 "--members", str(a.accounts - 1), "--regions", a.regions,
                                 "--functions", str(a.functions), "--roles", str(a.roles), "--apis", str(a.apis)],
                                check=True, stdout=subprocess.PIPE, text=True)
        org = json.loads(seeded.stdout)
        print(f"{len(org['accounts'])} accounts (the management account and {len(org['accounts']) - 1} members) "
              f"x {len(regions)} regions x {a.functions} functions, seeded in {time.monotonic() - started:.0f} s "
              f"({os.cpu_count()} CPUs)\n")
        post(url + "/_harness/config", {"latency_ms": a.latency_ms})
        if a.latency_ms:
            print(f"every call delayed {a.latency_ms} ms, as AWS's round trip would be\n")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                   AWS_REGION="us-east-1", AWS_ENDPOINT_URL=url, AWS_EC2_METADATA_DISABLED="true")
        everyone = list(org["accounts"])
        runs = [("audit --account", ["--account"], [org["management"]]), ("audit --org", ["--org"], everyone)]
        runs += [(f"audit --org --account-concurrency {n}", ["--org", "--account-concurrency", n], everyone)
                 for n in a.account_concurrency.split(",")]
        print("| run | accounts | regions | functions | wall time | xray-setup CPU | calls total | calls per account "
              "(max / median) | accounts reached | XR001 found / expected | peak RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        walls = {}
        for name, args, accounts in runs:
            walls[name] = audit(binary, url, env, org, name, args, accounts, regions, a.functions)
        single = walls["audit --account"]
        print(f"\nscaling: {len(org['accounts'])} accounts take {walls['audit --org'] / single:.1f}x the wall time "
              f"of 1 at the default account concurrency; "
              + ", ".join(f"{walls[n] / single:.1f}x at {n.rsplit(' ', 1)[-1]}" for n in walls if "concurrency" in n)
              + " (ideal: accounts / concurrency).")
    finally:
        harness.kill()
        harness.wait()


def audit(binary, url, env, org, name, args, accounts, regions, functions):
    """One timed audit and its table row; returns its wall time."""
    report = os.path.join(tempfile.mkdtemp(), "report.json")
    post(url + "/_harness/log", {})
    out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", binary, "audit", *args, "--regions",
                          ",".join(regions), "--format", "json", "-o", report], env=env, capture_output=True, text=True)
    log = post(url + "/_harness/log", {})
    if out.returncode not in (0, 1):  # 1: findings at the default --fail-on
        sys.exit(f"{name} exited {out.returncode}:\n{out.stdout}{out.stderr}")
    wall, user, system, rss = out.stderr.strip().splitlines()[-1].split()
    per_account = collections.Counter(e["account"] for e in log)
    counts = [per_account[account] for account in accounts]
    reached = sum(1 for c in counts if c)
    with open(report) as f:
        found = sum(1 for x in json.load(f)["findings"] if x["rule"] == "XR001")
    # $LATEST not Active, and published versions behind aliases that are not.
    expected = sum(len(seeded[key]) for account in accounts for region in regions
                   for seeded in [org["accounts"][account]["regions"][region]]
                   for key in ("lambda_not_active", "versions_not_active"))
    print(f"| {name} | {len(accounts)} | {len(regions)} | {len(accounts) * len(regions) * functions} "
          f"| {float(wall):.2f} s | {float(user) + float(system):.2f} s | {len(log)} "
          f"| {max(counts)} / {statistics.median(counts):g} | {reached} | {found} / {expected} "
          f"| {int(rss) / 1024:.0f} MB |")
    return float(wall)


if __name__ == "__main__":
    sys.exit(main())
