#!/usr/bin/env bash
# The full benchmark suite (issue 8): installs the peers (npm ci), builds the bench jar, starts
# Lanechat and the peers as their own processes on 127.0.0.1, runs the five scenarios with one load
# generator, and writes bench/RESULTS.md and bench/*.png. About 20 minutes on 2 cores.
#   bench/run.sh                      # everything
#   bench/run.sh --scenarios 2,4      # some scenarios (their sections of RESULTS.md are rewritten,
#                                     # the others kept)
#   bench/run.sh --targets lanechat   # Lanechat only
#   bench/run.sh --smoke              # tiny counts (what mvn verify runs), to a throwaway folder
#   bench/run.sh --help               # this text
# Other sizes and stores: --tp-tasks N, --storm-sockets N --storm-users N, --fan-sockets N
# --fan-users N --fan-rates R,R,... (one other fan-out ladder), --pg URL|none (bench Params, Bench).
# A/B of builds and JVM flags: LANECHAT_JAR=/path/server.jar runs that jar; LANECHAT_SERVER_JVM_ARGS
# ("-XX:TieredStopAtLevel=1", say) go to the server's JVM only, not the generator's.
# Needs the server jar (mvn -B -q -pl server -DskipTests package), Node 20 + npm, and PostgreSQL at
# 127.0.0.1:5432 (user postgres, trust) for the PostgreSQL rows (skipped when it is not there).
set -euo pipefail
# --help before anything runs: the bench itself ignores flags it does not know, so it would start
# the whole 20-minute suite.
for a in "$@"; do
  if [ "$a" = "--help" ] || [ "$a" = "-h" ]; then sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0; fi
done
cd "$(dirname "$0")/.."
JAR=${LANECHAT_JAR:-server/target/lanechat-server.jar}
[ -f "$JAR" ] || { echo "bench: no $JAR; build it: mvn -B -q -pl server -Dexec.skip=true -DskipTests package" >&2; exit 2; }
OUT=bench
for a in "$@"; do [ "$a" = "--smoke" ] && OUT=bench/target/smoke-run; done
# The peers' packages, unless installed since the lockfile changed: a second `npm ci` in the same
# folder while a run starts its peers removes node_modules under them ("Cannot find module 'ws'").
P=bench/peers/node_modules
if [ ! -f $P/.package-lock.json ] || [ bench/peers/package-lock.json -nt $P/.package-lock.json ] \
    || [ ! -f $P/ws/package.json ] || [ ! -f $P/socket.io/package.json ]; then
  (cd bench/peers && npm ci --no-audit --no-fund --loglevel=error)
fi
(cd bench && mvn -B -q -DskipTests package)
exec java -Xmx6g -Dbench.command="bench/run.sh $*" -jar bench/target/lanechat-bench.jar \
  --out "$OUT" --server-jar "$JAR" --peers bench/peers "$@"
