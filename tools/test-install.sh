#!/bin/sh
# Install the build in $1 into a scratch prefix, then build an outside
# project against it with find_package(asyncrpc) and with pkg-config, and run
# both (natively; for a cross build ($2 = toolchain file) build only).
set -eu
build=$(realpath "$1"); toolchain=${2:-}
src=$(cd "$(dirname "$0")/.." && pwd)
scratch="$build/install-test"
rm -rf "$scratch"; mkdir -p "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
test -f "$scratch/prefix/include/asyncrpc/rpcasync.h"

set -- -S "$src/tests/install_consumer" -B "$scratch/cmake" -DCMAKE_PREFIX_PATH="$scratch/prefix"
# A cross toolchain re-roots CMAKE_PREFIX_PATH under its find root; naming
# the package directory directly is not re-rooted.
[ -n "$toolchain" ] && set -- "$@" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -Dasyncrpc_DIR="$(dirname "$(find "$scratch/prefix" -name asyncrpcConfig.cmake | head -1)")"
cmake "$@" >"$scratch/cmake.log" 2>&1 || { cat "$scratch/cmake.log"; exit 1; }
cmake --build "$scratch/cmake" >>"$scratch/cmake.log" 2>&1 || { cat "$scratch/cmake.log"; exit 1; }

pc="$scratch/prefix/lib/pkgconfig"
[ -d "$pc" ] || pc=$(dirname "$(find "$scratch/prefix" -name asyncrpc.pc | head -1)")
if [ -z "$toolchain" ]; then
    cc=cc; out="$scratch/consumer-pc"
else
    cc=x86_64-w64-mingw32-gcc; out="$scratch/consumer-pc.exe"
fi
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Werror -o "$out" "$src/tests/install_consumer/consumer.c" \
    $(PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs asyncrpc)
if [ -z "$toolchain" ]; then
    LD_LIBRARY_PATH="$scratch/prefix/lib:$(dirname "$(find "$scratch/prefix" -name 'libasyncrpc.so*' | head -1)")" \
        "$scratch/cmake/consumer"
    LD_LIBRARY_PATH="$(dirname "$(find "$scratch/prefix" -name 'libasyncrpc.so*' | head -1)")" "$out"
else
    test -f "$scratch/prefix/bin/asyncrpc.dll"
    echo "cross build: consumer built with find_package and pkg-config"
fi
