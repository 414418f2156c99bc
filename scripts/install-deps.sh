#!/usr/bin/env bash
# Installs what cpep needs on Debian bookworm (as root, or through sudo when available).
# Skips apt entirely when everything is already installed, so repeated runs need no network.
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libsqlite3-dev libsqlitecpp-dev nlohmann-json3-dev libboost-dev
  googletest libgtest-dev
  python3 python3-pytest
  binutils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
