#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks (Debian's postgresql
# package): its files and its Unix socket in DIR, no TCP, trust
# authentication, fsync off (test data only). Run as root it runs the server
# as the postgres user (the server refuses root).
#   tests/helpers/pg_server.sh start DIR   # DIR must not exist; prints nothing
#   tests/helpers/pg_server.sh restart DIR # a fast shutdown, then a start
#   tests/helpers/pg_server.sh stop DIR    # stops it (immediate) and removes DIR
# Connect with postgresql://postgres@/postgres?host=DIR (psql, sx-sink --db).
set -euo pipefail
cmd=${1:?usage: pg_server.sh start|restart|stop DIR}
dir=${2:?usage: pg_server.sh start|restart|stop DIR}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)
if [ ! -x "$pgbin/initdb" ]; then
  echo "pg_server.sh: PostgreSQL's server (initdb, pg_ctl) is missing: run scripts/setup.sh" >&2
  exit 1
fi
as_pg=()
[ "$(id -u)" -ne 0 ] || as_pg=(runuser -u postgres --)
opts="-k $dir -c listen_addresses='' -c fsync=off"
pg_ctl() { (cd "$dir" && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" "$@" > /dev/null); }
case $cmd in
  start)
    mkdir "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    chmod 755 "$dir"
    (cd "$dir" && "${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres > /dev/null)
    pg_ctl -o "$opts" -w start ;;
  restart) pg_ctl -m fast -o "$opts" -w restart ;;
  stop)
    pg_ctl -m immediate stop 2> /dev/null || true
    rm -rf "$dir" ;;
  *) echo "usage: pg_server.sh start|restart|stop DIR" >&2; exit 2 ;;
esac
