#!/bin/bash
# run_pair.sh - drive the asyncrpc <-> Wine rpcrt4 interop programs.
#
#   run_pair.sh MODE WORKDIR NATIVE_SERVER NATIVE_CLIENT WINE_SERVER_EXE WINE_CLIENT_EXE
#
# MODE
#   wine-client  the asyncrpc server, called by the Wine-rpcrt4 client
#   wine-server  the Wine-rpcrt4 server, called by the asyncrpc client
#   tshark       both pairs again while dumpcap captures lo; tshark must
#                dissect the capture as DCE/RPC with no malformed packet and
#                no error-level expert item, and must show bind, bind_ack,
#                request and response packets for each pair
#
# WORKDIR (in the build folder) holds the Wine prefix (booted once, kept),
# the logs and the capture.  Every process started here is ended on exit
# (trap), the prefix's wineserver included.  Environment: WINE, WINESERVER,
# DUMPCAP, TSHARK override the programs found on PATH; INTEROP_TIMEOUT (s)
# bounds each program (default 60).
#
# Exit status: 0 pass, 1 fail, 77 skip (capture not permitted).
set -u

mode=${1:?mode}; workdir=${2:?workdir}
native_server=${3:?native server}; native_client=${4:?native client}
wine_server=${5:?wine server exe}; wine_client=${6:?wine client exe}

WINE=${WINE:-wine}
WINESERVER=${WINESERVER:-wineserver}
DUMPCAP=${DUMPCAP:-dumpcap}
TSHARK=${TSHARK:-tshark}
TMO=${INTEROP_TIMEOUT:-60}

mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
export WINEPREFIX="$workdir/wineprefix" WINEDEBUG=-all
logdir="$workdir/logs-$mode"
rm -rf "$logdir"; mkdir -p "$logdir"

pids=()
capture_pid=
wine_started=0
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    [ -n "$capture_pid" ] && kill -TERM "$capture_pid" 2>/dev/null
    for p in "${pids[@]}" $capture_pid; do
        wait "$p" 2>/dev/null
    done
    if [ "$wine_started" = 1 ]; then
        "$WINESERVER" -k </dev/null >/dev/null 2>&1
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ------------------------------------------------------------------ helpers
port_in_use() {
    local hex
    hex=$(printf ':%04X ' "$1")
    grep -q "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# A free TCP port from 20000-59999, starting from one derived from $$.
free_port() {
    local p=$(( 20000 + ($$ * 7 + RANDOM) % 40000 ))
    for _ in $(seq 1 200); do
        if ! port_in_use "$p"; then
            echo "$p"; return 0
        fi
        p=$(( 20000 + (p - 20000 + 1) % 40000 ))
    done
    echo "no free port" >&2
    return 1
}

# Boot the prefix once (kept in WORKDIR), then keep a persistent wineserver
# for this run; every stream to /dev/null, or Wine's services inherit them
# (../../tools/wine-prefix.sh).
wine_start() {
    wine_started=1
    mkdir -p "$WINEPREFIX"
    "$WINESERVER" -p </dev/null >/dev/null 2>&1
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        echo "booting the Wine prefix $WINEPREFIX"
        timeout 180 "$WINE" wineboot -u </dev/null >/dev/null 2>&1
        "$WINESERVER" -p </dev/null >/dev/null 2>&1
    fi
}

# wait_listening LOG PID: until LOG says "listening on", or PID died, or 30 s.
wait_listening() {

    for _ in $(seq 1 300); do
        grep -q "listening on" "$1" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# run_pair NAME SERVER_KIND CLIENT_KIND PORT: one server, one client; the
# client calls Shutdown, the server must then exit 0 by itself.  Output goes
# to files (never a pipe: see wine_start), shown afterwards.
run_pair() {
    local name=$1 skind=$2 ckind=$3 port=$4 spid rc=0 crc src
    local slog="$logdir/$name-server.log" clog="$logdir/$name-client.log"
    echo "== $name: $skind server, $ckind client, port $port"
    if [ "$skind" = native ]; then
        timeout -k 5 "$TMO" "$native_server" "$port" "$TMO" </dev/null >"$slog" 2>&1 &
    else
        timeout -k 5 "$TMO" "$WINE" "$wine_server" "$port" "$TMO" </dev/null >"$slog" 2>&1 &
    fi
    spid=$!
    pids+=("$spid")
    if ! wait_listening "$slog" "$spid"; then
        echo "FAIL: the $skind server did not start listening"
        sed 's/^/  server: /' "$slog"
        return 1
    fi
    if [ "$ckind" = native ]; then
        timeout -k 5 "$TMO" "$native_client" "$port" </dev/null >"$clog" 2>&1
    else
        timeout -k 5 "$TMO" "$WINE" "$wine_client" "$port" </dev/null >"$clog" 2>&1
    fi
    crc=$?
    # The server ends by itself after Shutdown; give it a few seconds.
    for _ in $(seq 1 50); do
        kill -0 "$spid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$spid" 2>/dev/null; then
        kill "$spid" 2>/dev/null
        echo "FAIL: the $skind server was still running after the client finished"
        rc=1
    fi
    wait "$spid"; src=$?
    pids=()
    sed 's/^/  client: /' "$clog"
    sed 's/^/  server: /' "$slog"
    if [ "$crc" != 0 ]; then
        echo "FAIL: the $ckind client exited with $crc"
        rc=1
    fi
    if [ "$src" != 0 ] && [ "$rc" = 0 ]; then
        echo "FAIL: the $skind server exited with $src"
        rc=1
    fi
    [ "$rc" = 0 ] && echo "PASS: $name"
    return $rc
}

# ------------------------------------------------------------------ modes
case "$mode" in
wine-client)
    wine_start
    port=$(free_port) || exit 1
    run_pair rpcrt4_wine_client_native_server native wine "$port"
    exit $? ;;
wine-server)
    wine_start
    port=$(free_port) || exit 1
    run_pair rpcrt4_native_client_wine_server wine native "$port"
    exit $? ;;
tshark)
    ;;
*)
    echo "unknown mode $mode" >&2; exit 2 ;;
esac

# tshark: capture both pairs on lo, then dissect.
wine_start
p1=$(free_port) || exit 1
p2=$p1
while [ "$p2" = "$p1" ]; do p2=$(free_port) || exit 1; done
cap="$workdir/interop.pcapng"
rm -f "$cap"
"$DUMPCAP" -q -i lo -f "tcp port $p1 or tcp port $p2" -w "$cap" </dev/null >"$logdir/dumpcap.log" 2>&1 &
capture_pid=$!
for _ in $(seq 1 100); do
    grep -q "Capturing on" "$logdir/dumpcap.log" 2>/dev/null && break
    kill -0 "$capture_pid" 2>/dev/null || break
    sleep 0.1
done
if ! kill -0 "$capture_pid" 2>/dev/null || ! grep -q "Capturing on" "$logdir/dumpcap.log"; then
    echo "SKIP: dumpcap cannot capture on lo:"
    cat "$logdir/dumpcap.log"
    capture_pid=
    exit 77
fi

pairs_rc=0
run_pair tshark_wine_client_native_server native wine "$p1" || pairs_rc=1
run_pair tshark_native_client_wine_server wine native "$p2" || pairs_rc=1
sleep 0.5        # let the last segments reach the capture
kill -TERM "$capture_pid"
wait "$capture_pid"
capture_pid=

fail=0
decode=(-d "tcp.port==$p1,dcerpc" -d "tcp.port==$p2,dcerpc")
echo "== tshark: $cap (ports $p1, $p2)"
total=$("$TSHARK" -r "$cap" "${decode[@]}" -Y dcerpc 2>/dev/null | wc -l)
echo "$total DCE/RPC packets"
bad=$("$TSHARK" -r "$cap" "${decode[@]}" -Y "_ws.malformed || _ws.expert.severity >= error" 2>&1 |
      grep -v '^Running as user')
if [ -n "$bad" ]; then
    echo "FAIL: malformed packets or errors in the capture:"
    echo "$bad"
    "$TSHARK" -r "$cap" "${decode[@]}" -Y "_ws.malformed || _ws.expert.severity >= error" -V 2>/dev/null |
        grep -iE 'malformed|expert|error' | head -40
    fail=1
fi
# Packet types per pair: request 0, response 2, fault 3, bind 11,
# bind_ack 12, bind_nak 13.
for p in "$p1" "$p2"; do
    types=$("$TSHARK" -r "$cap" "${decode[@]}" -Y "dcerpc && tcp.port==$p" -T fields -e dcerpc.pkt_type 2>/dev/null |
            tr ',' '\n' | sort -n | uniq -c | tr '\n' ' ')
    echo "port $p packet types (count type): $types"
    for t in 11 12 0 2; do
        if ! "$TSHARK" -r "$cap" "${decode[@]}" -Y "dcerpc.pkt_type==$t && tcp.port==$p" -T fields -e frame.number 2>/dev/null | grep -q .; then
            echo "FAIL: no DCE/RPC packet of type $t on port $p"
            fail=1
        fi
    done
done
if [ "$pairs_rc" != 0 ]; then
    # The dissection is what this test checks; the calls' results are the
    # rpcrt4 tests' business.
    echo "note: a client or server reported failures in this run (see above)"
fi
if [ "$fail" = 0 ]; then
    echo "PASS: tshark dissects the interop traffic as DCE/RPC without malformed packets"
fi
exit $fail
