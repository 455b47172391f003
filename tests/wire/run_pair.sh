#!/bin/sh
# run_pair.sh SERVER CLIENT PROTSEQ [EMULATOR]: start SERVER on a dynamic
# endpoint, run CLIENT against it (WIRE_BINDING), and make sure the server
# stops (the client's last call shuts it down; a watchdog kills it anyway).
set -u
server=$1 client=$2 protseq=$3 emu=${4:-}
log=$(mktemp)
trap 'kill $spid 2>/dev/null; rm -f "$log"' EXIT
$emu "$server" "$protseq" >"$log" 2>&1 &
spid=$!
# Wait for the server to say it listens.
i=0
until grep -q listening "$log" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 $spid 2>/dev/null; then
        echo "server did not start:"; cat "$log"; exit 1
    fi
    sleep 0.1
done
endpoint=$(tr -d '\r' <"$log" | sed -n 's/.*listening on [a-z_]*:\[\(.*\)\]$/\1/p')
if [ "$protseq" = ncacn_ip_tcp ]; then
    binding="ncacn_ip_tcp:127.0.0.1[$endpoint]"
else
    binding="ncalrpc:[$endpoint]"
fi
echo "client binding: $binding"
WIRE_BINDING=$binding $emu "$client"
rc=$?
# The client's Shutdown stops the server.
i=0
while kill -0 $spid 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "server did not stop"; rc=1; break; }
    sleep 0.1
done
cat "$log"
exit $rc
