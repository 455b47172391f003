# A MinGW-w64 toolchain file as distributions and projects usually write it:
# the find root is the cross sysroot alone, so CMAKE_PREFIX_PATH entries are
# looked for under it (/usr/x86_64-w64-mingw32/<prefix>) and a package
# installed elsewhere is found through <Package>_DIR (or by adding its
# prefix to CMAKE_FIND_ROOT_PATH, as cmake/mingw-w64-x86_64.cmake does).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
