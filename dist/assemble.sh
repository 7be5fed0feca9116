#!/bin/sh
# Builds the linux-x64 download, lanechat-<version>-linux-x64.tar.gz, from the two shaded jars
# (run by dist/pom.xml at package; see its top comment). The tarball holds one folder:
#   lanechat-<version>/bin/lanechat                the launcher (same commands as ./lanechat)
#   lanechat-<version>/runtime/                    a Java runtime made by jlink (no JDK needed)
#   lanechat-<version>/lib/lanechat-{server,client}.jar
#   lanechat-<version>/lib/native/libsqlitejdbc.so sqlite-jdbc's native library for linux-x64
#   lanechat-<version>/lib/systemd/lanechat.service
#   lanechat-<version>/etc/lanes.yaml              a sample lanes file
#   lanechat-<version>/etc/nginx/lanechat.conf     docs/nginx/lanechat.conf, the README's nginx setup
# The runtime's module list (dist.modules in dist/pom.xml) comes from
#   jdeps --print-module-deps --ignore-missing-deps --multi-release 17 server/target/lanechat-server.jar
# Usage: assemble.sh VERSION JAVA_HOME MODULES SERVER_JAR CLIENT_JAR FILES_DIR NGINX_CONF OUT_DIR
set -eu

version=$1 java_home=$2 modules=$3 server_jar=$4 client_jar=$5 files=$6 nginx_conf=$7 out=$8
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
server_jar=$(absolute "$server_jar") client_jar=$(absolute "$client_jar") out=$(absolute "$out")
name="lanechat-$version"
work="$out/dist-work"
stage="$work/$name"
tarball="$out/$name-linux-x64.tar.gz"
jar_tool="$java_home/bin/jar"
start=$(date +%s)

rm -rf "$work" "$tarball"
mkdir -p "$stage/lib/native"
cp -R "$files/." "$stage/"
mkdir -p "$stage/etc/nginx"
cp "$nginx_conf" "$stage/etc/nginx/lanechat.conf"
chmod 0755 "$stage/bin/lanechat"

# The runtime: the modules jdeps lists for both jars (see dist/pom.xml), nothing else. Modules
# are stored uncompressed: the tarball's gzip packs them better than jlink's own zip would.
# jlink runs beside the jar repacking below (each takes one core for a few seconds).
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=0 --output "$stage/runtime" &
jlink_pid=$!

# The server jar without sqlite-jdbc's native libraries for ~20 other platforms (43 MB of its
# 31 MB jar, unpacked): linux-x64's goes to lib/native, where the launcher points sqlite-jdbc.
unpacked="$work/server-jar"
mkdir -p "$unpacked"
(cd "$unpacked" && "$jar_tool" xf "$server_jar")
native="$unpacked/org/sqlite/native/Linux/x86_64/libsqlitejdbc.so"
[ -f "$native" ] || { echo "assemble: no $native in $server_jar" >&2; exit 1; }
cp "$native" "$stage/lib/native/libsqlitejdbc.so"
rm -rf "$unpacked/org/sqlite/native"
mv "$unpacked/META-INF/MANIFEST.MF" "$work/server-manifest.mf"
"$jar_tool" --create --file "$stage/lib/lanechat-server.jar" --manifest "$work/server-manifest.mf" -C "$unpacked" .
cp "$client_jar" "$stage/lib/lanechat-client.jar"
wait "$jlink_pid" || { echo "assemble: jlink failed" >&2; exit 1; }

tar -C "$work" -czf "$tarball" "$name"
rm -rf "$unpacked"
echo "assemble: $tarball ($(du -k "$tarball" | cut -f1) KiB; unpacked $(du -sk "$stage" | cut -f1) KiB; $(($(date +%s) - start)) s)"
