#!/usr/bin/env bash
# A real TimescaleDB for Telemask's integration tests, with or without Docker.
#
#   deploy/local/timescaledb.sh start | stop | restart-immediate | kill | url | status
#
# restart-immediate: an immediate shutdown (no checkpoint) and a start.
# kill: SIGKILL to every PostgreSQL process at once, as a power cut would, and a start.
#
# Which database, first match wins:
#   1. TSDB_URL is set: that JDBC URL is used as is; start/stop do nothing.
#   2. A Docker engine answers (`docker info`): the official image
#      (TSDB_DOCKER_IMAGE, default timescale/timescaledb:2.19.3-pg17), started
#      with timescaledb.license=apache so it behaves like case 3.
#   3. Root on Debian without Docker: Debian 13's postgresql-17 and
#      postgresql-17-timescaledb (Apache-only TimescaleDB 2.19) in a
#      `debootstrap --variant=minbase trixie` folder, built once and cached,
#      run under chroot as the chroot's postgres user.
# If none works, one line on stderr says why and the exit code is 3, so that
# callers can report their tests as skipped with that reason.
#
# Environment: TSDB_URL, TELEMASK_CACHE (default ~/.cache/telemask; the rootfs
# is $TELEMASK_CACHE/trixie-tsdb), TSDB_STATE_DIR (data directory, port, logs;
# default $TELEMASK_CACHE/tsdb-state), TSDB_PASSWORD (default telemask),
# TSDB_DEBIAN_MIRROR (default: the Debian mirror of this machine's apt sources),
# TSDB_DOCKER_IMAGE, TSDB_DOCKER_NAME.
#
# The chroot's mounts (/proc, a tmpfs /dev holding null, zero, full, random
# and urandom, and the state directory at /srv/tsdb) are made in a private
# mount namespace (unshare -m) that lives exactly as long as the processes in
# it: they never show on the host, and they vanish when PostgreSQL stops or
# dies, so there is nothing to clean up and nothing that an `rm -rf` of the
# cache could follow into the host's /dev.
set -euo pipefail

readonly SUITE=trixie PG_MAJOR=17
readonly PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
readonly DB_USER=telemask DB_NAME=telemask
readonly DB_PASSWORD=${TSDB_PASSWORD:-telemask}
readonly CACHE=${TELEMASK_CACHE:-${HOME:-/root}/.cache/telemask}
readonly ROOTFS=$CACHE/$SUITE-tsdb
readonly ROOTFS_MARK=$ROOTFS/.telemask-tsdb-complete
STATE_DIR=${TSDB_STATE_DIR:-$CACHE/tsdb-state}
case $STATE_DIR in /*) ;; *) STATE_DIR=$PWD/$STATE_DIR ;; esac
readonly STATE_DIR
readonly LOG=$STATE_DIR/timescaledb.log
readonly IN_STATE=/srv/tsdb            # where STATE_DIR appears inside the chroot
readonly DOCKER_IMAGE=${TSDB_DOCKER_IMAGE:-timescale/timescaledb:2.19.3-pg17}
readonly DOCKER_NAME=${TSDB_DOCKER_NAME:-telemask-tsdb}
readonly READY_TIMEOUT_S=60

say() { printf 'timescaledb: %s\n' "$*"; }
die() { printf 'timescaledb: error: %s\n' "$*" >&2; exit 1; }
# No way to get a database here: callers report their tests as skipped.
unavailable() { printf 'timescaledb: unavailable: %s\n' "$*" >&2; exit 3; }

log_setup() { mkdir -p "$STATE_DIR" && printf '\n=== %s %s\n' "$(date -Is)" "$*" >>"$LOG"; }

# Serialises start/stop/restart on one state directory.
lock_state() { mkdir -p "$STATE_DIR"; exec 8>"$STATE_DIR/lock"; flock 8; }

url_for_port() {
  printf 'jdbc:postgresql://127.0.0.1:%s/%s?user=%s&password=%s\n' "$1" "$DB_NAME" "$DB_USER" "$DB_PASSWORD"
}

port_in_use() {
  if command -v ss >/dev/null; then
    [ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# A free port outside Linux's ephemeral range (32768-60999).
pick_port() {
  local i p
  for i in $(seq 1 100); do
    p=$((15432 + (RANDOM + i) % 15000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "no free TCP port found on 127.0.0.1"
}

docker_answers() { command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; }

# chroot (recorded when an instance was started), docker or external.
current_mode() {
  if [ -n "${TSDB_URL:-}" ]; then echo external; return; fi
  if [ -f "$STATE_DIR/mode" ]; then cat "$STATE_DIR/mode"; return; fi
  if docker_answers; then echo docker; else echo chroot; fi
}

# ---------------------------------------------------------------- docker --

docker_running() { [ "$(docker inspect -f '{{.State.Running}}' "$DOCKER_NAME" 2>/dev/null)" = true ]; }

docker_wait_ready() {
  local i
  for i in $(seq 1 $((READY_TIMEOUT_S * 4))); do
    # -h 127.0.0.1: the image's first-run init server listens on the socket only.
    docker exec "$DOCKER_NAME" pg_isready -q -h 127.0.0.1 -U "$DB_USER" -d "$DB_NAME" && return 0
    docker_running || break
    [ "$i" -lt $((READY_TIMEOUT_S * 4)) ] && sleep 0.25
  done
  docker logs --tail 30 "$DOCKER_NAME" >>"$LOG" 2>&1 || true
  die "container $DOCKER_NAME did not become ready (see $LOG)"
}

docker_start() {
  if docker_running; then say "OK, already running (docker $DOCKER_NAME)"; return; fi
  if docker inspect "$DOCKER_NAME" >/dev/null 2>&1; then
    say "starting container $DOCKER_NAME"
    docker start "$DOCKER_NAME" >>"$LOG" 2>&1 || die "docker start failed (see $LOG)"
  else
    say "creating container $DOCKER_NAME from $DOCKER_IMAGE (log: $LOG)"
    docker run -d --name "$DOCKER_NAME" -p 127.0.0.1::5432 \
      -e POSTGRES_USER="$DB_USER" -e POSTGRES_PASSWORD="$DB_PASSWORD" -e POSTGRES_DB="$DB_NAME" \
      -e TIMESCALEDB_TELEMETRY=off "$DOCKER_IMAGE" \
      -c timescaledb.telemetry_level=off -c timescaledb.license=apache >>"$LOG" 2>&1 \
      || unavailable "docker run $DOCKER_IMAGE failed (see $LOG)"
  fi
  docker_wait_ready
  docker exec "$DOCKER_NAME" psql -q -X -v ON_ERROR_STOP=1 -U "$DB_USER" -d "$DB_NAME" \
    -c 'CREATE EXTENSION IF NOT EXISTS timescaledb' >>"$LOG" 2>&1 || die "CREATE EXTENSION failed (see $LOG)"
  docker port "$DOCKER_NAME" 5432/tcp | sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' | head -n1 >"$STATE_DIR/port"
  echo docker >"$STATE_DIR/mode"
  say "OK, running at 127.0.0.1:$(cat "$STATE_DIR/port") (docker $DOCKER_NAME)"
}

docker_stop() {
  if docker_running; then
    docker stop -t 60 "$DOCKER_NAME" >>"$LOG" 2>&1 || die "docker stop failed (see $LOG)"
  fi
  rm -f "$STATE_DIR/mode"
  say "stopped"
}

docker_restart_immediate() {
  if docker_running; then
    say "immediate shutdown (SIGQUIT to the postmaster)"
    docker kill -s QUIT "$DOCKER_NAME" >>"$LOG" 2>&1 || true
    docker wait "$DOCKER_NAME" >>"$LOG" 2>&1 || true
  fi
  docker_start
}

docker_kill() {
  if docker_running; then
    say "SIGKILL to every process of the container"
    docker kill -s KILL "$DOCKER_NAME" >>"$LOG" 2>&1 || true
    docker wait "$DOCKER_NAME" >>"$LOG" 2>&1 || true
  fi
  docker_start
}

# ---------------------------------------------------------------- chroot --

debian_mirror() {
  if [ -n "${TSDB_DEBIAN_MIRROR:-}" ]; then echo "$TSDB_DEBIAN_MIRROR"; return; fi
  local m
  m=$({
    grep -hsi '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources | cut -d: -f2- | tr -s ' \t' '\n'
    grep -hs '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
      | sed 's/\[[^]]*\]//' | awk '{print $2}'
  } | grep -E '^https?://[^[:space:]]+/debian/?$' | head -n1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

# Runs "$@" chrooted into $1 inside a private mount namespace with /proc, a
# minimal /dev and, unless $2 is "-", the state directory $2 at /srv/tsdb.
# $3 is "root" or uid:gid.
in_chroot() {
  # shellcheck disable=SC2016 # expanded by the inner sh
  unshare --mount --propagation private -- /bin/sh -euc '
    R=$1 S=$2 U=$3; shift 3
    mount -t tmpfs -o mode=0755,size=64k,nosuid,noexec tmpfs "$R/dev"
    for d in null zero full random urandom; do : >"$R/dev/$d"; mount --bind "/dev/$d" "$R/dev/$d"; done
    ln -s /proc/self/fd "$R/dev/fd"
    ln -s /proc/self/fd/0 "$R/dev/stdin"; ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
    mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
    if [ "$S" != - ]; then mount --bind "$S" "$R'"$IN_STATE"'"; fi
    if [ "$U" = root ]; then exec chroot "$R" "$@"; fi
    exec chroot --userspec="$U" --groups="${U#*:}" "$R" "$@"
  ' sh "$@"
}

pg_ids() { awk -F: '$1 == "postgres" { print $3 ":" $4 }' "$ROOTFS/etc/passwd"; }

# A PostgreSQL tool of the chroot, as postgres, with the state directory mounted.
pg() {
  in_chroot "$ROOTFS" "$STATE_DIR" "$(pg_ids)" /usr/bin/env -i PATH="$PGBIN:/usr/bin:/bin" \
    HOME=/var/lib/postgresql LANG=C.UTF-8 LC_ALL=C.UTF-8 PGHOST="$IN_STATE/run" "$@"
}

# rm -rf that refuses to run over anything mounted below the directory.
remove_tree() {
  local d=$1
  [ -e "$d" ] || return 0
  if awk -v p="$d/" '{ if (index($5 "/", p) == 1) found = 1 } END { exit !found }' /proc/self/mountinfo; then
    die "refusing to delete $d: something is mounted below it"
  fi
  rm -rf --one-file-system -- "$d"
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return
  say "installing debootstrap with apt-get"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >>"$LOG" 2>&1; then
    { apt-get update -q >>"$LOG" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >>"$LOG" 2>&1; } \
      || unavailable "could not install debootstrap with apt-get (see $LOG)"
  fi
}

BUILD_TMP=
build_cleanup() { if [ -n "$BUILD_TMP" ]; then remove_tree "$BUILD_TMP" || true; fi; }

# Builds $ROOTFS once: into a temporary folder that is renamed when complete.
ensure_rootfs() {
  [ -f "$ROOTFS_MARK" ] && return
  [ "$(id -u)" = 0 ] || unavailable "no TSDB_URL, no Docker engine, and not root (needed to build and chroot into a Debian $SUITE rootfs)"
  { [ -f /etc/debian_version ] && command -v apt-get >/dev/null; } \
    || unavailable "no TSDB_URL, no Docker engine, and not a Debian host (needed for debootstrap)"
  mkdir -p "$CACHE"
  local started mirror include=
  exec 9>"$CACHE/.$SUITE-tsdb.lock"
  flock 9
  if [ -f "$ROOTFS_MARK" ]; then exec 9>&-; return; fi
  ensure_debootstrap
  local old
  for old in "$CACHE/.$SUITE-tsdb.build."*; do [ -e "$old" ] && remove_tree "$old"; done
  [ -e "$ROOTFS" ] && remove_tree "$ROOTFS"   # an incomplete folder from an older layout
  mirror=$(debian_mirror)
  case $mirror in https:*) include=--include=ca-certificates ;; esac
  started=$SECONDS
  BUILD_TMP=$(mktemp -d "$CACHE/.$SUITE-tsdb.build.XXXXXX")
  chmod 755 "$BUILD_TMP"                     # it becomes /: mktemp made it 0700
  trap build_cleanup EXIT
  say "building the Debian $SUITE rootfs once, into $ROOTFS (~1-2 min; log: $LOG)"
  say "debootstrap --variant=minbase $SUITE from $mirror"
  # In its own mount namespace, so that its /proc and /dev mounts can't outlive it.
  unshare --mount --propagation private -- debootstrap --variant=minbase ${include:+"$include"} \
    "$SUITE" "$BUILD_TMP" "$mirror" >>"$LOG" 2>&1 \
    || unavailable "debootstrap $SUITE from $mirror failed (see $LOG)"
  # No daemon starts and no default cluster while packages install.
  printf '#!/bin/sh\nexit 101\n' >"$BUILD_TMP/usr/sbin/policy-rc.d"
  chmod 755 "$BUILD_TMP/usr/sbin/policy-rc.d"
  mkdir -p "$BUILD_TMP/etc/postgresql-common/createcluster.d" "$BUILD_TMP$IN_STATE"
  echo 'create_main_cluster = false' >"$BUILD_TMP/etc/postgresql-common/createcluster.d/telemask.conf"
  cp -L /etc/resolv.conf "$BUILD_TMP/etc/resolv.conf" 2>/dev/null || true
  say "installing postgresql-$PG_MAJOR and postgresql-$PG_MAJOR-timescaledb"
  in_chroot "$BUILD_TMP" - root /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 /bin/sh -ec "
      apt-get update -q
      apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold \
        postgresql-$PG_MAJOR postgresql-$PG_MAJOR-timescaledb
      apt-get clean
      rm -rf /var/lib/apt/lists/*" >>"$LOG" 2>&1 \
    || unavailable "installing postgresql-$PG_MAJOR-timescaledb in the $SUITE rootfs failed (see $LOG)"
  if ! [ -x "$BUILD_TMP$PGBIN/postgres" ] || ! [ -f "$BUILD_TMP/usr/lib/postgresql/$PG_MAJOR/lib/timescaledb.so" ]; then
    unavailable "the $SUITE rootfs lacks postgres or timescaledb.so (see $LOG)"
  fi
  chroot "$BUILD_TMP" dpkg-query -W "postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-timescaledb" >"$BUILD_TMP/.telemask-tsdb-complete"
  mv -T "$BUILD_TMP" "$ROOTFS"
  BUILD_TMP=
  trap - EXIT
  exec 9>&-
  say "rootfs ready in $((SECONDS - started))s: $(versions)"
}

versions() { tr '\t\n' '= ' <"$ROOTFS_MARK" | sed 's/ $//'; }

postmaster_pid() {
  local f=$STATE_DIR/pgdata/postmaster.pid pid
  [ -f "$f" ] || return 1
  pid=$(head -n1 "$f")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ] || return 1
  # A zombie (killed, not yet reaped) is not running: field 3 of stat is the state.
  [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" != Z ] || return 1
  echo "$pid"
}

chroot_running() { postmaster_pid >/dev/null; }

# Settings that the script owns; rewritten on every start, included last.
write_conf() {
  cat >"$STATE_DIR/pgdata/telemask.conf" <<EOF
# Written by deploy/local/timescaledb.sh on every start: edit the script, not this.
port = $1
listen_addresses = '127.0.0.1'
unix_socket_directories = '$IN_STATE/run'
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
# The chroot has no /dev/shm: anonymous mmap for the main segment, System V for
# dynamic shared memory (parallel query).
shared_memory_type = mmap
dynamic_shared_memory_type = sysv
huge_pages = off
EOF
}

init_datadir() {
  local ids=$1 init=$STATE_DIR/pgdata.init
  say "initialising a new data directory in $STATE_DIR/pgdata"
  remove_tree "$init"
  mkdir -m 700 "$init"
  chown "$ids" "$init"
  pg initdb -D "$IN_STATE/pgdata.init" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
    --data-checksums --auth-local=peer --auth-host=scram-sha-256 >>"$LOG" 2>&1 \
    || die "initdb failed (see $LOG)"
  printf "\ninclude_if_exists = 'telemask.conf'\n" >>"$init/postgresql.conf"
  mv -T "$init" "$STATE_DIR/pgdata"
}

# Closes every descriptor above 2 of the current (sub)shell.
close_fds() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
  done
}

wait_ready() {
  local port=$1 i
  for i in $(seq 1 $((READY_TIMEOUT_S * 4))); do
    pg pg_isready -q -h 127.0.0.1 -p "$port" && return 0
    # Gone (or never wrote its pid file after 5 s): it won't become ready.
    if [ -f "$STATE_DIR/pgdata/postmaster.pid" ] || [ "$i" -gt 20 ]; then chroot_running || return 1; fi
    sleep 0.25
  done
  return 1
}

setup_sql() {
  pg psql -X -q -v ON_ERROR_STOP=1 -p "$1" -d postgres -v u="$DB_USER" -v pw="$DB_PASSWORD" -v db="$DB_NAME" <<'EOF'
SELECT format('CREATE ROLE %I LOGIN', :'u') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'u') \gexec
ALTER ROLE :"u" WITH LOGIN PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'u') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
\connect :db
CREATE EXTENSION IF NOT EXISTS timescaledb;
EOF
}

chroot_start() {
  if chroot_running; then say "OK, already running at 127.0.0.1:$(cat "$STATE_DIR/port")"; return; fi
  ensure_rootfs
  [ "$(id -u)" = 0 ] || unavailable "not root (needed to chroot into $ROOTFS)"
  local ids port started=$SECONDS
  ids=$(pg_ids)
  [ -n "$ids" ] || die "no postgres user in $ROOTFS/etc/passwd"
  [ -f "$STATE_DIR/pgdata/PG_VERSION" ] || init_datadir "$ids"
  install -d -m 0750 -o "${ids%:*}" -g "${ids#*:}" "$STATE_DIR/run"
  [ -f "$STATE_DIR/postgres.log" ] || install -m 0640 -o "${ids%:*}" -g "${ids#*:}" /dev/null "$STATE_DIR/postgres.log"
  for _ in 1 2 3; do
    port=$(cat "$STATE_DIR/port" 2>/dev/null || true)
    if [ -z "$port" ] || port_in_use "$port"; then port=$(pick_port); echo "$port" >"$STATE_DIR/port"; fi
    write_conf "$port"
    say "starting PostgreSQL $PG_MAJOR + TimescaleDB on 127.0.0.1:$port (server log: $STATE_DIR/postgres.log)"
    # The postmaster outlives this script: it must hold none of its descriptors
    # (the state lock, or a caller's pipe that someone reads until EOF).
    (close_fds; pg pg_ctl -D "$IN_STATE/pgdata" -l "$IN_STATE/postgres.log" -W start >>"$LOG" 2>&1) \
      || die "pg_ctl start failed (see $LOG)"
    if wait_ready "$port"; then break; fi
    if chroot_running; then die "not ready after ${READY_TIMEOUT_S}s (see $STATE_DIR/postgres.log)"; fi
    # Someone took the port between the check and the bind: pick another one.
    if tail -n 20 "$STATE_DIR/postgres.log" | grep -q 'could not bind\|Address already in use'; then
      rm -f "$STATE_DIR/port"; continue
    fi
    die "PostgreSQL did not start; last lines of $STATE_DIR/postgres.log: $(tail -n 3 "$STATE_DIR/postgres.log" | tr '\n' ' ')"
  done
  chroot_running || die "PostgreSQL did not start (port conflicts, see $STATE_DIR/postgres.log)"
  if ! setup_sql "$port" >>"$LOG" 2>&1; then
    chroot_stop fast >/dev/null   # so that the next start tries again
    die "creating role/database/extension failed (see $LOG)"
  fi
  echo chroot >"$STATE_DIR/mode"
  say "OK, running at 127.0.0.1:$port in $((SECONDS - started))s (chroot $ROOTFS, data $STATE_DIR/pgdata)"
}

# $1: fast or immediate
chroot_stop() {
  if ! chroot_running; then say "stopped (was not running)"; return; fi
  say "stopping PostgreSQL ($1 mode)"
  pg pg_ctl -D "$IN_STATE/pgdata" -m "$1" -w -t 120 stop >>"$LOG" 2>&1 || die "pg_ctl stop -m $1 failed (see $LOG)"
  say "stopped"
}

# SIGKILL to the postmaster and its children together. Their lock files stay behind (PostgreSQL would remove them
# itself, except that a killed postmaster nobody reaps lingers as a zombie whose PID still answers); the shared
# memory interlock still keeps a new server from starting while any old process lives.
chroot_kill() {
  local pid children
  if ! pid=$(postmaster_pid); then say "not running: nothing to kill"; return; fi
  children=$(ps -o pid= --ppid "$pid" || true)
  say "SIGKILL to the postmaster ($pid) and its children ($(echo $children))"
  # shellcheck disable=SC2086 # one PID per word
  kill -KILL "$pid" $children 2>/dev/null || true
  for _ in $(seq 1 100); do chroot_running || break; sleep 0.1; done
  chroot_running && die "the postmaster survived SIGKILL"
  rm -f "$STATE_DIR/pgdata/postmaster.pid" "$STATE_DIR"/run/.s.PGSQL.*.lock
}

chroot_status() {
  local pid
  if pid=$(postmaster_pid); then
    say "running (chroot, pid $pid) at 127.0.0.1:$(cat "$STATE_DIR/port"), data $STATE_DIR/pgdata, $(versions)"
    return 0
  fi
  if [ -f "$ROOTFS_MARK" ]; then say "stopped (rootfs $ROOTFS built)"; else say "stopped (rootfs not built yet)"; fi
  return 1
}

# ------------------------------------------------------------------ main --

usage() { echo "usage: $0 start | stop | restart-immediate | kill | url | status" >&2; exit 2; }

main() {
  [ $# -eq 1 ] || usage
  local cmd=$1 mode
  case $cmd in start | stop | restart-immediate | kill | url | status) ;; *) usage ;; esac
  mode=$(current_mode)
  if [ "$mode" = external ]; then
    case $cmd in
      url) echo "$TSDB_URL" ;;
      status) say "external database (TSDB_URL)" ;;
      *) say "TSDB_URL is set: nothing to $cmd" ;;
    esac
    return 0
  fi
  case $cmd in
    url)
      if { [ "$mode" = docker ] && docker_running; } || { [ "$mode" = chroot ] && chroot_running; }; then
        url_for_port "$(cat "$STATE_DIR/port")"
      else
        echo "timescaledb: not running (run: $0 start)" >&2; return 1
      fi
      return 0 ;;
    status)
      if [ "$mode" = docker ]; then
        if docker_running; then say "running (docker $DOCKER_NAME) at 127.0.0.1:$(cat "$STATE_DIR/port")"; return 0; fi
        say "stopped (docker)"; return 1
      fi
      chroot_status; return ;;
  esac
  lock_state
  log_setup "$cmd"
  # A stopped instance's recorded mode doesn't bind the next start.
  if [ "$cmd" = start ] && [ -f "$STATE_DIR/mode" ]; then
    if ! { [ "$mode" = docker ] && docker_running; } && ! { [ "$mode" = chroot ] && chroot_running; }; then
      rm -f "$STATE_DIR/mode"; mode=$(current_mode)
    fi
  fi
  case $mode:$cmd in
    docker:start) docker_start ;;
    docker:stop) docker_stop ;;
    docker:restart-immediate) docker_restart_immediate ;;
    docker:kill) docker_kill ;;
    chroot:start) chroot_start ;;
    chroot:stop) chroot_stop fast ;;
    chroot:restart-immediate)
      chroot_stop immediate
      chroot_start ;;
    chroot:kill)
      chroot_kill
      chroot_start ;;
  esac
}

main "$@"
