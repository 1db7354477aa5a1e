#!/usr/bin/env bash
# Errors (severity err or worse: 0..3) per host per hour from syslog: RFC 5424
# lines from a collector and RFC 3164 lines as rsyslog writes them to
# /var/log/syslog (no year in their timestamps: sx-read infers it from the
# file's modification time, here set to 2024-12-31, or takes --year). A line
# without PRI has no severity (null): it counts as a line, not as an error.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/collector.log" <<'LOG'
<11>1 2024-12-31T09:14:15.003Z web1 nginx 812 - - upstream timed out
<14>1 2024-12-31T09:20:00Z web1 cron 900 - - job started
<10>1 2024-12-31T09:45:31Z db1 postgres 77 - [meta seq="4"] could not write to file
LOG
cat > "$dir/syslog" <<'LOG'
<27>Dec 31 10:02:11 web2 sshd[2211]: error: maximum authentication attempts exceeded
<30>Dec 31 10:05:40 web2 systemd[1]: Started Session 42.
Dec 31 10:59:59 web2 kernel: I/O error, dev sda, sector 1234
LOG
touch -d 2024-12-31T12:00:00Z "$dir/syslog"
sx-read --format syslog --time-field timestamp "$dir/collector.log" "$dir/syslog" \
  | sx-window --tumbling 1h --by hostname \
    --agg 'count_if(severity <= 3) as errors' --agg 'count as lines' \
  | sx-sink --format markdown
