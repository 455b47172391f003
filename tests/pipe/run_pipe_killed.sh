#!/bin/sh
# run_pipe_killed.sh SERVER CLIENT PROTSEQ MODE [EMULATOR [CLIENT_EMULATOR]]: a client killed
# (SIGKILL: no orphaned PDU, the connection just drops) in the middle of a
# long pipe transfer; the server must notice, end that call, and still stop
# cleanly when asked (RpcServerListen returns only once no call is left).
set -u
server=$1 client=$2 protseq=$3 mode=$4 emu=${5:-} cemu=${6-${5:-}}
dir=$(mktemp -d)
log=$dir/server.log fifo=$dir/stdin
spid= cpid=
trap '[ -n "$cpid" ] && kill -9 $cpid 2>/dev/null; [ -n "$spid" ] && kill $spid 2>/dev/null; rm -rf "$dir"' EXIT
for p in "$server" "$client"; do
    [ -f "$p" ] || { echo "$p: not built, skipped"; exit 77; }
done
mkfifo "$fifo" || exit 1
$emu "$server" "$protseq" <"$fifo" >"$log" 2>&1 &
spid=$!
exec 3>"$fifo"
i=0
until grep -q 'ready, listening' "$log" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 $spid 2>/dev/null; then
        echo "server did not start:"; cat "$log"; exit 1
    fi
    sleep 0.1
done
endpoint=$(tr -d '\r' <"$log" | sed -n 's/.*listening on [a-z_]*:\[\(.*\)\]$/\1/p')
# 64 GiB: it is still moving when the client dies.
$cemu "$client" "$protseq" "$endpoint" "$mode" 68719476736 >"$dir/client.log" 2>&1 3>&- &
cpid=$!
sleep 1.5
kill -9 $cpid 2>/dev/null
wait $cpid 2>/dev/null
cpid=
sleep 0.5
exec 3>&-   # end of file: the server stops listening and waits for its calls
i=0
while kill -0 $spid 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 150 ]; then
        echo "FAIL: the server did not stop within 15 s after its client was killed mid-$mode"
        tr -d '\r' <"$log"
        exit 1
    fi
    sleep 0.1
done
wait $spid
src=$?
spid=
tr -d '\r' <"$log"
[ $src -eq 0 ] || { echo "FAIL: server exit $src"; exit 1; }
echo "PASS: server stopped after its client was killed mid-$mode"
