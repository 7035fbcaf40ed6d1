#!/usr/bin/env bash
# System packages memcap needs beyond Node (idempotent; run as root or with sudo):
#  - Mesa's lavapipe Vulkan driver from bookworm-backports (25.x) for the WebGPU backend on CPU;
#    bookworm's own 22.3 is rejected by Dawn ("shaderUniform*ArrayDynamicIndexing required").
#  - chromium for the report's headless-browser test (driven by playwright-core, no browser download).
#  - pari-gp for the rank benchmark against PARI/GP (bench/ only).
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=()
dpkg -s libvulkan1 >/dev/null 2>&1 || need+=(libvulkan1)
ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 || need+=(mesa-vulkan-drivers)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v gp >/dev/null 2>&1 || need+=(pari-gp)
[ ${#need[@]} -eq 0 ] && { echo "setup-system: everything present"; exit 0; }
. /etc/os-release
if [ "${VERSION_CODENAME:-}" = bookworm ] && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb http://deb.debian.org/debian bookworm-backports main" | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
BP=""; [ "${VERSION_CODENAME:-}" = bookworm ] && BP="-t bookworm-backports"
$SUDO apt-get install -y -qq --no-install-recommends libvulkan1 >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends $BP mesa-vulkan-drivers >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium pari-gp >/dev/null
echo "setup-system: installed ${need[*]}"
