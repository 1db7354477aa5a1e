#!/usr/bin/env bash
# Installs what sx needs to build and test, from Debian packages. Idempotent:
# a no-op when everything is present. Needs root or sudo for apt-get.
# clang and libclang-rt-dev (Debian 12: clang-14, libclang-rt-14-dev, which
# holds libFuzzer and the sanitizer runtimes) build the fuzz targets.
# Usage: scripts/setup.sh [--bench]   (--bench: also the benchmark peers)
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libcli11-dev libsimdjson-dev libhowardhinnant-date-dev doctest-dev libzstd-dev
  zlib1g-dev libpcre2-dev libsqlite3-dev libpq-dev librdkafka-dev libavro-dev libcurl4-openssl-dev
  tzdata zstd jq man-db groff-base clang-format tmux sqlite3 postgresql kcat xxd
  clang libclang-rt-dev
)
if [ "${1:-}" = "--bench" ]; then
  packages+=(miller datamash time hyperfine)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
