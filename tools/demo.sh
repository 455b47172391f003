#!/bin/sh
# The main job's demo: install what is missing, build natively and with
# MinGW-w64, then
#   - FileRep (examples/filerep): a file server and client over [async]
#     pipes.  The native server serves a folder; the native client uploads
#     a 256 MiB file and downloads it back under another name; the Windows
#     client (MinGW build, under Wine) does the same with 64 MiB against the
#     same native server.  Every copy is checked against the original
#     (sha256sum; the client also checks its FNV-1a checksum against the
#     server's) and each transfer's throughput is printed.
#   - notify_demo: the async handle API with each notification type, in
#     short, natively and under Wine.
# Exits non-zero if a build, a transfer or a check fails.
# FILEREP_DEMO_MB / FILEREP_DEMO_WINE_MB change the two file sizes (MiB).
set -u
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
cd "$top" || exit 1
"$here/setup.sh" || exit 1
native_mb=${FILEREP_DEMO_MB:-256}
wine_mb=${FILEREP_DEMO_WINE_MB:-64}
mkdir -p build
t_start=$(date +%s)

echo "== building (native)"
if ! { cmake -S . -B build/demo-native -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build build/demo-native -j2; } >build/demo-native.log 2>&1; then
    tail -30 build/demo-native.log; echo "== native build FAILED"; exit 1
fi
echo "== building (MinGW-w64)"
if ! { cmake -S . -B build/demo-mingw -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
             -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake &&
       cmake --build build/demo-mingw -j2; } >build/demo-mingw.log 2>&1; then
    tail -30 build/demo-mingw.log; echo "== MinGW build FAILED"; exit 1
fi
nbin=$top/build/demo-native/bin
wbin=$top/build/demo-mingw/bin

export WINEPREFIX="$top/build/demo-mingw/wineprefix" WINEDEBUG=-all
data=$top/build/demo-data
spid=
wine_up=0
cleanup() {
    [ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
    [ $wine_up -eq 1 ] && sh "$here/wine-prefix.sh" stop
    rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rc=0
fail() { echo "!! $*"; rc=1; }

# ------------------------------------------------------------------ FileRep
echo
echo "== FileRep: file transfer over [async] pipes (examples/filerep)"
rm -rf "$data"
mkdir -p "$data/served" "$data/client"
cd "$data/client" || exit 1
"$nbin/filerep_server" ncacn_ip_tcp "" "$data/served" >"$data/server.log" 2>&1 </dev/null &
spid=$!
i=0
until grep -q 'ready, listening' "$data/server.log" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 $spid 2>/dev/null; then
        cat "$data/server.log"; echo "== the FileRep server did not start"; exit 1
    fi
    sleep 0.1
done
ep=$(sed -n 's/.*listening on ncacn_ip_tcp:\[\([0-9]*\)\].*/\1/p' "$data/server.log")
echo "   native server: filerep_server ncacn_ip_tcp \"\" build/demo-data/served  (listening on port $ep)"
echo "   test files (pseudo-random): ${native_mb} MiB for the native client, ${wine_mb} MiB for the Windows one"
head -c $((native_mb * 1048576)) /dev/urandom >native.bin
head -c $((wine_mb * 1048576)) /dev/urandom >wine.bin

summary=""
# transfer LABEL EMULATOR CLIENT OP REMOTE LOCAL
transfer() {
    label=$1 emu=$2 prog=$3; shift 3
    $emu "$prog" ncacn_ip_tcp 127.0.0.1 "$ep" "$@" >out.txt </dev/null
    crc=$?
    tr -d '\r' <out.txt
    rate=$(tr -d '\r' <out.txt | sed -n 's/.*, \([0-9.]*\) MB\/s, fnv1a64.*/\1/p')
    secs=$(tr -d '\r' <out.txt | sed -n 's/.* bytes in \([0-9.]*\) s,.*/\1/p')
    summary="$summary$(printf '   %-34s %8s s %9s MB/s' "$label" "${secs:-?}" "${rate:-FAILED}")
"
    [ $crc -eq 0 ] || fail "$label: filerep_client exited $crc"
}

echo "-- native client: upload native.bin as native-up.bin, then download it as native-down.bin"
transfer "native put ($native_mb MiB)" "" "$nbin/filerep_client" put native-up.bin native.bin
transfer "native get ($native_mb MiB)" "" "$nbin/filerep_client" get native-up.bin native-down.bin

echo "-- Windows client (MinGW build) under Wine, same native server: wine.bin up as wine-up.bin, back as wine-down.bin"
sh "$here/wine-prefix.sh" start
wine_up=1
transfer "Wine put ($wine_mb MiB)" wine "$wbin/filerep_client.exe" put wine-up.bin wine.bin
transfer "Wine get ($wine_mb MiB)" wine "$wbin/filerep_client.exe" get wine-up.bin wine-down.bin

echo "-- server log"
kill -INT $spid
i=0
while kill -0 $spid 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
if kill -0 $spid 2>/dev/null; then
    fail "the server did not stop on Ctrl-C"
else
    wait $spid || fail "the server exited $?"
fi
spid=
sed 's/^/   /' "$data/server.log"

echo "-- checks: sha256sum of every copy against its original"
check() { # ORIGINAL COPY...
    want=$(sha256sum <"$1" | cut -d' ' -f1)
    printf '   %-22s %s  original\n' "$(basename "$1")" "$want"
    orig=$1; shift
    for f in "$@"; do
        if [ ! -f "$f" ]; then
            printf '   %-22s %-64s  MISSING\n' "${f#"$data"/}" ""; fail "$f is missing"; continue
        fi
        got=$(sha256sum <"$f" | cut -d' ' -f1)
        if [ "$got" = "$want" ]; then verdict=same; else verdict=DIFFERENT; fail "$f differs from $orig"; fi
        printf '   %-22s %s  %s\n' "${f#"$data"/}" "$got" "$verdict"
    done
}
check native.bin "$data/served/native-up.bin" native-down.bin
check wine.bin "$data/served/wine-up.bin" wine-down.bin

# ------------------------------------------------------------------ notify_demo
# Each section of notify_demo in short: its title and the client's last word.
short() {
    awk 'function flush() { if (h != "") print "   " h "\n      " (c != "" ? c : last); h = "" }
         /^\[/ { flush(); h = $0; c = last = ""; next }
         /^ /  { sub(/^ +/, ""); last = $0; if ($0 ~ /^client:/) c = $0; next }
         /^demo finished/ { flush(); print "   " $0 }' "$1"
}
echo
echo "== notify_demo: the async handle API, each notification type (in-process loopback)"
echo "-- native"
cd "$top" || exit 1
if "$nbin/notify_demo" >"$data/notify-native.txt" 2>&1; then short "$data/notify-native.txt"
else cat "$data/notify-native.txt"; fail "notify_demo failed natively"; fi
echo "-- Windows build under Wine"
if wine "$wbin/notify_demo.exe" </dev/null 2>&1 | tr -d '\r' >"$data/notify-wine.txt" &&
   grep -q '^demo finished' "$data/notify-wine.txt"; then short "$data/notify-wine.txt"
else cat "$data/notify-wine.txt"; fail "notify_demo failed under Wine"; fi

echo
echo "== summary: FileRep transfers (the client's timing: call start to RpcAsyncCompleteCall)"
printf '%s' "$summary"
if [ $rc -eq 0 ]; then
    echo "   every transfer succeeded and every copy equals its original (FNV-1a 64 and sha256)"
else
    echo "   SOME TRANSFERS OR CHECKS FAILED"
fi
echo "== demo done in $(( $(date +%s) - t_start )) s"
exit $rc
