# Pinned versions of everything set-up installs outside npm. Change a pin here and set-up rebuilds it.
TEMPORAL_CLI_VERSION=1.9.1
FAKE_GCS_WRAPPER_VERSION=0.1.1
TFJS_NODE_VERSION=4.22.0
TENSORFLOW_WHEEL=tensorflow-cpu
TENSORFLOW_VERSION=2.21.0
# The wheel's C API is ABI-stable across CPython versions; pin one so any python3 can download it.
TENSORFLOW_WHEEL_PYTHON=311
TENSORFLOW_WHEEL_PLATFORM=manylinux_2_27_x86_64
