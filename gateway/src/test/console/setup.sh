#!/usr/bin/env bash
# Prepares the fleet console's browser test: Debian's Chromium (installed when missing and we are root) and
# playwright-core from the npm registry (pinned by package-lock.json, installed into the given folder). Never fails
# the build: when something cannot be had, it writes the reason to <dir>/skip-reason and ConsoleBrowserIT reports
# itself skipped with it. Re-runnable: an install that matches the lock file is kept.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:?usage: setup.sh <work-dir>}"
chromium="${CHROMIUM:-/usr/bin/chromium}"
mkdir -p "$dir"
rm -f "$dir/skip-reason"

skip() {
  echo "console browser test set-up: $1" >&2
  printf '%s\n' "$1" > "$dir/skip-reason"
  exit 0
}

if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" != 0 ]; then
    skip "$chromium is missing and installing Debian's chromium needs root (apt-get install chromium)"
  fi
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be absent on a fresh machine; a failed install is retried once after an update.
  if ! apt-get install -y -q chromium >"$dir/apt.log" 2>&1; then
    { apt-get update -q && apt-get install -y -q chromium; } >>"$dir/apt.log" 2>&1 \
      || skip "apt-get install chromium failed (see $dir/apt.log)"
  fi
  [ -x "$chromium" ] || skip "apt-get installed chromium but $chromium is not there"
fi

command -v node >/dev/null || skip "node is not installed (the browser script runs on Node.js)"
command -v npm >/dev/null || skip "npm is not installed (it installs playwright-core)"

cp "$here/package.json" "$here/package-lock.json" "$here"/*.mjs "$dir/"
if ! cmp -s "$here/package-lock.json" "$dir/node_modules/.package-lock.json.installed" 2>/dev/null; then
  # playwright-core has no install script and downloads no browser; the variable is belt and braces.
  if ! (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund \
        >"$dir/npm.log" 2>&1); then
    skip "npm ci of playwright-core failed (see $dir/npm.log)"
  fi
  cp "$here/package-lock.json" "$dir/node_modules/.package-lock.json.installed"
fi
echo "console browser test set-up: $("$chromium" --version 2>/dev/null), playwright-core $(node -p \
  "require('$dir/node_modules/playwright-core/package.json').version")"
