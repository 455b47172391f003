#!/bin/sh
# run_pipe_pair.sh SERVER CLIENT PROTSEQ MODE BYTES [MAX_RSS_KIB [EMULATOR [CLIENT_EMULATOR]]]
# Starts SERVER (pipe_server) on a dynamic endpoint with its standard input
# on a FIFO held open here, runs CLIENT (pipe_client) against it, then closes
# the FIFO: the server stops at end of file and prints its peak RSS.  Passes
# when both exit 0 and, if MAX_RSS_KIB is not empty, both peak RSS values
# are under it.  Ends with a one-line summary.  EMULATOR runs both programs
# (wine for the Windows build) unless CLIENT_EMULATOR is given, even empty:
# then it runs the client (native and Windows peers, one each side).  A
# program that does not exist skips the test (exit 77).
set -u
server=$1 client=$2 protseq=$3 mode=$4 bytes=$5 max_rss=${6:-} emu=${7:-} cemu=${8-${7:-}}
for p in "$server" "$client"; do
    [ -f "$p" ] || { echo "$p: not built, skipped"; exit 77; }
done
dir=$(mktemp -d)
log=$dir/server.log clog=$dir/client.log fifo=$dir/stdin
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; rm -rf "$dir"' EXIT
mkfifo "$fifo" || exit 1
$emu "$server" "$protseq" <"$fifo" >"$log" 2>&1 &
spid=$!
exec 3>"$fifo"   # the server's stdin stays open until fd 3 closes
# Wait for the server to say it listens.
i=0
until grep -q 'ready, listening' "$log" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 $spid 2>/dev/null; then
        echo "server did not start:"; cat "$log"; exit 1
    fi
    sleep 0.1
done
endpoint=$(tr -d '\r' <"$log" | sed -n 's/.*listening on [a-z_]*:\[\(.*\)\]$/\1/p')
start=$(date +%s.%N)
$cemu "$client" "$protseq" "$endpoint" "$mode" "$bytes" >"$clog" 2>&1 3>&-
crc=$?
end=$(date +%s.%N)
tr -d '\r' <"$clog"
# End of file on the server's stdin stops it.
exec 3>&-
i=0
while kill -0 $spid 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 200 ] && { echo "server did not stop"; kill $spid 2>/dev/null; break; }
    sleep 0.1
done
wait $spid
src=$?
spid=
tr -d '\r' <"$log"
crss=$(tr -d '\r' <"$clog" | sed -n 's/^client_peak_rss_kib \([0-9]*\)$/\1/p')
srss=$(tr -d '\r' <"$log" | sed -n 's/^server_peak_rss_kib \([0-9]*\)$/\1/p')
rate=$(tr -d '\r' <"$clog" | sed -n 's/.*: \([0-9.]*\) MB\/s$/\1/p')
secs=$(echo "$start $end" | awk '{printf "%.2f", $2 - $1}')
ok=1 why=
[ "$crc" -eq 0 ] || { ok=0; why="$why client exit $crc;"; }
[ "$src" -eq 0 ] || { ok=0; why="$why server exit $src;"; }
if [ -n "$max_rss" ]; then
    if [ -z "$crss" ] || [ "$crss" -ge "$max_rss" ]; then ok=0; why="$why client peak RSS ${crss:-?} KiB >= $max_rss;"; fi
    if [ -z "$srss" ] || [ "$srss" -ge "$max_rss" ]; then ok=0; why="$why server peak RSS ${srss:-?} KiB >= $max_rss;"; fi
fi
[ $ok -eq 1 ] && verdict=PASS || verdict=FAIL
echo "pipe_pair $verdict: $mode $protseq $bytes bytes, ${rate:-?} MB/s, client rss ${crss:-?} KiB," \
     "server rss ${srss:-?} KiB, limit ${max_rss:-none}, client time ${secs} s${why:+ --$why}"
[ $ok -eq 1 ]
