# asyncrpc_add_idl: stubs from an IDL file, as a static library.
#
#   asyncrpc_add_idl(<name> <file.idl>
#                    [ACF <file.acf>]
#                    [CLIENT] [SERVER]
#                    [PREFIX <kind> <prefix> [<kind> <prefix> ...]]
#                    [INCLUDE_DIRECTORIES <dir>...]
#                    [DEPENDS <file>...])
#
# Runs asyncrpc-idl on <file.idl> at build time and makes a STATIC library
# <name> of the stubs asked for: the client stub (CLIENT), the server stub
# (SERVER), or both when neither is named.  Targets linking <name> see the
# generated header <file>.h (a PUBLIC include directory) and get
# asyncrpc::asyncrpc.  The program still defines MIDL_user_allocate and
# MIDL_user_free, and a server its managers.
#
#   ACF                  the ACF; without it the compiler reads <file>.acf next
#                        to the IDL when there is one
#   PREFIX               passed to -prefix, e.g. "PREFIX server s_" for a
#                        program holding both sides
#   INCLUDE_DIRECTORIES  -I folders, for imported IDL files and the preprocessor
#   DEPENDS              more files whose change regenerates the stubs
#                        (imported IDL files)
#
# Relative paths are taken from the current source folder.  The outputs go to
# ${CMAKE_CURRENT_BINARY_DIR}/<name>/.  The compiler always runs on the build
# host, cross builds included: the package's own (ASYNCRPC_IDL_EXECUTABLE,
# set by find_package(asyncrpc)), or, inside the asyncrpc project, the one it
# builds.
include_guard(GLOBAL)

function(asyncrpc_add_idl name idl)
  cmake_parse_arguments(PARSE_ARGV 2 arg "CLIENT;SERVER" "ACF" "PREFIX;INCLUDE_DIRECTORIES;DEPENDS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "asyncrpc_add_idl(${name}): unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(arg_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "asyncrpc_add_idl(${name}): no value for ${arg_KEYWORDS_MISSING_VALUES}")
  endif()
  if(NOT arg_CLIENT AND NOT arg_SERVER)
    set(arg_CLIENT ON)
    set(arg_SERVER ON)
  endif()

  # The compiler: a command (list) and what the build must make first.
  get_property(command GLOBAL PROPERTY ASYNCRPC_IDL_COMMAND)
  get_property(command_depends GLOBAL PROPERTY ASYNCRPC_IDL_DEPENDS)
  if(NOT command)
    message(FATAL_ERROR "asyncrpc_add_idl(${name}): no asyncrpc-idl: the package has none installed; "
                        "set ASYNCRPC_IDL_EXECUTABLE to a host build of it before find_package(asyncrpc)")
  endif()

  get_filename_component(idl "${idl}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_filename_component(idl_dir "${idl}" DIRECTORY)
  get_filename_component(base "${idl}" NAME_WLE)
  set(gen "${CMAKE_CURRENT_BINARY_DIR}/${name}")
  file(MAKE_DIRECTORY "${gen}")

  set(args -out "${gen}" -h "${base}.h" -cstub "${base}_c.c" -sstub "${base}_s.c")
  set(outputs "${gen}/${base}.h")
  set(sources "${gen}/${base}.h")
  if(arg_CLIENT)
    list(APPEND outputs "${gen}/${base}_c.c")
    list(APPEND sources "${gen}/${base}_c.c")
  else()
    list(APPEND args -client none)
  endif()
  if(arg_SERVER)
    list(APPEND outputs "${gen}/${base}_s.c")
    list(APPEND sources "${gen}/${base}_s.c")
  else()
    list(APPEND args -server none)
  endif()

  set(depends "${idl}")
  if(arg_ACF)
    get_filename_component(acf "${arg_ACF}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND args -acf "${acf}")
    list(APPEND depends "${acf}")
  elseif(EXISTS "${idl_dir}/${base}.acf")
    # the compiler reads it by itself; a change to it regenerates
    list(APPEND depends "${idl_dir}/${base}.acf")
  endif()
  if(arg_PREFIX)
    list(APPEND args -prefix ${arg_PREFIX})
  endif()
  foreach(dir IN LISTS arg_INCLUDE_DIRECTORIES)
    get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND args -I "${dir}")
  endforeach()
  foreach(dep IN LISTS arg_DEPENDS)
    get_filename_component(dep "${dep}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND depends "${dep}")
  endforeach()

  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${command} ${args} "${idl}"
    DEPENDS ${depends} ${command_depends}
    COMMENT "asyncrpc-idl ${base}.idl (${name})"
    VERBATIM)
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC "$<BUILD_INTERFACE:${gen}>")
  target_link_libraries(${name} PUBLIC asyncrpc::asyncrpc)
  # stubs may end up in a shared library or a plugin
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
