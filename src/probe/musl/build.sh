#!/usr/bin/env bash
# Builds the musl resolver client (static, so it runs in any namespace) into the cache:
# ${DNSCONFORM_CACHE:-~/.cache/dnsconform}/musl/dnsc-resolve. Fast when already up to date.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)/resolve.c"
out="${DNSCONFORM_CACHE:-$HOME/.cache/dnsconform}/musl/dnsc-resolve"
if ! command -v musl-gcc >/dev/null; then
  echo "musl-gcc not found: install musl-tools (apt-get install musl-tools) to run the musl resolver probes" >&2
  exit 0
fi
[ -x "$out" ] && [ "$out" -nt "$src" ] && exit 0
mkdir -p "$(dirname "$out")"
musl-gcc -static -O2 -Wall -Wextra -o "$out.tmp" "$src"
mv "$out.tmp" "$out"
