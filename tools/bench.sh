#!/bin/bash
# tools/bench.sh - build the benchmarks (bench/) and run them all, each
# against its baseline in the same run; writes bench/results/RESULTS.md
# (tables and the machine), bench/results/bench.svg (the plot), and the raw
# outputs bench/results/native.tsv and wine.tsv.  Not part of ctest or CI.
#
#   1. native (build/native): bench_server in one process, bench_client in
#      another: async pipe throughput each way over ncacn_ip_tcp and
#      ncalrpc with pushes of 4 KiB..1 MiB against raw TCP / Unix sockets,
#      and null-call latency and calls/s, [async] with 1/16/256 in flight
#      and synchronous with 1/16 threads, against raw request/response;
#   2. under Wine (build/mingw): synchronous null calls, asyncrpc.dll
#      against Wine's own rpcrt4 (widl stubs), same programs, same run.
#
# Environment: BENCH_REPS (7), BENCH_TIME (0.4 s per call measurement),
# BENCH_MIB (128 MiB per pipe transfer, a quarter at 4 KiB pushes),
# BENCH_ONLY (a case-name filter for bench_client), BENCH_WINE_REPS (5),
# BENCH_WINE_TIME (2.0 s), BENCH_NO_WINE=1 (skip Wine), BENCH_NOTE (the
# caveat printed at the top of RESULTS.md).  About 2 minutes in all.
set -u
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
cd "$top" || exit 1

REPS=${BENCH_REPS:-7}
TIME=${BENCH_TIME:-0.4}
MIB=${BENCH_MIB:-128}
WINE_REPS=${BENCH_WINE_REPS:-5}
WINE_TIME=${BENCH_WINE_TIME:-2.0}
NOTE=${BENCH_NOTE:-"Noisy by nature: 2 virtual CPUs shared by both ends (and by anything else running), so numbers vary about 30 % from run to run; compare ratios within one run."}

out=bench/results
work=build/native/bench-run
start_s=$(date +%s)
load=$(cut -d' ' -f1-3 /proc/loadavg)

"$here/setup.sh" || exit 1
if ! command -v python3 >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq --no-install-recommends python3 >/dev/null || exit 1
fi

# ------------------------------------------------------------------ build
mkdir -p build "$out"
echo "== building (build/native)"
if [ ! -f build/native/CMakeCache.txt ]; then
    cmake --preset native >build/bench-native.log 2>&1 || { tail -30 build/bench-native.log; exit 1; }
fi
cmake --build build/native --target bench_server bench_client -j2 >build/bench-native.log 2>&1 ||
    { tail -30 build/bench-native.log; exit 1; }

wine_ok=0
if [ -z "${BENCH_NO_WINE:-}" ] && command -v wine >/dev/null 2>&1 && command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
    echo "== building (build/mingw)"
    ok=1
    if [ ! -f build/mingw/CMakeCache.txt ]; then
        { "$here/build-cmocka-mingw.sh" build/mingw-deps/cmocka && cmake --preset mingw; } >build/bench-mingw.log 2>&1 || ok=0
    fi
    if [ $ok = 1 ] && cmake --build build/mingw -j2 --target bench_wnull_server_ours bench_wnull_client_ours \
            bench_wnull_server_rpcrt4 bench_wnull_client_rpcrt4 >>build/bench-mingw.log 2>&1; then
        wine_ok=1
    else
        tail -30 build/bench-mingw.log
        echo "== the MinGW build failed: no Wine benchmark"
    fi
fi

# ------------------------------------------------------------------ cleanup
rm -rf "$work"; mkdir -p "$work"
spid=
wine_started=0
cleanup() {
    exec 3>&-
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    if [ "$wine_started" = 1 ]; then
        wineserver -k </dev/null >/dev/null 2>&1
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ------------------------------------------------------------------ native
echo "== native: bench_server + bench_client (reps $REPS, ${TIME} s per call case, $MIB MiB per transfer)"
mkfifo "$work/server.stdin" || exit 1
build/native/bin/bench_server <"$work/server.stdin" >"$work/server.log" 2>&1 &
spid=$!
exec 3>"$work/server.stdin"    # the server stops at end of file
for _ in $(seq 1 100); do
    grep -q 'ready' "$work/server.log" 2>/dev/null && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
done
ready=$(grep 'ready' "$work/server.log") || { echo "bench_server did not start:"; cat "$work/server.log"; exit 1; }
field() { echo "$ready" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
client_args=(--rpc-tcp "$(field rpc_tcp)" --rpc-lrpc "$(field rpc_lrpc)" --raw-tcp "$(field raw_tcp)"
             --raw-unix "$(field raw_unix)" --reps "$REPS" --time "$TIME" --mib "$MIB")
[ -n "${BENCH_ONLY:-}" ] && client_args+=(--only "$BENCH_ONLY")
build/native/bin/bench_client "${client_args[@]}" >"$out/native.tsv" 3>&-
crc=$?
exec 3>&-
for _ in $(seq 1 50); do
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
done
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
spid=
if [ $crc -ne 0 ]; then
    echo "bench_client failed ($crc); server log:"; cat "$work/server.log"; exit 1
fi

# ------------------------------------------------------------------ Wine
: >"$out/wine.tsv"
if [ $wine_ok = 1 ]; then
    echo "== Wine: synchronous null calls, asyncrpc.dll vs Wine's rpcrt4 ($WINE_REPS x ${WINE_TIME} s each)"
    # A prefix of the benchmark's own: the tests' prefix is stopped by
    # their fixtures (wineserver -k) whenever they end.
    export WINEPREFIX="$top/build/mingw/bench-wineprefix" WINEDEBUG=-all
    mkdir -p "$WINEPREFIX"
    wine_started=1
    wineserver -p </dev/null >/dev/null 2>&1
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        echo "   (booting the Wine prefix once)"
        timeout 180 wine wineboot -u </dev/null >/dev/null 2>&1
        wineserver -p </dev/null >/dev/null 2>&1
    fi
    free_port() {
        local p hex
        for _ in $(seq 1 200); do
            p=$(( 20000 + RANDOM % 40000 ))
            hex=$(printf ':%04X ' "$p")
            grep -q "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$p"; return 0; }
        done
        return 1
    }
    bin=build/mingw/bin
    # wine_pair IMPL REP: one server and one client; appends the client's
    # result line to wine.tsv.  1 if either failed.
    wine_pair() {
        local impl=$1 rep=$2 port slog clog crc line
        port=$(free_port) || { echo "no free port"; return 1; }
        slog="$work/wine-$impl-$rep-server.log" clog="$work/wine-$impl-$rep-client.log"
        timeout -k 5 60 wine "$bin/bench_wnull_server_$impl.exe" "$port" 50 </dev/null >"$slog" 2>&1 &
        spid=$!
        for _ in $(seq 1 300); do
            grep -q 'listening on' "$slog" 2>/dev/null && break
            kill -0 "$spid" 2>/dev/null || break
            sleep 0.1
        done
        crc=1
        if grep -q 'listening on' "$slog"; then
            timeout -k 5 60 wine "$bin/bench_wnull_client_$impl.exe" "$port" "$WINE_TIME" shutdown \
                </dev/null >"$clog" 2>&1
            crc=$?
        else
            echo "wnull server ($impl) did not start:" >&2; tr -d '\r' <"$slog" | head -5 >&2
        fi
        if [ $crc -eq 0 ]; then  # the server ends by itself after Shutdown
            for _ in $(seq 1 50); do
                kill -0 "$spid" 2>/dev/null || break
                sleep 0.1
            done
        fi
        kill "$spid" 2>/dev/null
        wait "$spid" 2>/dev/null
        spid=
        line=$(tr -d '\r' <"$clog" 2>/dev/null | grep '^wnull:')
        if [ $crc -ne 0 ] || [ -z "$line" ]; then
            echo "wnull client ($impl, run $rep) failed ($crc): $(tr -d '\r' <"$clog" 2>/dev/null | head -1)" >&2
            return 1
        fi
        echo "WINE $impl $rep $line" >>"$out/wine.tsv"
        printf '%-40s %s\n' "wine sync null $impl (run $rep)" "${line#wnull: }" >&2
    }
    # A crashing program ends at once instead of starting winedbg.
    export WINEDLLOVERRIDES="winedbg.exe=d;winemenubuilder.exe=d"
    for rep in $(seq 1 "$WINE_REPS"); do
        # alternate which goes first
        if [ $((rep % 2)) = 1 ]; then impls="ours rpcrt4"; else impls="rpcrt4 ours"; fi
        for impl in $impls; do
            # one retry: a failure is counted in RESULTS.md, not fatal
            wine_pair "$impl" "$rep" || { echo "WINE-FAILED $impl $rep" >>"$out/wine.tsv"; wine_pair "$impl" "$rep"; } ||
                echo "WINE-FAILED $impl $rep" >>"$out/wine.tsv"
        done
    done
    wineserver -k </dev/null >/dev/null 2>&1
    wine_started=0
fi

# ------------------------------------------------------------------ report
python3 bench/report.py --native "$out/native.tsv" --wine "$out/wine.tsv" --md "$out/RESULTS.md" \
    --svg "$out/bench.svg" --load "$load" --note "$NOTE" || exit 1
echo "== wrote $out/RESULTS.md and $out/bench.svg in $(( $(date +%s) - start_s )) s"
