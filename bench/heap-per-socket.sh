#!/usr/bin/env bash
# Live heap per idle subscribed socket (issue 16), from two class histograms of the server:
# `jcmd PID GC.class_histogram` (which runs a full GC first) at 0 sockets and at N idle subscribed
# sockets (open mode, Jetty's WebSocket client in bench/Hold, spread over 127.0.0.2..), divided by
# the number the server counts open (lanechat_sockets_open).
#   bench/heap-per-socket.sh [N=5000] [OUT=bench/heap/run]
# Needs server/target/lanechat-server.jar and bench/target/lanechat-bench.jar.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000}
OUT=${2:-bench/heap/run}
JAR=${LANECHAT_JAR:-server/target/lanechat-server.jar}
BENCH=bench/target/lanechat-bench.jar
mkdir -p "$OUT"
DATA=$(mktemp -d)
PORT=${PORT:-18777}
java -jar "$JAR" serve --port "$PORT" --data-dir "$DATA" --max-sockets 1000000 --max-sockets-per-user 100000 \
  >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; [ -n "${HOLDS:-}" ] && kill $HOLDS 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do grep -q "listening on" "$OUT/server.log" && break; sleep 0.5; done
sleep 2
jcmd $SERVER GC.class_histogram >"$OUT/histo-0.txt"
PER=${PER:-1500}
HOLDS=""
left=$N; i=2
while [ "$left" -gt 0 ]; do
  n=$(( left < PER ? left : PER ))
  java -Xss256k -Xmx1g -XX:+UseSerialGC -cp "$BENCH" dev.lanechat.bench.Hold "ws://127.0.0.1:$PORT/ws" PLAIN "$n" "127.0.0.$i" 900 >"$OUT/hold-$i.log" 2>&1 &
  HOLDS="$HOLDS $!"
  left=$(( left - n )); i=$(( i + 1 ))
done
# Wait until the server's own count (lanechat_sockets_open) reaches N or stops growing for 20 s.
count() { curl -s -m 20 "http://127.0.0.1:$PORT/metrics" | awk '/^lanechat_sockets_open/ {print int($2)}'; }
last=-1; still=0
while :; do
  sleep 2; c=$(count); c=${c:-0}
  [ "$c" -ge "$N" ] && break
  if [ "$c" -eq "$last" ]; then still=$(( still + 2 )); else still=0; fi
  [ "$still" -ge 20 ] && [ "$c" -gt 0 ] && break
  last=$c
done
sleep 5
LIVE=$(count)
jcmd $SERVER GC.class_histogram >"$OUT/histo-N.txt"
echo "sockets open (server's count): $LIVE" | tee "$OUT/rss-N.txt"
grep -E "^VmRSS" /proc/$SERVER/status | tee -a "$OUT/rss-N.txt"
python3 bench/heap-diff.py "$OUT/histo-0.txt" "$OUT/histo-N.txt" "$LIVE" 40 | tee "$OUT/per-socket.txt"
