#!/bin/bash
# run_pair.sh - drive the asyncrpc <-> Wine rpcrt4 interop programs.
#
#   run_pair.sh MODE WORKDIR SET [SET...]
#   SET = NAME NATIVE_SERVER NATIVE_CLIENT WINE_SERVER_EXE WINE_CLIENT_EXE
#
# One SET per interface (interop.idl, equiv.idl): its four programs.
# MODE
#   wine-client  the first SET's asyncrpc server, called by its Wine-rpcrt4
#                client
#   wine-server  the first SET's Wine-rpcrt4 server, called by its asyncrpc
#                client
#   tshark       both pairs of every SET again while dumpcap captures lo;
#                tshark must dissect the capture as DCE/RPC with no
#                malformed packet and no error-level expert item, and must
#                show bind, bind_ack, request and response packets for each
#                pair; and the stub data of both pairs must be the same,
#                call by call (the Wine client's requests are the asyncrpc
#                client's, the asyncrpc server's responses the Wine
#                server's), byte for byte
#
# WORKDIR (in the build folder) holds the Wine prefix (booted once, kept),
# the logs and the capture.  Every process started here is ended on exit
# (trap), the prefix's wineserver included.  Environment: WINE, WINESERVER,
# DUMPCAP, TSHARK override the programs found on PATH; INTEROP_TIMEOUT (s)
# bounds each program (default 60); INTEROP_CLIENT_ARGS is added to the
# clients' command lines ("known": equiv's clients make the calls of the
# known problems too, see equiv.idl).
#
# Exit status: 0 pass, 1 fail, 77 skip (capture not permitted).
set -u

mode=${1:?mode}; workdir=${2:?workdir}
shift 2
sets=("$@")
if [ $(( ${#sets[@]} % 5 )) != 0 ] || [ ${#sets[@]} = 0 ]; then
    echo "usage: $0 MODE WORKDIR NAME NATIVE_SERVER NATIVE_CLIENT WINE_SERVER_EXE WINE_CLIENT_EXE..." >&2
    exit 2
fi
# use_set I: the programs of the I-th SET
use_set() {
    local b=$(( $1 * 5 ))
    set_name=${sets[$b]}
    native_server=${sets[$b + 1]}; native_client=${sets[$b + 2]}
    wine_server=${sets[$b + 3]}; wine_client=${sets[$b + 4]}
}
nsets=$(( ${#sets[@]} / 5 ))
use_set 0

WINE=${WINE:-wine}
WINESERVER=${WINESERVER:-wineserver}
DUMPCAP=${DUMPCAP:-dumpcap}
TSHARK=${TSHARK:-tshark}
TMO=${INTEROP_TIMEOUT:-60}
CLIENT_ARGS=${INTEROP_CLIENT_ARGS:-}

mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
# One run at a time in WORKDIR, even from concurrent ctest invocations on one
# build tree (ctest's RESOURCE_LOCK covers one invocation): they share the
# Wine prefix, whose wineserver each run ends.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$workdir/.lock"     # every child closes it (9>&-)
    flock 9
fi
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
    "$WINESERVER" -p 9>&- </dev/null >/dev/null 2>&1
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        echo "booting the Wine prefix $WINEPREFIX"
        timeout 180 "$WINE" wineboot -u 9>&- </dev/null >/dev/null 2>&1
        "$WINESERVER" -p 9>&- </dev/null >/dev/null 2>&1
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
# to files (never a pipe: see wine_start), shown afterwards.  Returns 0
# (pass), 1 (fail) or 2: Wine's side stalled or its loader died, which
# run_pair_retry retries once (see there).
run_pair() {
    local name=$1 skind=$2 ckind=$3 port=$4 spid rc=0 crc src
    local slog="$logdir/$name-server.log" clog="$logdir/$name-client.log"
    echo "== $name: $skind server, $ckind client, port $port"
    if [ "$skind" = native ]; then
        timeout -k 5 "$TMO" "$native_server" "$port" "$TMO" 9>&- </dev/null >"$slog" 2>&1 &
    else
        timeout -k 5 "$TMO" "$WINE" "$wine_server" "$port" "$TMO" 9>&- </dev/null >"$slog" 2>&1 &
    fi
    spid=$!
    pids+=("$spid")
    if ! wait_listening "$slog" "$spid"; then
        echo "FAIL: the $skind server did not start listening"
        sed 's/^/  server: /' "$slog"
        return 1
    fi
    if [ "$ckind" = native ]; then
        timeout -k 5 "$TMO" "$native_client" "$port" $CLIENT_ARGS 9>&- </dev/null >"$clog" 2>&1
    else
        timeout -k 5 "$TMO" "$WINE" "$wine_client" "$port" $CLIENT_ARGS 9>&- </dev/null >"$clog" 2>&1
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
    sed 's/^/  server: /' "$slog" | grep -v '^  server: [ 	]' | head -60
    if [ "$crc" != 0 ]; then
        echo "FAIL: the $ckind client exited with $crc"
        rc=1
    fi
    if [ "$src" != 0 ] && [ "$rc" = 0 ]; then
        echo "FAIL: the $skind server exited with $src"
        rc=1
    fi
    if [ "$rc" != 0 ]; then
        # A Wine server that stops answering (the client times out), or a
        # wine loader killed by a signal: Wine's, not the test's.
        if { [ "$skind" = wine ] && [ "$crc" = 124 ]; } ||
           { [ "$skind" = wine ] && [ "$src" -gt 128 ] && [ "$src" != 124 ]; } ||
           { [ "$ckind" = wine ] && [ "$crc" -gt 128 ]; }; then
            return 2
        fi
        return 1
    fi
    echo "PASS: $name"
    return 0
}

# run_pair_retry ARGS...: run_pair, once more on a new port when it
# returned 2.  Wine 8's rpcrt4 server, freshly started, now and then leaves
# one request unanswered until the client closes its connection (seen once
# in ten runs or so, with its own client too; the request is byte for byte
# what Wine's client sends), and its loader has been seen to die of SIGSEGV
# at exit: such a run is retried, and says so.  A wrong value, a fault or a
# native process's failure is never retried.
run_pair_retry() {
    local rc
    run_pair "$@"
    rc=$?
    if [ "$rc" = 2 ]; then
        echo "RETRY: $1: Wine stalled or its loader crashed (see above); running the pair again"
        local port
        port=$(free_port) || return 1
        run_pair "$1" "$2" "$3" "$port"
        rc=$?
        [ "$rc" = 2 ] && rc=1
    fi
    return $rc
}

# ------------------------------------------------------------------ modes
case "$mode" in
wine-client)
    wine_start
    port=$(free_port) || exit 1
    run_pair_retry "${set_name}_wine_client_native_server" native wine "$port"
    exit $? ;;
wine-server)
    wine_start
    port=$(free_port) || exit 1
    run_pair_retry "${set_name}_native_client_wine_server" wine native "$port"
    exit $? ;;
tshark)
    ;;
*)
    echo "unknown mode $mode" >&2; exit 2 ;;
esac

# tshark: capture both pairs of every SET on lo, then dissect.
wine_start
ports=()
for _ in $(seq 1 $(( nsets * 2 ))); do
    while :; do
        p=$(free_port) || exit 1
        case " ${ports[*]} " in *" $p "*) continue ;; esac
        ports+=("$p"); break
    done
done
filter=
for p in "${ports[@]}"; do
    filter="${filter:+$filter or }tcp port $p"
done
cap="$workdir/interop.pcapng"
rm -f "$cap"
"$DUMPCAP" -q -i lo -f "$filter" -w "$cap" 9>&- </dev/null >"$logdir/dumpcap.log" 2>&1 &
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
for i in $(seq 0 $(( nsets - 1 ))); do
    use_set "$i"
    run_pair "tshark_${set_name}_wine_client_native_server" native wine "${ports[$(( i * 2 ))]}" || pairs_rc=1
    run_pair "tshark_${set_name}_native_client_wine_server" wine native "${ports[$(( i * 2 + 1 ))]}" || pairs_rc=1
done
sleep 0.5        # let the last segments reach the capture
kill -TERM "$capture_pid"
wait "$capture_pid"
capture_pid=

fail=0
decode=()
for p in "${ports[@]}"; do
    decode+=(-d "tcp.port==$p,dcerpc")
done
echo "== tshark: $cap (ports ${ports[*]})"
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
for p in "${ports[@]}"; do
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

# Wire equivalence, byte for byte: the two clients of a SET make the same
# calls with the same values, so the Wine client's requests (to the
# asyncrpc server) must be the asyncrpc client's (to the Wine server), and
# the asyncrpc server's responses the Wine server's: the stub data of the
# k-th call of each opnum on one port against the other's.  Allowed to
# differ, compared by length only:
#   PtrIn, PtrInOut  Wine numbers [ptr] (full) pointers 1, 2, ... (its
#                    full-pointer table); asyncrpc gives them referent IDs
#                    like [unique] ones (0x00020000 + 4k): both are NDR
#   Ctx*             context handles are random UUIDs
# stub_pairs PORT: one line per call, "opnum<TAB>request<TAB>response",
# the response being "type/status/stub" (2 response, 3 fault).
LENGTH_ONLY=" PtrIn PtrInOut CtxOpen CtxUse CtxSwap CtxClose "
stub_pairs() {
    "$TSHARK" -r "$cap" "${decode[@]}" -Y "dcerpc && tcp.port==$1" -T fields \
        -e dcerpc.pkt_type -e dcerpc.opnum -e dcerpc.cn_status -e dcerpc.stub_data 2>/dev/null |
    awk -F'\t' '
        function flush() { if (op != "") print op "\t" req "\t" rtype "/" rstatus "/" resp; op = "" }
        {
            n = split($1, t, ","); split($2, o, ","); split($3, s, ","); split($4, d, ",")
            for (i = 1; i <= n; i++) {
                # A fragmented PDU: tshark gives each fragment its own
                # data and the last one the whole stub: keep the longest.
                if (t[i] == 0) {
                    if (op == "" || rtype != "") { flush(); op = o[i]; req = ""; rtype = ""; resp = ""; rstatus = "" }
                    if (length(d[i]) > length(req)) req = d[i]
                } else if ((t[i] == 2 || t[i] == 3) && op != "") {
                    rtype = t[i]; rstatus = s[i]
                    if (length(d[i]) > length(resp)) resp = d[i]
                }
            }
        }
        END { flush() }'
}
# idl_names IDL: the procedure names in opnum order (a name declared twice,
# under #ifdef __WIDL__ and #else, once)
idl_names() {
    sed -n '/^interface/,$p' "$1" | grep -v '^ *#' |
        grep -oE '^ +[a-z_][a-z_ ]*[ *]+[A-Z][A-Za-z0-9_]*\(' | sed -E 's/.*[ *]([A-Za-z0-9_]+)\($/\1/' |
        awk '!seen[$0]++'
}
for i in $(seq 0 $(( nsets - 1 ))); do
    use_set "$i"
    pa=${ports[$(( i * 2 ))]} pb=${ports[$(( i * 2 + 1 ))]}
    idl="$(dirname "$0")/$set_name.idl"
    mapfile -t names < <(idl_names "$idl")
    stub_pairs "$pa" >"$logdir/stubs-$set_name-wine-client.txt"
    stub_pairs "$pb" >"$logdir/stubs-$set_name-native-client.txt"
    ncalls=$(wc -l <"$logdir/stubs-$set_name-wine-client.txt")
    diffs=$(awk -F'\t' -v names="${names[*]}" -v lenonly="$LENGTH_ONLY" '
        BEGIN { nn = split(names, nm, " ") }
        function name(op) { return (op + 1 <= nn) ? nm[op + 1] : "opnum " op }
        # where two hex strings first differ: the byte offset and 16 bytes
        # of each from there
        function show(what, x, y,   j) {
            for (j = 1; j <= length(x) && substr(x, j, 2) == substr(y, j, 2); j += 2)
                ;
            printf "%s differ at byte %d (%d and %d bytes)\n      %s\n      %s\n", what, (j - 1) / 2,
                   length(x) / 2, length(y) / 2, substr(x, j, 32), substr(y, j, 32)
        }
        NR == FNR { k = $1 SUBSEP (cnt[$1]++); a_req[k] = $2; a_rsp[k] = $3; next }
        {
            k = $1 SUBSEP (cntb[$1]++)
            if (!(k in a_req)) { only = only " " name($1); next }
            nmx = name($1); lo = index(lenonly, " " nmx " ") > 0
            split(a_rsp[k], ra, "/"); split($3, rb, "/")
            if (lo ? length(a_req[k]) != length($2) : a_req[k] != $2)
                show(nmx ": requests (Wine client, asyncrpc client)", a_req[k], $2)
            if (ra[1] != rb[1] || ra[2] != rb[2])
                printf "%s: responses differ: type/status %s/%s from the asyncrpc server, %s/%s from Wine'"'"'s\n",
                       nmx, ra[1], ra[2], rb[1], rb[2]
            else if (lo ? length(ra[3]) != length(rb[3]) : ra[3] != rb[3])
                show(nmx ": responses (asyncrpc server, Wine server)", ra[3], rb[3])
            delete a_req[k]
        }
        END {
            for (k in a_req) { split(k, p, SUBSEP); only = only " " name(p[1]) }
            # a call one client skips (a known problem) is not compared
            if (only != "") print "note: made by one client only (not compared):" only
        }
    ' "$logdir/stubs-$set_name-wine-client.txt" "$logdir/stubs-$set_name-native-client.txt")
    notes=$(echo "$diffs" | grep '^note: ')
    diffs=$(echo "$diffs" | grep -v '^note: ')
    [ -n "$notes" ] && echo "$set_name: $notes"
    if [ -n "$diffs" ]; then
        echo "FAIL: $set_name: the two implementations' stub data differ:"
        echo "$diffs" | sed 's/^/  /'
        fail=1
    else
        echo "$set_name: $ncalls calls, the same stub data both ways, byte for byte (by length only:${LENGTH_ONLY% })"
    fi
done

if [ "$pairs_rc" != 0 ]; then
    # The dissection is what this test checks; the calls' results are the
    # rpcrt4 tests' business.
    echo "note: a client or server reported failures in this run (see above)"
fi
if [ "$fail" = 0 ]; then
    echo "PASS: tshark dissects the interop traffic as DCE/RPC without malformed packets, and both implementations put the same bytes on the wire"
fi
exit $fail
