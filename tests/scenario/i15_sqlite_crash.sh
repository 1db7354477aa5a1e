#!/usr/bin/env bash
# Issue 15: the SQLite sink across kill -9 (tests/scenario/lib/db_crash.sh):
# an update-mode pipeline into SQLite, 32 incremental runs, killed at random
# 20 times or more and at the fault points around the database's commit, ends
# with the failure-free table, which equals jq's counts and sums.
source "$(dirname "$0")/common.sh" "$1"
source "$ROOT/tests/scenario/lib/db_crash.sh"
command -v sqlite3 > /dev/null || fail "sqlite3 (the shell) is needed to read the tables"

sqlite_url() { echo "sqlite:$1/r.db"; }
sqlite_table() { sqlite3 "$1/r.db" 'SELECT * FROM w ORDER BY window_start, event_type'; }
db_crash "" sqlite_url sqlite_table
echo "i15_sqlite_crash: ok ($db_crash_kills kills, 32 fault points, $db_crash_rows rows)"
