#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Builds the fuzz targets in fuzz/ (cargo fuzz, libFuzzer) and runs each for SECONDS
# (default 60), one after another, then reports each target's executions and what it
# found (crashes, timeouts, out-of-memory). Targets: terraform terraform_json tfvars iam
# config journal console (all by default).
#
# Only the stable toolchain is needed: cargo fuzz passes rustc flags that stable refuses
# without RUSTC_BOOTSTRAP=1 (-Z flags, `--cfg fuzzing` checks), and no sanitizer is used
# (ASan needs a nightly std, and the code fuzzed is safe Rust: what is sought is panics,
# hangs and runaway memory, which libFuzzer sees without one).
#
# Seeds are built at run time under fuzz/target/seeds from the project's own fixtures,
# examples and differential cases and from ../shared/corpus (read in place, never copied
# into the project); the HCL targets also get fuzz/dict/hcl.dict. What each run learns
# accumulates in fuzz/corpus/TARGET, and inputs that crash, hang (more than 10 s) or use
# more than 1 GB are saved in fuzz/artifacts/TARGET/. Reproduce one with:
#   fuzz/target/x86_64-unknown-linux-gnu/release/TARGET fuzz/artifacts/TARGET/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
all=(terraform terraform_json tfvars iam config journal console)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
case $seconds in
'' | *[!0-9]*)
	echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
	exit 2
	;;
esac

if ! cargo fuzz --version >/dev/null 2>&1; then
	cargo install cargo-fuzz --locked
fi

export RUSTC_BOOTSTRAP=1
cargo fuzz build --fuzz-dir fuzz -O --debug-assertions --sanitizer none \
	--codegen-units 16 --target-dir fuzz/target
bin=fuzz/target/x86_64-unknown-linux-gnu/release

seeds=fuzz/target/seeds
shared=../shared/corpus
rm -rf "$seeds"
python3 - "$seeds" "$shared" <<'PY'
"""Seed corpora, one directory per target, from files read in place."""
import os, re, sys

seeds, shared = sys.argv[1], sys.argv[2]
LIMIT = 32 * 1024
roots = [r for r in ("tests/fixtures", "examples", "templates", shared) if os.path.isdir(r)]
count = {}


def put(target, data):
    if not data or len(data) > LIMIT:
        return
    d = os.path.join(seeds, target)
    os.makedirs(d, exist_ok=True)
    n = count.get(target, 0)
    count[target] = n + 1
    with open(os.path.join(d, f"seed-{n:05}"), "wb") as f:
        f.write(data)


def files():
    for root in roots:
        for d, dirs, names in os.walk(root):
            dirs[:] = sorted(x for x in dirs if x not in (".git",))
            yield d, sorted(names)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read(LIMIT + 1)
    except OSError:
        return b""


for d, names in files():
    tree = []
    for name in names:
        path = os.path.join(d, name)
        data = read(path)
        if name.endswith(".tf") or name.endswith(".tofu"):
            put("terraform", data)
            tree.append((name, data))
        elif name.endswith(".tf.json"):
            put("terraform_json", data)
            tree.append((name, data))
        elif name.endswith(".tfvars") or name.endswith(".tfvars.json"):
            put("tfvars", data)
            tree.append((name, data))
        elif name.endswith(".json") and b'"Statement"' in data:
            put("iam", data)
        elif name.endswith(".toml"):
            put("config", data)
    if len(tree) > 1:
        # A directory's files together, as the `terraform` target reads several files.
        head, *rest = tree
        blob = head[1] + b"".join(b"\n--- " + n.encode() + b"\n" + t for n, t in rest)
        put("terraform", blob)
    # Policies written inline in Terraform (heredocs), for the iam target.
    for name in names:
        if name.endswith(".tf"):
            text = read(os.path.join(d, name))
            for m in re.finditer(rb"<<-?(\w+)\n(.*?)\n\s*\1\b", text, re.S):
                if b"Statement" in m.group(2):
                    put("iam", m.group(2))

# The README's configuration example.
readme = read("README.md").decode("utf-8", "replace")
for block in re.findall(r"```toml\n(.*?)```", readme, re.S):
    put("config", block.encode())

# Expressions of the differential test, eight lines a seed, for the console.
cases = "tests/differential/cases"
for name in sorted(os.listdir(cases)) if os.path.isdir(cases) else []:
    lines = [l for l in read(os.path.join(cases, name)).split(b"\n") if l.strip()]
    for i in range(0, len(lines), 8):
        put("console", b"\n".join(lines[i : i + 8]) + b"\n")

# Journals as `enable --apply` writes them: a header, pending and done lines, one cut off.
header = b'{"journal":"xray-setup enable","version":1,"started":"2026-11-22T22:13:00Z"}\n'
role = (b'"what":"role-policy","role":"app","role_arn":"arn:aws:iam::1:role/app",'
        b'"policy_arn":"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",'
        b'"before":"detached","after":"attached"')
fn = (b'"what":"function-tracing","region":"us-east-1","function":"fn-0001",'
      b'"function_arn":"arn:aws:lambda:us-east-1:1:function:fn-0001",'
      b'"before":"PassThrough","after":"Active"')
stage = (b'"what":"stage-tracing","region":"us-east-1","rest_api":"abc","stage":"dev",'
         b'"stage_arn":"arn:aws:apigateway:us-east-1::/restapis/abc/stages/dev",'
         b'"before":false,"after":true')
t = b'"time":"2026-11-22T22:13:16.01Z"'
def line(seq, outcome, body, extra=b""):
    return b'{"seq":%d,%s,"outcome":"%s",%s%s}\n' % (seq, t, outcome, body, extra)
put("journal", header)
put("journal", header + line(1, b"pending", role) + line(1, b"done", role)
    + line(2, b"pending", fn) + line(2, b"done", fn)
    + line(3, b"pending", stage) + line(3, b"failed", stage, b',"error":"denied"'))
put("journal", header + line(1, b"pending", fn) + line(1, b"done", fn) + line(2, b"pending", stage)[:40])
put("journal", header.replace(b'"version":1', b'"version":2'))

for target in sorted(count):
    print(f"seeds: {target}: {count[target]}")
PY

# The targets write each input out as a tree under $TMPDIR, and a fuzzing process that
# crashes or is killed leaves its directory behind: give them one of their own (on tmpfs
# when there is one, for speed) and remove it at the end.
scratch=$(mktemp -d -p /dev/shm xray-setup-fuzz.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch

summary=()
status=0
for t in "${targets[@]}"; do
	[ -x "$bin/$t" ] || {
		echo "no fuzz target $t (${all[*]})" >&2
		exit 2
	}
	mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t" "$seeds/$t"
	before=$(find "fuzz/artifacts/$t" -type f | wc -l)
	log="fuzz/target/$t.log"
	# Terraform's tokens, for the targets whose input is HCL.
	dict=()
	case $t in terraform | tfvars | console) dict=(-dict=fuzz/dict/hcl.dict) ;; esac
	echo "== $t: ${seconds}s"
	# fork mode keeps going after a crash, a timeout or an OOM, and counts them.
	"$bin/$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 ${dict[@]+"${dict[@]}"} \
		"fuzz/corpus/$t" "$seeds/$t" >"$log" 2>&1 || true
	stats=$(grep -E '^#[0-9]+: cov' "$log" | tail -1 || true)
	execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$stats")
	found=$(sed -nE 's/.*oom\/timeout\/crash: ([0-9]+)\/([0-9]+)\/([0-9]+).*/\1 OOM, \2 timeouts, \3 crashes/p' <<<"$stats")
	after=$(find "fuzz/artifacts/$t" -type f | wc -l)
	new=$((after - before))
	[ "$new" -eq 0 ] || status=1
	line="$t: ${execs:-0} executions in ${seconds}s; ${found:-0 OOM, 0 timeouts, 0 crashes}; $new new artifacts in fuzz/artifacts/$t"
	echo "$line"
	summary+=("$line")
done
echo
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
