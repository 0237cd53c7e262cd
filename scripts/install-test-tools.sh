#!/usr/bin/env bash
# Installs the real parts the tests run against, from the package registries, into
# target/test-tools (nothing outside the checkout is touched):
#   - HashiCorp's HCL parser and formatter, as WebAssembly builds (npm @cdktf/hcl2json,
#     @cdktf/hcl-tools): the referees for "valid HCL" and "terraform fmt-clean";
#   - moto (a local AWS emulator), boto3 and the AWS CLI (PyPI), for the account tests;
#   - Go and HashiCorp's hcl/v2 and go-cty as Go source (Debian's packages), from which
#     tests/differential.rs builds its referee evaluator.
# A test whose tool is absent fails, naming this script: none passes by doing nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/target/test-tools"
mkdir -p "$tools/npm"

if [ ! -d "$tools/npm/node_modules/@cdktf/hcl-tools" ]; then
  npm install --prefix "$tools/npm" --no-audit --no-fund --silent \
    @cdktf/hcl2json@0.21.0 @cdktf/hcl-tools@0.21.0
fi

if [ ! -x "$tools/venv/bin/moto_server" ]; then
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install -q --disable-pip-version-check \
    'moto[server]==5.2.5' 'boto3==1.44.5' 'awscli==1.46.3'
fi
# Debian's packages (system-wide: they need root, or sudo without a password).
debs=(golang-go golang-github-hashicorp-hcl-v2-dev golang-github-zclconf-go-cty-dev)
missing=()
for d in "${debs[@]}"; do
  dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=(); else sudo=(sudo -n); fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null ||
    { "${sudo[@]}" apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null; } || {
    echo "cannot install ${missing[*]} (apt-get needs root): install them, then rerun" >&2
    exit 1
  }
fi
echo "test tools ready in $tools"
