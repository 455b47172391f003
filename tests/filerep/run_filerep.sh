#!/bin/sh
# run_filerep.sh SERVER CLIENT PROTSEQ BYTES [SERVER_EMULATOR [CLIENT_EMULATOR]]
# The FileRep pair end to end: starts SERVER (filerep_server) on a dynamic
# endpoint serving a fresh folder, then with CLIENT (filerep_client):
#   - downloads a file of BYTES random bytes and uploads it back under
#     another name; every copy must equal the original (cmp, sha256sum) and
#     the client's checksums must agree;
#   - a missing file (ERROR_FILE_NOT_FOUND, 2) and names with a path or
#     ".." (ERROR_INVALID_NAME, 123) fail with those codes;
#   - Ctrl-C (SIGINT) in the middle of a long download and of a long upload
#     cancels the call (exit 130) and leaves no partial file on either side;
# and finally stops the server with SIGINT: it must exit 0 (no call left).
# An emulator (wine) runs the server or the client when given.  A program
# that does not exist skips the test (exit 77).
set -u
server=$1 client=$2 protseq=$3 bytes=$4 semu=${5:-} cemu=${6:-}
for p in "$server" "$client"; do
    [ -f "$p" ] || { echo "$p: not built, skipped"; exit 77; }
done
case $server in /*) ;; *) server=$PWD/$server ;; esac
case $client in /*) ;; *) client=$PWD/$client ;; esac
dir=$(mktemp -d)
spid=
trap '[ -n "$spid" ] && kill -KILL $spid 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir" || exit 1
mkdir srv cli
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# The server: its output goes to a file; it says when it listens.
$semu "$server" "$protseq" "" srv >server.log 2>&1 </dev/null &
spid=$!
i=0
until grep -q 'ready, listening' server.log 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 600 ] || ! kill -0 $spid 2>/dev/null; then
        echo "server did not start:"; cat server.log; exit 1
    fi
    sleep 0.1
done
endpoint=$(tr -d '\r' <server.log | sed -n 's/.*listening on [a-z_]*:\[\(.*\)\], serving.*/\1/p')
host=
[ "$protseq" = ncacn_ip_tcp ] && host=127.0.0.1
echo "server listening on $protseq:[$endpoint]"

# client OP REMOTE LOCAL: runs the client, its output in client.out/.err
client() {
    $cemu "$client" "$protseq" "$host" "$endpoint" "$@" >client.out 2>client.err </dev/null
    crc=$?
    tr -d '\r' <client.out; tr -d '\r' <client.err
    return $crc
}
sum_of() { tr -d '\r' <client.out | sed -n 's/.*fnv1a64 \([0-9a-f]*\).*/\1/p'; }

# ---- download, then upload the copy under another name
head -c "$bytes" /dev/urandom >srv/orig.bin
client get orig.bin cli/got.bin || bad "get exited $crc"
gsum=$(sum_of)
cmp -s srv/orig.bin cli/got.bin || bad "downloaded copy differs"
client put up.bin cli/got.bin || bad "put exited $crc"
psum=$(sum_of)
cmp -s srv/orig.bin srv/up.bin || bad "uploaded copy differs"
[ -n "$gsum" ] && [ "$gsum" = "$psum" ] || bad "checksums: get '$gsum', put '$psum'"
n=$(sha256sum srv/orig.bin cli/got.bin srv/up.bin | awk '{print $1}' | sort -u | wc -l)
[ "$n" -eq 1 ] || bad "sha256 of the three copies differ"
[ -e cli/got.bin.partial ] && bad "a partial download was left"

# ---- errors come back as Win32 codes
expect_error() { # CODE OP REMOTE LOCAL
    code=$1; shift
    client "$@"
    [ $crc -eq 1 ] || bad "$*: exit $crc, expected 1"
    tr -d '\r' <client.err | grep -q "error $code (" || bad "$*: expected error $code"
}
expect_error 2 get missing.bin cli/missing.bin
expect_error 123 get ../orig.bin cli/x.bin
expect_error 123 get 'sub/orig.bin' cli/x.bin
expect_error 123 put 'a\b' cli/got.bin
expect_error 123 put .. cli/got.bin
[ -e cli/missing.bin ] || [ -e cli/missing.bin.partial ] && bad "a failed download left a file"

# ---- Ctrl-C cancels a long transfer, on both sides
# (sparse files: 8 GiB to read, none of it on disk)
truncate -s 8G srv/long.bin cli/long.bin
cancel() { # OP REMOTE LOCAL
    $cemu "$client" "$protseq" "$host" "$endpoint" "$@" >client.out 2>client.err </dev/null &
    cpid=$!
    sleep 1.5
    kill -INT $cpid 2>/dev/null
    wait $cpid
    crc=$?
    tr -d '\r' <client.err
    [ $crc -eq 130 ] || bad "$1 cancelled: exit $crc, expected 130"
    tr -d '\r' <client.err | grep -q "cancelled after .*1818" || bad "$1 cancelled: no RPC_S_CALL_CANCELLED (1818)"
}
cancel get long.bin cli/long-copy.bin
[ -e cli/long-copy.bin ] || [ -e cli/long-copy.bin.partial ] && bad "a cancelled download left a file"
cancel put long-up.bin cli/long.bin
# The server hears of it and drops its partial upload.
i=0
while ls srv/.filerep-* >/dev/null 2>&1 || [ -e srv/long-up.bin ]; do
    i=$((i + 1))
    [ $i -gt 100 ] && { bad "the server kept a cancelled upload"; ls -la srv; break; }
    sleep 0.1
done

# ---- Ctrl-C stops the server, once no call is left
kill -INT $spid
i=0
while kill -0 $spid 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 200 ] && { bad "server did not stop"; break; }
    sleep 0.1
done
wait $spid
src=$?
spid=
[ $src -eq 0 ] || bad "server exit $src"
echo "---- server log"
tr -d '\r' <server.log
[ $fail -eq 0 ] && echo "filerep PASS: $protseq, $bytes bytes each way" || echo "filerep FAIL: $protseq"
exit $fail
