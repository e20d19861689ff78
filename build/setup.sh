#!/usr/bin/env bash
# build/setup.sh: checks for the Debian packages the build and tests need.
#
# Owns: the list of system packages, and the npm install. As root it
# installs whatever Debian package is missing (apt-get, non-interactive); as
# anyone else it prints the exact apt-get line and exits non-zero. Then, if
# node_modules is missing or older than package-lock.json, it runs npm ci.
# With everything present it runs one dpkg-query and two stats, well under
# a second. npm start, npm test and .ci/run call it.
set -euo pipefail

PACKAGES=(
  wabt            # wasm2c, wast2json
  gcc             # the C compiler for wasm2c output and boot/*.S
  gcc-multilib    # -m32: 32-bit libgcc and the i386 runtime for the conformance harness
  binutils        # ld, objdump, nm
  qemu-system-x86 # qemu-system-i386
  grub-pc-bin     # GRUB's i386-pc modules for grub-mkrescue
  grub-common     # grub-mkrescue
  xorriso         # ISO writing for grub-mkrescue
  mtools          # the EFI/El Torito image inside the ISO
  seabios         # bios.bin and vgabios-stdvga.bin for v86 (build/v86.ts)
  chromium        # the headless browser of the playground test (test/system/playground.test.ts)
  gdb             # npm run debug's debugger; test/build/debuginfo.test.ts reads .ts lines with it
)

missing=()
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]%% *}" 2>/dev/null || true)
for p in "${PACKAGES[@]}"; do
  grep -qx "$p installed" <<<"$installed" || missing+=("$p")
done

install_npm() {
  local root
  root="$(cd "$(dirname "$0")/.." && pwd)"
  if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    echo "setup: installing npm packages (npm ci)" >&2
    (cd "$root" && npm ci --no-audit --no-fund >&2)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  install_npm
  exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing Debian packages: ${missing[*]}" >&2
  echo "setup: run as root:  sudo $line" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
install_npm
