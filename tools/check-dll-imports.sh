#!/bin/sh
# asyncrpc.dll may depend on Windows' own DLLs and the C runtime only
# (libgcc is linked statically): fail on any other import.
set -eu
dll="$1"
imports=$(x86_64-w64-mingw32-objdump -p "$dll" | sed -n 's/^[[:space:]]*DLL Name: //p')
echo "$dll imports:" $imports
for d in $imports; do
    case "$(echo "$d" | tr 'A-Z' 'a-z')" in
    kernel32.dll|user32.dll|ws2_32.dll|advapi32.dll|msvcrt.dll|ucrtbase.dll|api-ms-win-crt-*.dll) ;;
    *) echo "unexpected dependency: $d"; exit 1 ;;
    esac
done
