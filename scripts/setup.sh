#!/usr/bin/env bash
# Installs everything vpcheck needs on a fresh Debian 12 machine (run as root), then checks that
# every program vpcheck or its tests run is there. The programs and their packages are listed
# once, in lib/targets/lab/programs.json (the lab checks the same list before it builds).
# Idempotent: a second run installs nothing and takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"

# "program package" per line; node is already here (npm needs it), jq may not be.
list=$(node -e '
  const { programs } = JSON.parse(require("fs").readFileSync("lib/targets/lab/programs.json", "utf8"));
  for (const [program, { package: pkg }] of Object.entries(programs)) console.log(program, pkg);')

mapfile -t debs < <(cut -d' ' -f2 <<<"$list" | sort -u)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
fi

absent=()
while read -r program pkg; do
  command -v "$program" >/dev/null || absent+=("$program (Debian package $pkg)")
done <<<"$list"
if ((${#absent[@]})); then
  printf 'setup: missing after install: %s\n' "${absent[@]}" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
