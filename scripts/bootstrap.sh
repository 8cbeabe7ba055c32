#!/bin/sh
# Installs the Debian packages frugal needs when they are missing (run as root, or
# with sudo available). Set FRUGAL_BOOTSTRAP_EXTRA for more (e.g. "gnuplot-nox clang").
set -eu
pkgs="build-essential cmake pkg-config libsodium-dev libjson-c-dev python3 ${FRUGAL_BOOTSTRAP_EXTRA:-}"
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "bootstrap: installing$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends $missing
