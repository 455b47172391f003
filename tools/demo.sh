#!/bin/sh
# The main job's demo: install what is missing, build, and run the
# notification demo natively and (MinGW build) under Wine.
set -eu
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
cd "$top"
"$here/setup.sh"
mkdir -p build
echo "== building (native)"
cmake -S . -B build/demo-native -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >build/demo-native.log 2>&1
cmake --build build/demo-native -j2 >>build/demo-native.log 2>&1 || { tail -30 build/demo-native.log; exit 1; }
echo "== running natively"
build/demo-native/bin/notify_demo

echo "== building (MinGW-w64)"
cmake -S . -B build/demo-mingw -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake >build/demo-mingw.log 2>&1
cmake --build build/demo-mingw -j2 >>build/demo-mingw.log 2>&1 || { tail -30 build/demo-mingw.log; exit 1; }
echo "== running under Wine"
export WINEPREFIX="$top/build/demo-mingw/wineprefix" WINEDEBUG=-all
sh "$here/wine-prefix.sh" start
rc=0
wine build/demo-mingw/bin/notify_demo.exe </dev/null 2>&1 | tr -d '\r' || rc=1
sh "$here/wine-prefix.sh" stop
exit $rc
