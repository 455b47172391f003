#!/bin/sh
# run_errors.sh COMPILER SRC_DIR
# Every errors/*.idl names its expected first diagnostic in a comment
# "// expect: FILE:LINE:COL: error: MESSAGE"; the compiler must print exactly
# that as its first line on stderr, exit non-zero and write no output file.
set -u
COMPILER=$1
SRC=$(cd "$2" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/idlerr.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail=0
for idl in "$SRC"/errors/*.idl; do
    name=$(basename "$idl")
    expect=$(sed -n 's@^// expect: *@@p' "$idl" | head -n 1)
    if [ -z "$expect" ]; then
        echo "FAIL $name: no '// expect:' line"
        fail=1
        continue
    fi
    rm -rf "$TMP/gen"
    mkdir "$TMP/gen"
    (cd "$SRC/errors" && "$COMPILER" -out "$TMP/gen" "$name") >"$TMP/out" 2>"$TMP/err"
    rc=$?
    got=$(head -n 1 "$TMP/err")
    left=$(ls "$TMP/gen")
    if [ $rc = 0 ]; then
        echo "FAIL $name: exit status 0"
        fail=1
    elif [ "$got" != "$expect" ]; then
        echo "FAIL $name"
        echo "  expected: $expect"
        echo "  got:      $got"
        fail=1
    elif [ -n "$left" ]; then
        echo "FAIL $name: output files written despite the error: $left"
        fail=1
    else
        echo "ok   $name"
    fi
done
exit $fail
