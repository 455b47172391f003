#!/bin/sh
# Install what is missing, build every configuration and run every test:
# native, native under AddressSanitizer+UBSan, and MinGW-w64 under Wine.
# Prints ctest's summary for each; exits non-zero if any suite fails.
set -u
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
cd "$top" || exit 1
"$here/setup.sh" || exit 1
"$here/build-cmocka-mingw.sh" build/mingw-deps/cmocka || { echo "cmocka for MinGW failed to build"; exit 1; }

status=0
mkdir -p build
for preset in native asan mingw fuzz; do
    echo "=================== $preset"
    if ! cmake --preset "$preset" >"build/$preset.build.log" 2>&1 || ! cmake --build --preset "$preset" >>"build/$preset.build.log" 2>&1; then
        tail -40 "build/$preset.build.log"; echo "== $preset: BUILD FAILED"; status=1; continue
    fi
    rm -f "build/$preset.build.log"
    log="build/$preset/ctest.log"
    ctest --preset "$preset" >"$log" 2>&1; rc=$?
    if [ $rc -ne 0 ]; then
        grep -B2 -A40 -E "^[0-9]+/[0-9]+ Test +#[0-9]+: .*(Failed|\*\*\*)" "$log" | head -150
        status=1
    fi
    sed -n '/tests passed/,$p' "$log"
done
[ $status -eq 0 ] && echo "== all suites passed" || echo "== some suites FAILED"
exit $status
