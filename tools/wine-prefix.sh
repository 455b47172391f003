#!/bin/sh
# Start or stop the Wine prefix the MinGW tests run in (WINEPREFIX is set by
# ctest).  Starting boots the prefix once and keeps a persistent wineserver,
# with every stream sent to /dev/null: otherwise Wine's services inherit
# ctest's output pipe and each test costs ~2.5 s or ctest hangs
# (../shared/spec/toolchain-notes.md).
set -u
: "${WINEPREFIX:?WINEPREFIX must be set}"
export WINEDEBUG=-all
case "${1:-}" in
start)
    mkdir -p "$WINEPREFIX"
    wineserver -p </dev/null >/dev/null 2>&1
    wine wineboot -u </dev/null >/dev/null 2>&1
    wineserver -p </dev/null >/dev/null 2>&1   # wineboot may have restarted it
    exit 0 ;;
stop)
    wineserver -k </dev/null >/dev/null 2>&1
    exit 0 ;;
*)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
