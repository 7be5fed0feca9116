#!/usr/bin/env bash
# Cost per task against conversation length (issue 15): tasks/s on the demo lane inside a
# conversation of 10,000 messages against conversations of 10 (goal >= 0.9x), and the size of an
# openai lane's request in such a conversation (bounded by its max_context_tokens). Starts its own
# server from the jar and a stand-in OpenAI endpoint; writes bench/CONVERSATION-LENGTH.md. Not in
# CI (a few minutes on 2 cores); --smoke runs tiny counts to bench/target/.
#   bench/conversation-length.sh [--smoke] [--long 10000] [--shorts 200] [--tasks 1000] [--rounds 3] [--senders 8]
# Needs the server jar (mvn -B -q -pl server -Dexec.skip=true -DskipTests package) and jtokkit in the
# local Maven repository (the server build downloads it).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$(mktemp -d)/lanechat-server.jar
cp "${LANECHAT_JAR:-server/target/lanechat-server.jar}" "$JAR"   # a copy: other builds may replace target/
JTOKKIT=${JTOKKIT_JAR:-$HOME/.m2/repository/com/knuddels/jtokkit/1.1.0/jtokkit-1.1.0.jar}
[ -f "$JTOKKIT" ] || { echo "bench: no $JTOKKIT; build the server once (it depends on jtokkit 1.1.0)" >&2; exit 2; }
exec java -Xmx1g -cp "$JTOKKIT" bench/conversation-length/ConversationLengthBench.java \
  --server-jar "$JAR" --command "bench/conversation-length.sh $*" "$@"
