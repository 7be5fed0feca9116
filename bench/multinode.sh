#!/usr/bin/env bash
# Several nodes on PostgreSQL: tasks per second and push latency with 1 and with 3 nodes on this
# machine (demo lane, 0 ms think time, 4 runners per node). Needs the server jar
# (mvn -pl server package) and PostgreSQL on 127.0.0.1:5432 (user postgres, trust, database test).
# Usage: bench/multinode.sh [tasks=2000] [senders=16]      Results: bench/MULTINODE.md
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS=${1:-2000}
SENDERS=${2:-16}
JAR=$(mktemp -d)/lanechat-server.jar
cp server/target/lanechat-server.jar "$JAR"   # a copy: other builds may replace target/ meanwhile
PSQL="psql -h 127.0.0.1 -U postgres -d test -qAt"
PIDS=()
DB=""
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$DB" ] && $PSQL -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
}
trap cleanup EXIT

run() {
  local n=$1
  DB="lc_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
  $PSQL -c "CREATE DATABASE $DB"
  local urls=()
  PIDS=()
  for i in $(seq 1 "$n"); do
    local port=$((19100 + i))
    java -Xmx512m -jar "$JAR" serve --port "$port" --data-dir "$(mktemp -d)" \
      --db "postgresql://127.0.0.1:5432/$DB?user=postgres" --demo-delay-ms 0 \
      --send-burst 1000000 --send-per-minute 1000000 >"/tmp/$DB-node$i.log" 2>&1 &
    PIDS+=($!)
    urls+=("http://127.0.0.1:$port")
  done
  for u in "${urls[@]}"; do
    for _ in $(seq 1 120); do curl -sf "$u/api/health" >/dev/null && break; sleep 0.5; done
  done
  echo "== $n node(s)"
  java bench/multinode/MultiNodeBench.java "$TASKS" "$SENDERS" "${urls[@]}"
  cleanup
  PIDS=()
  DB=""
}

echo "machine: $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -n1), PostgreSQL $($PSQL -c 'SHOW server_version')"
run 1
run 3
