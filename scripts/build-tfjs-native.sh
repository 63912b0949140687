#!/usr/bin/env bash
# Builds the tfjs-node addon from source against the TensorFlow C API inside PyPI's TensorFlow wheel
# (tfjs-node's own installer downloads libtensorflow from a host we cannot reach), caches the result
# outside the repo, and links it into node_modules. GPU images call it with TFJS_PACKAGE=tfjs-node-gpu
# and TENSORFLOW_WHEEL=tensorflow.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/tool-versions.sh
source scripts/lib/wheels.sh
package="${TFJS_PACKAGE:-tfjs-node}"
wheel_name="${TENSORFLOW_WHEEL_OVERRIDE:-$TENSORFLOW_WHEEL}"
pkg_dir="node_modules/@tensorflow/$package"
# node-pre-gyp loads lib/napi-vN for the highest N the package lists that this Node supports.
napi=$(node -p "Math.max(...require('./$pkg_dir/package.json').binary.napi_versions.filter(v => v <= +process.versions.napi))")
# The binding patch is part of the build: a changed patch builds anew.
patch_id=$(sha256sum scripts/lib/patch-tfjs-binding.mjs | cut -c1-8)
key="$package-$TFJS_NODE_VERSION-$wheel_name-$TENSORFLOW_VERSION-napi$napi-$(uname -m)-binding$patch_id"
built="$cache/tfjs/$key"

if [ ! -f "$built/.complete" ]; then
  log "building $package addon against $wheel_name==$TENSORFLOW_VERSION (one time)"
  wheel=$(fetch_wheel "$wheel_name" "$TENSORFLOW_VERSION" \
    --python-version "$TENSORFLOW_WHEEL_PYTHON" --platform "$TENSORFLOW_WHEEL_PLATFORM")
  rm -rf "$built" && mkdir -p "$built/deps/lib" "$built/unpacked"
  unzip -q -o "$wheel" -d "$built/unpacked" \
    'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' \
    'tensorflow/include/tensorflow/c/*' 'tensorflow/include/tensorflow/core/platform/ctstring*' \
    'tensorflow/include/tsl/*' 'tensorflow/include/xla/tsl/c/*'
  mv "$built/unpacked/tensorflow/include" "$built/deps/include"
  mv "$built/unpacked/tensorflow/"lib*.so.2 "$built/deps/lib/"
  rm -rf "$built/unpacked"
  # binding.gyp links -ltensorflow; the wheel names the same C API libtensorflow_cc.
  ln -s libtensorflow_cc.so.2 "$built/deps/lib/libtensorflow.so"
  ln -s libtensorflow_framework.so.2 "$built/deps/lib/libtensorflow_framework.so"
  # tfjs-node's install script treats this file as "libtensorflow present".
  ln -s libtensorflow_cc.so.2 "$built/deps/lib/libtensorflow.so.2.9.1"
  cp -r "$pkg_dir/binding" "$pkg_dir/binding.gyp" "$built/"
  node scripts/lib/patch-tfjs-binding.mjs "$built/binding/tfjs_backend.cc"
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  (cd "$built" && node "$gyp" rebuild --nodedir="$node_prefix" --napi_build_version="$napi" \
    --module_name=tfjs_binding --module_path="lib/napi-v$napi" --loglevel=warn >&2)
  mkdir -p "$built/lib/napi-v$napi"
  cp "$built/build/Release/tfjs_binding.node" "$built/lib/napi-v$napi/"
  rm -rf "$built/build" "$built/binding" "$built/binding.gyp"
  touch "$built/.complete"
fi

# Link the cached build into the package (the addon's rpath finds deps/lib beside lib/).
if [ "$(readlink "$pkg_dir/lib" 2>/dev/null)" != "$built/lib" ]; then
  rm -rf "$pkg_dir/lib" "$pkg_dir/deps"
  ln -s "$built/lib" "$pkg_dir/lib"
  ln -s "$built/deps" "$pkg_dir/deps"
fi
