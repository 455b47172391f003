# Cross-compile for 64-bit Windows with MinGW-w64; tests run under Wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(TOOLCHAIN_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${TOOLCHAIN_PREFIX}-gcc)
set(CMAKE_CXX_COMPILER ${TOOLCHAIN_PREFIX}-g++)
set(CMAKE_RC_COMPILER ${TOOLCHAIN_PREFIX}-windres)
# The prefixes of CMAKE_PREFIX_PATH (-DCMAKE_PREFIX_PATH=...) are find roots
# too: with the ONLY modes below, packages, libraries and headers installed
# there are found (find_package(asyncrpc) among them) instead of being looked
# for under /usr/${TOOLCHAIN_PREFIX}<prefix>.
set(CMAKE_FIND_ROOT_PATH /usr/${TOOLCHAIN_PREFIX} ${CMAKE_PREFIX_PATH})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
find_program(ASYNCRPC_WINE NAMES wine64 wine)
if(ASYNCRPC_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ASYNCRPC_WINE})
endif()
