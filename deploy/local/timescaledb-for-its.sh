#!/usr/bin/env bash
# Starts or stops the TimescaleDB of a module's integration tests through deploy/local/timescaledb.sh.
#
#   timescaledb-for-its.sh start|stop STATE_DIR SCRIPT
#
# start leaves the JDBC URL in STATE_DIR/url, or why there is none in STATE_DIR/skip-reason, and always exits 0:
# no TimescaleDB must not fail the build, the TimescaleDB tests then report themselves skipped with that reason.
set -u
action=${1:?start|stop} state=${2:?state dir} script=${3:?path to timescaledb.sh}

case $action in
  start)
    mkdir -p "$state"
    rm -f "$state/url" "$state/skip-reason"
    if [ ! -f "$script" ]; then
      echo "TimescaleDB tests skipped: $script not found" >"$state/skip-reason"
    elif bash "$script" start >"$state/start.log" 2>&1 && url=$(bash "$script" url 2>>"$state/start.log") \
        && [ -n "$url" ]; then
      echo "$url" >"$state/url"
      echo "TimescaleDB for the integration tests: ${url%%\?*}"
      exit 0
    else
      rc=$?
      reason=$(grep -h 'unavailable' "$state/start.log" | tail -1)
      [ -n "$reason" ] || reason="exit $rc, last lines: $(tail -3 "$state/start.log" | tr '\n' ' ')"
      echo "TimescaleDB tests skipped: deploy/local/timescaledb.sh could not start one ($reason)" \
        >"$state/skip-reason"
    fi
    cat "$state/skip-reason" >&2
    ;;
  stop)
    # Only stop what start started (a TSDB_URL database is not ours, and the script leaves it alone anyway).
    if [ -f "$state/url" ] && [ -f "$script" ]; then
      bash "$script" stop || echo "warning: $script stop failed" >&2
    fi
    ;;
  *) echo "usage: $0 start|stop STATE_DIR SCRIPT" >&2; exit 2 ;;
esac
exit 0
