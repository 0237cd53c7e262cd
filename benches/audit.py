#!/usr/bin/env python3
"""Times `xray-setup audit` against checkov on synthetic trees from gen_tree.py.

    python3 benches/audit.py [--runs 5] [--sizes 1000,10000] [--no-checkov-10k] [--no-checkov]

Builds the release binary, generates ../shared/bench/gen_tree.py trees (seed 7) under
target/bench/, and for each size reports xray-setup's median wall time over --runs runs
and its peak resident memory, then checkov's (one run: it takes minutes), with the same
two checks xray-setup's XR001/XR003 cover (CKV_AWS_50, CKV_AWS_73). checkov is installed
from PyPI into target/test-tools/checkov-venv when missing. Targets (2-core machine):
10,000 functions in <= 1 s and <= 300 MB; >= 100x faster than checkov at 1,000.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
BIN = os.path.join(ROOT, "target", "release", "xray-setup")
CHECKOV_VENV = os.path.join(ROOT, "target", "test-tools", "checkov-venv")


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (wall seconds, peak RSS in MB, exit code)."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    wall, rss = out.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024, out.returncode


def ensure_checkov():
    exe = os.path.join(CHECKOV_VENV, "bin", "checkov")
    if not os.path.exists(exe):
        subprocess.run([sys.executable, "-m", "venv", CHECKOV_VENV], check=True)
        subprocess.run([os.path.join(CHECKOV_VENV, "bin", "pip"), "install", "-q", "checkov"], check=True)
    return exe


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--no-checkov", action="store_true", help="time xray-setup only")
    ap.add_argument("--no-checkov-10k", action="store_true", help="skip checkov above 1,000 functions")
    a = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    checkov = None if a.no_checkov else ensure_checkov()
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        tree = os.path.join(ROOT, "target", "bench", f"t{n}")
        if not os.path.exists(os.path.join(tree, "expected.json")):
            subprocess.run([sys.executable, os.path.join(SHARED, "bench", "gen_tree.py"), tree,
                            "--functions", str(n), "--seed", "7"], check=True, stdout=subprocess.DEVNULL)
        size_mb = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tree) for f in fs) / 1e6
        timed([BIN, "audit", tree, "--format", "json", "-o", os.devnull])  # warm the page cache
        runs = [timed([BIN, "audit", tree, "--format", "json", "-o", os.devnull]) for _ in range(a.runs)]
        assert all(code == 1 for _, _, code in runs), "the tree has findings: exit status 1"
        ours = statistics.median(w for w, _, _ in runs)
        ours_rss = max(r for _, r, _ in runs)
        peer = peer_rss = None
        if checkov and not (a.no_checkov_10k and n > 1000):
            peer, peer_rss, _ = timed([checkov, "-d", tree, "--framework", "terraform", "--check",
                                       "CKV_AWS_50,CKV_AWS_73", "-o", "json", "--quiet", "--skip-download"])
        rows.append((n, size_mb, ours, ours_rss, peer, peer_rss))
        print(json.dumps({"functions": n, "tree_mb": round(size_mb, 1), "xray_setup_s": ours,
                          "xray_setup_mb": round(ours_rss), "checkov_s": peer,
                          "checkov_mb": round(peer_rss) if peer_rss else None}), flush=True)

    print(f"\n{os.cpu_count()} CPUs, xray-setup median of {a.runs} runs, checkov one run\n")
    print("| functions | tree | xray-setup | peak memory | checkov | checkov memory | speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n, size, ours, rss, peer, peer_rss in rows:
        peer_s = f"{peer:.1f} s" if peer else "not run"
        peer_m = f"{peer_rss:.0f} MB" if peer_rss else "–"
        ratio = f"{peer / ours:.0f}×" if peer else "–"
        print(f"| {n:,} | {size:.1f} MB | {ours:.2f} s | {rss:.0f} MB | {peer_s} | {peer_m} | {ratio} |")


if __name__ == "__main__":
    main()
