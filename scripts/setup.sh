#!/usr/bin/env bash
# Installs everything vpcheck needs on a fresh Debian 12 machine (run as root), then checks that
# every program vpcheck or its tests run is there. Idempotent: a second run installs nothing and
# takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"

# The one list of programs: name, the Debian package that ships it, who needs it. The lab reads
# this table too (lib/targets/lab/bootstrap.ts) and checks its own programs before it builds.
PROGRAMS='
ovsdb-server    openvswitch-switch  lab
ovsdb-tool      openvswitch-switch  lab
ovs-vswitchd    openvswitch-switch  lab
ovs-vsctl       openvswitch-switch  lab
ovs-appctl      openvswitch-switch  lab
ovs-ofctl       openvswitch-common  lab
ovn-northd      ovn-central         lab
ovn-nbctl       ovn-central         lab
ovn-sbctl       ovn-central         lab
ovn-trace       ovn-central         lab
ovn-controller  ovn-host            lab
ip              iproute2            lab
ss              iproute2            lab
ping            iputils-ping        lab
fping           fping               lab
nc              netcat-openbsd      lab
socat           socat               lab
timeout         coreutils           lab
iptables        iptables            lab
ethtool         ethtool             lab
sysctl          procps              lab
ps              procps              lab
sshd            openssh-server      lab
script          bsdutils            lab
bash            bash                lab
busybox         busybox             lab
sh              dash                tests
agetty          util-linux          tests
ssh             openssh-client      tests
ssh-keygen      openssh-client      tests
ssh-agent       openssh-client      tests
ssh-add         openssh-client      tests
openssl         openssl             tests
python3         python3             tests
chromium        chromium            reports
'

missing=()
for p in $(awk 'NF { print $2 }' <<<"$PROGRAMS" | sort -u); do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
fi

absent=()
while read -r program pkg _; do
  [ -n "$program" ] && ! command -v "$program" >/dev/null && absent+=("$program (Debian package $pkg)")
done <<<"$PROGRAMS"
if ((${#absent[@]})); then
  printf 'setup: missing after install: %s\n' "${absent[@]}" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

# The bundle bin/vpcheck.js runs (scripts/build.js); rebuilt when a source it holds is newer or gone.
bundle_stale() {
  [ -f dist/inputs.txt ] && [ -f dist/vpcheck.js ] || return 0
  while read -r f; do
    { [ ! -e "$f" ] || [ "$f" -nt dist/vpcheck.js ]; } && return 0
  done <dist/inputs.txt
  return 1
}
if bundle_stale; then
  echo "setup: bundling the command line into dist/" >&2
  node scripts/build.js
fi
