#!/usr/bin/env bash
# scripts/budgets.sh: time and peak memory of an audit of each tree issue 13 measured
# taking the machine down, against the target (under 5 s and 500 MB each, exit 0 or 1
# with a report). tests/budgets.rs checks what is reported; this checks what it costs.
# Needs GNU time (/usr/bin/time). Exits 1 when a tree misses the target.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/xray-setup
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import os, sys
work = sys.argv[1]
fn = '''resource "aws_lambda_function" "f" {
  %s
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/r"
  tracing_config {
    mode = %s
  }
}
'''
def put(rel, text):
    path = os.path.join(work, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write(text)

put("count/main.tf", fn % ("count = 1000000000", '"PassThrough"'))
put("join/main.tf", 'locals {\n  l0 = "abcdefghijklmnopqrstuvwx"\n'
    + "".join(f'  l{i} = join(",", [for i in range(1000) : local.l{i-1}])\n' for i in (1, 2, 3))
    + "}\n" + fn % ("", 'length(local.l3) > 0 ? "Active" : "PassThrough"'))
put("fanout/main.tf", 'module "top" {\n  source = "./m0"\n}\n')
for i in range(26):
    body = (f'module "a" {{\n  source = "../m{i+1}"\n}}\nmodule "b" {{\n  source = "../m{i+1}"\n}}\n'
            if i < 25 else fn % ("", '"Active"'))
    put(f"fanout/m{i}/main.tf", body)
put("chain/main.tf", "locals {\n" + "".join(f"  l{i} = local.l{i+1}\n" for i in range(49999))
    + '  l49999 = "Active"\n}\n' + fn % ("", "local.l0"))
PY

printf '%-8s %8s %10s %5s\n' tree seconds 'peak MB' exit
failed=0
for tree in count join fanout chain; do
	set +e
	/usr/bin/time -f '%e %M' -o "$work/time" "$bin" audit "$work/$tree" --format json >"$work/$tree.json" 2>"$work/$tree.err"
	code=$?
	set -e
	read -r seconds kb < <(tail -n 1 "$work/time")
	mb=$((kb / 1024))
	printf '%-8s %8s %10s %5s\n' "$tree" "$seconds" "$mb" "$code"
	if [ "$code" -gt 1 ] || ! grep -q '"XR997"' "$work/$tree.json" ||
		awk -v s="$seconds" 'BEGIN { exit !(s >= 5) }' || [ "$mb" -ge 500 ]; then
		echo "  $tree misses the target (under 5 s, 500 MB, exit 0/1, an XR997 finding)" >&2
		failed=1
	fi
done
exit $failed
