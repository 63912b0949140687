#!/usr/bin/env bash
# Sets up the Keras twin's Python (bench only, never npm test): a venv in bench/keras/.venv with
# tensorflow-cpu 2.21.0, from the set-up's wheel cache when it is there, else from PyPI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
wheels="${ADCLICK_WHEEL_CACHE:-$HOME/.cache/adclick/wheels}"
python="${PYTHON:-python3.11}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import tensorflow, keras' 2>/dev/null; then
  echo "keras twin: $venv already set up"
  exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
# --find-links prefers the cached wheel; the rest (keras, numpy, protobuf…) comes from PyPI.
"$venv/bin/pip" install --quiet --find-links "$wheels" tensorflow-cpu==2.21.0
"$venv/bin/python" -c 'import tensorflow as tf, keras; print("keras twin: tensorflow", tf.__version__, "keras", keras.__version__)'
