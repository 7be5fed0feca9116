#!/usr/bin/env bash
# Issue 16's 100,000-socket run: NODES Lanechat nodes on one PostgreSQL (ports 19301…), one
# generator process per node from its own 127.0.0.x source address, USERS users with their
# sockets on every node, one message per user; every socket must get its task.completed.
# Needs the jars (mvn -B -DskipTests install) and PostgreSQL on 127.0.0.1:5432 (user postgres,
# trust, database test). Takes about 15 minutes at 100,000 sockets and ~8 GB of RAM.
# Usage: bench/hundred-k.sh [nodes=6] [sockets=100000] [users=sockets/100]
# Results: <work dir>/result.md (the work dir is printed; copy the figures into bench/MULTINODE.md)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then sed -n 2,8p "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
NODES=${1:-6}
SOCKETS=${2:-100000}
USERS=${3:-$((SOCKETS / 100))}
[ "$USERS" -ge 1 ] || USERS=1
WORK=$(mktemp -d /tmp/lanechat-hundredk-XXXX)
# Copies: other builds may replace target/ meanwhile.
cp server/target/lanechat-server.jar "$WORK/lanechat-server.jar"
cp bench/target/lanechat-bench.jar "$WORK/bench.jar"
PSQL="psql -h 127.0.0.1 -U postgres -d test -qAt"
DB="lc_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
cleanup() {
  pkill -f "$WORK/" 2>/dev/null || true
  sleep 1
  $PSQL -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
}
trap cleanup EXIT
$PSQL -c "CREATE DATABASE $DB"
echo "work dir: $WORK; PostgreSQL $($PSQL -c 'SHOW server_version'), max_connections $($PSQL -c 'SHOW max_connections')"
java -Xmx1g -cp "$WORK/bench.jar" dev.lanechat.bench.HundredK "$WORK" "$WORK/lanechat-server.jar" \
  "$NODES" "$SOCKETS" "$USERS" "postgresql://127.0.0.1:5432/$DB?user=postgres"
cat "$WORK/result.md"
