#!/usr/bin/env bash
# Builds the local JRE base image the Docker image test builds Perch's Dockerfile on, without a registry
# (the Dockerfile's default base, eclipse-temurin:17-jre, cannot be pulled here). It is laid out like that
# image (the runtime in /opt/java/openjdk, on PATH): a jlink'ed Java SE runtime from the host's JDK, the
# shared libraries it links, and busybox for the Dockerfile's one RUN step.
# Needs the JDK's jmods (Debian: openjdk-17-jmods), busybox-static and a Docker engine.
set -euo pipefail
WORK=${1:-/tmp/perch-test}
IMAGE=${PERCH_TEST_JRE_IMAGE:-perch-test/jre:17}
docker image inspect "$IMAGE" >/dev/null 2>&1 && exit 0
JDK=${PERCH_TEST_JDK:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}}
[ -d "$JDK/jmods" ] || { echo "[jre] $JDK has no jmods (Debian: apt-get install openjdk-17-jmods)" >&2; exit 1; }
echo "[jre] building $IMAGE from $JDK"
R="$WORK/jre-rootfs"; rm -rf "$R"; mkdir -p "$R/bin" "$R/tmp" "$R/etc" "$R/opt/java"
chmod 1777 "$R/tmp"
# Java SE plus what Netty (jdk.unsupported), TLS (jdk.crypto.ec), Micrometer (jdk.management) and more
# character sets (jdk.charsets) use; no debug symbols, man pages or headers; uncompressed (jlink is faster)
"$JDK/bin/jlink" --module-path "$JDK/jmods" --output "$R/opt/java/openjdk" \
  --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.zipfs,jdk.naming.dns,jdk.charsets \
  --strip-debug --no-man-pages --no-header-files
# the CA certificates: Debian's JDK keeps them outside the jmods (a symlink into /etc/ssl/certs/java)
[ -s "$JDK/lib/security/cacerts" ] && cp -L "$JDK/lib/security/cacerts" "$R/opt/java/openjdk/lib/security/cacerts"
# every shared library the runtime's binaries link, from the host, at the same paths
find "$R/opt/java/openjdk" -type f \( -name '*.so' -o -perm -u+x \) -print0 |
  xargs -0 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*[^:]$/ { print $1 }' | sort -u |
  while read -r lib; do mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"; done
cp /bin/busybox "$R/bin/"
for a in sh mkdir; do ln -s busybox "$R/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
tar -C "$R" -c . | docker import \
  -c 'ENV JAVA_HOME=/opt/java/openjdk' \
  -c 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'CMD ["java", "-version"]' - "$IMAGE" >/dev/null
rm -rf "$R"
