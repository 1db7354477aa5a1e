#!/usr/bin/env bash
# The demo: 40 generated clickstream events, a little out of order, read with a
# 10-minute watermark in epochs of 20 records, and shown as tables per epoch.
set -euo pipefail
sx-gen --events 40 --seed 7 --late-fraction 0.1 \
  | sx-read --time-field timestamp --watermark 10m --max-records-per-trigger 20 \
  | sx-sink --format table --num-rows 5
