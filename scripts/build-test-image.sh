#!/usr/bin/env bash
# Builds the local workspace image the Docker integration tests use, without a registry:
# busybox applets plus the glibc libraries that dynamically linked host binaries (git, opencode) need.
set -euo pipefail
WORK=${1:-/tmp/perch-test}
IMAGE=${PERCH_TEST_IMAGE:-perch-test/workspace:1}
docker image inspect "$IMAGE" >/dev/null 2>&1 && exit 0
echo "[image] building $IMAGE"
R="$WORK/rootfs"; rm -rf "$R"; mkdir -p "$R/bin" "$R/tmp" "$R/etc" "$R/home/workspace" "$R/lib64" "$R/lib/x86_64-linux-gnu"
chmod 1777 "$R/tmp"
cp /bin/busybox "$R/bin/"
for a in $(/bin/busybox --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
for lib in /lib/x86_64-linux-gnu/{libc.so.6,libpthread.so.0,libdl.so.2,libm.so.6,librt.so.1}; do
  [ -e "$lib" ] && cp -L "$lib" "$R/lib/x86_64-linux-gnu/"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
tar -C "$R" -c . | docker import -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
rm -rf "$R"
