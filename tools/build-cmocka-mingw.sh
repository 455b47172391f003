#!/bin/sh
# Build cmocka for x86_64-w64-mingw32 from Debian's source package and
# install it under $1 (default: build/mingw-deps/cmocka).  Uses a private
# deb-src list, so the system's apt configuration is not touched.  Nothing of
# cmocka is committed to the repository.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=$(realpath -m "${1:-build/mingw-deps/cmocka}")
if [ -f "$dest/lib/libcmocka-static.a" ] && [ -f "$dest/include/cmocka.h" ]; then
    exit 0
fi
work=$(realpath -m "$dest/../cmocka-src")
rm -rf "$work"; mkdir -p "$work/apt/parts" "$work/apt/lists/partial"
cat > "$work/apt/parts/src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
O="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$work/apt/parts -o Dir::State::Lists=$work/apt/lists"
cd "$work"
# shellcheck disable=SC2086
apt-get $O -qq update
# shellcheck disable=SC2086
apt-get $O -qq source --download-only cmocka
dpkg-source -x --no-check cmocka_*.dsc src >/dev/null
cmake -S src -B build -DCMAKE_TOOLCHAIN_FILE="$here/../cmake/mingw-w64-x86_64.cmake" \
      -DCMAKE_BUILD_TYPE=Release -DWITH_STATIC_LIB=ON -DUNIT_TESTING=OFF -DWITH_EXAMPLES=OFF \
      -DCMAKE_INSTALL_PREFIX="$dest" >/dev/null
cmake --build build -j2 >/dev/null
cmake --install build >/dev/null
test -f "$dest/lib/libcmocka-static.a"
