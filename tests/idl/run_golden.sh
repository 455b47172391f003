#!/bin/sh
# run_golden.sh COMPILER SRC_DIR [INCLUDE_DIR]
# For every golden/*.idl (with its .acf, if any): generate the header and
# stubs, diff the header against golden/NAME.h.expected, and compile the
# header and both stubs with -Werror natively and, when available, with
# x86_64-w64-mingw32-gcc (the MinGW SDK headers behind INCLUDE_DIR).
# Options for a file come from a "// golden-options: ..." line in it; a stub
# that the options do not ask for (-client none / -server none) is not
# compiled.  golden/NAME.use.c, when present, is application code that uses
# the generated header; it is compiled (-Werror) the same two ways.
# Imported files' headers: golden/import/*.idl (for -I import) are compiled
# to headers first, and the built-in ms-dtyp.idl and wtypes.idl too; a
# header that imports wtypes.idl compiles natively against the generated
# wtypes.h and with MinGW against the SDK's (as a user's would).
# ASYNCRPC_IDL_UPDATE=1 rewrites the expected headers instead of diffing.
set -u
COMPILER=$1
SRC=$(cd "$2" && pwd)
INC=${3:-$SRC/../../include}
INC=$(cd "$INC" && pwd)
CC=${CC_NATIVE:-cc}
MINGW=${MINGW_CC:-x86_64-w64-mingw32-gcc}
WARN="-std=c11 -Wall -Wextra -Werror -Wclobbered -Wshadow=local -Wstrict-prototypes -Wmissing-prototypes"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/idlgolden.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail=0
have_mingw=0
command -v "$MINGW" >/dev/null 2>&1 && have_mingw=1

# headers of imported files
SYSP="$TMP/sys-posix"   # + wtypes.h: what POSIX builds get from asyncrpc-idl
SYSW="$TMP/sys-win"     # wtypes.h is the SDK's
mkdir -p "$SYSP" "$SYSW"
for b in wtypes.idl ms-dtyp.idl; do
    if ! "$COMPILER" -client none -server none -out "$SYSP" "$b"; then
        echo "FAIL: the compiler cannot write the header of the built-in $b"
        fail=1
    fi
done
cp "$SYSP/ms-dtyp.h" "$SYSW/" 2>/dev/null
for idl in "$SRC"/golden/import/*.idl; do
    (cd "$SRC/golden/import" && "$COMPILER" -client none -server none -out "$SYSW" "$(basename "$idl")") ||
        { echo "FAIL: $idl"; fail=1; }
done
cp "$SYSW"/*.h "$SYSP/" 2>/dev/null
cp "$SRC"/golden/import/*.h "$SYSP/" 2>/dev/null
cp "$SRC"/golden/import/*.h "$SYSW/" 2>/dev/null

for idl in "$SRC"/golden/*.idl; do
    name=$(basename "$idl" .idl)
    before=$fail
    fail=0
    out="$TMP/$name"
    mkdir -p "$out"
    opts=$(sed -n 's@^// golden-options: *@@p' "$idl")
    # run from the golden folder so the inputs are named as in the expected files
    if ! (cd "$SRC/golden" && "$COMPILER" $opts -out "$out" "$name.idl"); then
        echo "FAIL $name: the compiler failed"
        fail=1
        continue
    fi
    if [ "${ASYNCRPC_IDL_UPDATE:-0}" = 1 ]; then
        cp "$out/$name.h" "$SRC/golden/$name.h.expected"
        echo "updated $name.h.expected"
    elif ! diff -u "$SRC/golden/$name.h.expected" "$out/$name.h"; then
        echo "FAIL $name: header differs from golden/$name.h.expected"
        fail=1
    fi
    printf '#include "%s.h"\n' "$name" > "$out/use_header.c"
    for cc in native mingw; do
        if [ $cc = native ]; then c=$CC; sys=$SYSP; else c=$MINGW; sys=$SYSW; [ $have_mingw = 1 ] || continue; fi
        if ! $c $WARN -fsyntax-only -I"$out" -I"$sys" -I"$INC" "$out/use_header.c"; then
            echo "FAIL $name: header does not compile ($cc)"
            fail=1
        fi
        for stub in "${name}_c.c" "${name}_s.c"; do
            [ -f "$out/$stub" ] || continue
            if ! $c $WARN -O2 -c -I"$out" -I"$sys" -I"$INC" "$out/$stub" -o "$out/$stub.$cc.o"; then
                echo "FAIL $name: $stub does not compile ($cc)"
                fail=1
            fi
        done
        if [ -f "$SRC/golden/$name.use.c" ] &&
           ! $c $WARN -c -I"$out" -I"$sys" -I"$INC" "$SRC/golden/$name.use.c" -o "$out/$name.use.$cc.o"; then
            echo "FAIL $name: golden/$name.use.c does not compile with the header ($cc)"
            fail=1
        fi
    done
    [ $fail = 0 ] && echo "ok   $name"
    [ $before = 1 ] && fail=1
done
[ $have_mingw = 1 ] || echo "note: $MINGW not found, MinGW compile checks skipped"
exit $fail
