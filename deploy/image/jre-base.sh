#!/usr/bin/env bash
# Makes a container base image without a registry or a Docker daemon: a jlink'd Java runtime from a local JDK,
# the glibc libraries it links against (copied from this machine), and a passwd entry for the non-root user,
# written as a `docker save` tarball that Jib reads with `jib.from.image=tar://...`.
#
#   deploy/image/jre-base.sh OUT.tar
#
# Environment: TELEMASK_IMAGE_JDK (a JDK 21+ with jlink; default: the newest Temurin in /usr/lib/jvm, then any
# JDK 21+ there), TELEMASK_CACHE (default ~/.cache/telemask): the tarball is cached there under a key of the JDK,
# this script and the host's glibc, because jlink and gzip are most of the build's image time.
#
# Real release builds use a registry base instead (eclipse-temurin:25-jre, see deploy/README.md); this one exists
# so that the image is built and tested on machines that reach no registry.
set -euo pipefail

out=${1:?usage: jre-base.sh OUT.tar}
readonly UID_GID=10001
# java.desktop for java.beans (Flyway, HikariCP); jdk.unsupported for Netty; jdk.jcmd and jdk.jfr so that an
# operator can take thread dumps and flight recordings inside the container.
readonly MODULES=java.base,java.desktop,java.logging,java.management,java.naming,java.security.jgss,java.sql,java.xml,jdk.unsupported,jdk.management,jdk.jfr,jdk.jcmd,jdk.zipfs,jdk.naming.dns,jdk.crypto.cryptoki

die() { printf 'jre-base: error: %s\n' "$*" >&2; exit 1; }

find_jdk() {
  if [ -n "${TELEMASK_IMAGE_JDK:-}" ]; then echo "$TELEMASK_IMAGE_JDK"; return; fi
  local candidate best=''
  for candidate in /usr/lib/jvm/temurin-*-jdk* /usr/lib/jvm/*; do
    [ -x "$candidate/bin/jlink" ] || continue
    local major
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$candidate/release" 2>/dev/null)
    [ -n "$major" ] && [ "$major" -ge 21 ] || continue
    best=$candidate
    case $candidate in */temurin-*) break ;; esac
  done
  [ -n "$best" ] || die "no JDK 21+ with jlink in /usr/lib/jvm; set TELEMASK_IMAGE_JDK"
  echo "$best"
}

jdk=$(find_jdk)
[ -x "$jdk/bin/jlink" ] || die "$jdk has no bin/jlink"
libc_version=$(ldd --version 2>/dev/null | sed -n 1p)  # not head: SIGPIPE under pipefail
key=$( { cat "$jdk/release"; cat "$0"; echo "$libc_version"; } | sha256sum | cut -c1-16)
cache=${TELEMASK_CACHE:-${HOME:-/root}/.cache/telemask}/image-base
mkdir -p "$cache" "$(dirname "$out")"
if [ -f "$cache/$key.tar" ]; then
  cp "$cache/$key.tar" "$out"
  echo "jre-base: cached base image $cache/$key.tar ($jdk)"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/telemask-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/opt/java" "$root/etc" "$root/tmp" "$work/image"

"$jdk/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
  --output "$root/opt/java/openjdk"

# The shared libraries the runtime's programs and libraries need, as regular files at the paths the loader asks for.
# AWT's X11, splash screen and sound libraries are left out of the scan: a headless server never loads them, and
# their X11 and ALSA dependencies would double the layer.
find "$root/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! -name libawt_xawt.so ! -name libjawt.so ! -name libsplashscreen.so ! -name libjsound.so -print0 \
  | xargs -0 ldd 2>/dev/null \
  | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | sort -u \
  | while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
[ -f "$root/lib64/ld-linux-x86-64.so.2" ] || die "the dynamic loader was not found by ldd"

chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\ntelemask:x:%s:%s:telemask:/tmp:/sbin/nologin\n' $UID_GID $UID_GID \
  >"$root/etc/passwd"
printf 'root:x:0:\ntelemask:x:%s:\n' $UID_GID >"$root/etc/group"

# Reproducible layer: fixed owner, times and order, so the same inputs give the same digest.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$work/layer.tar" .
diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n -6 "$work/layer.tar"
mv "$work/layer.tar.gz" "$work/image/layer.tar.gz"

java_version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$jdk/release")
cat >"$work/image/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/openjdk/bin:/usr/bin:/bin","JAVA_HOME=/opt/java/openjdk","LANG=C.UTF-8","JAVA_VERSION=$java_version"],
           "Labels":{"org.opencontainers.image.description":"jlink'd Java $java_version runtime for Telemask, built offline by deploy/image/jre-base.sh"}},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/image/jre-base.sh"}]}
EOF
printf '[{"Config":"config.json","RepoTags":["telemask/jre-base:%s"],"Layers":["layer.tar.gz"]}]\n' "$key" \
  >"$work/image/manifest.json"
tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/image" -cf "$work/base.tar" manifest.json config.json layer.tar.gz
mv "$work/base.tar" "$cache/$key.tar"
cp "$cache/$key.tar" "$out"
echo "jre-base: built $out from $jdk ($(du -h "$out" | cut -f1))"
