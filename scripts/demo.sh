#!/usr/bin/env bash
# Sets up, builds and runs the demo: generated clickstream events through a
# real sx pipeline, shown as Spark-console-style tables.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
export PATH="$PWD/build/bin:$PATH"
exec examples/demo.sh
