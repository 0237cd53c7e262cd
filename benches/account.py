#!/usr/bin/env python3
"""Times `xray-setup audit --account` against moto (tests/moto/harness.py).

    python3 benches/account.py [--functions 1000] [--roles 300] [--apis 20]

Seeds the account, then audits it with each IAM strategy and reports the API calls the
server saw (by operation), the wall time, and xray-setup's own CPU time: the target is
no per-function calls (calls <= function pages + distinct roles' and policies' reads +
REST APIs + 3) and a wall time dominated by the server, not by xray-setup. Then times
`enable --all --stages --apply` and its `--undo`, and checks that the undo gives back
the seeded state (tests/moto/state.py). Needs scripts/install-test-tools.sh.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "test-tools", "venv", "bin", "python")
BIN = os.path.join(ROOT, "target", "release", "xray-setup")


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--functions", type=int, default=1000)
    ap.add_argument("--roles", type=int, default=300)
    ap.add_argument("--apis", type=int, default=20)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    harness = subprocess.Popen([VENV, os.path.join(ROOT, "tests", "moto", "harness.py")], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(harness.stdout.readline().split()[1])
        url = f"http://127.0.0.1:{port}"
        subprocess.run([VENV, os.path.join(ROOT, "tests", "moto", "seed.py"), "--endpoint", url,
                        "--functions", str(a.functions), "--roles", str(a.roles), "--apis", str(a.apis)],
                       check=True, stdout=subprocess.DEVNULL)
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                   AWS_REGION="us-east-1", AWS_ENDPOINT_URL=url, AWS_EC2_METADATA_DISABLED="true")
        print(f"{a.functions} functions over {a.roles} roles, {a.apis} REST APIs ({os.cpu_count()} CPUs)\n")
        print("| IAM strategy | API calls | bound | wall time | xray-setup CPU | calls by operation |")
        print("|---|---:|---:|---:|---:|---|")
        for strategy in ("auto", "per-role"):
            post(url + "/_harness/log", {})
            out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S", BIN, "audit", "--account", "--iam-strategy",
                                  strategy, "--format", "json", "-o", os.devnull], env=env, capture_output=True, text=True)
            wall, user, system = map(float, out.stderr.strip().splitlines()[-1].split())
            log = post(url + "/_harness/log", {})
            ops = collections.Counter(e["operation"] for e in log)
            pages = -(-a.functions // 50)
            # + GetRestApis, GetSamplingRules, GetEncryptionConfig
            bound = pages + a.roles + 2 + a.apis + 3
            by_op = ", ".join(f"{k} {v}" for k, v in sorted(ops.items()))
            print(f"| {strategy} | {len(log)} | {bound} | {wall:.2f} s | {user + system:.2f} s | {by_op} |")
        enable_and_undo(url, env)
    finally:
        harness.kill()


def state(url):
    out = subprocess.run([VENV, os.path.join(ROOT, "tests", "moto", "state.py"), "--endpoint", url],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def enable_and_undo(url, env):
    """Times enable and its undo; the undo must give back exactly the seeded state."""
    seeded = state(url)
    journal = os.path.join(tempfile.mkdtemp(), "enable.jsonl")
    print("\n| run | API calls | changes | wall time | xray-setup CPU |")
    print("|---|---:|---:|---:|---:|")
    for name, args in (("enable --all --stages --apply", ["--all", "--stages", "--apply", "--journal", journal]),
                       ("enable --undo", ["--undo", journal, "--journal", journal + ".undo"])):
        post(url + "/_harness/log", {})
        out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S", BIN, "enable", *args, "--yes"], env=env,
                             capture_output=True, text=True)
        # enable exits 1 because the seed's bounded and denied roles are left to a person;
        # a change that failed would be in the journal.
        failed = [line for line in open(journal) if '"outcome":"failed"' in line]
        if out.returncode not in ((0, 1) if name.startswith("enable --all") else (0,)) or failed:
            sys.exit(f"{name} exited {out.returncode}:\n{out.stdout}{out.stderr}")
        wall, user, system = map(float, out.stderr.strip().splitlines()[-1].split())
        log = post(url + "/_harness/log", {})
        writes = sum(1 for e in log if e["operation"] in WRITES)
        print(f"| {name} | {len(log)} | {writes} | {wall:.2f} s | {user + system:.2f} s |")
    print("\nstate after undo equals the seeded state:", state(url) == seeded)


WRITES = {"AttachRolePolicy", "DetachRolePolicy", "UpdateFunctionConfiguration", "UpdateStage"}


if __name__ == "__main__":
    sys.exit(main())
