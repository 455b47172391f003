/* arpc_config.h - export macro for the asyncrpc library. */
#ifndef ASYNCRPC_CONFIG_H
#define ASYNCRPC_CONFIG_H

#if defined(_WIN32)
#  if defined(ASYNCRPC_BUILDING)
#    define ARPC_API __declspec(dllexport)
#  elif defined(ASYNCRPC_STATIC)
#    define ARPC_API
#  else
#    define ARPC_API __declspec(dllimport)
#  endif
#else
#  if defined(ASYNCRPC_BUILDING)
#    define ARPC_API __attribute__((visibility("default")))
#  else
#    define ARPC_API
#  endif
#endif

#if defined(__GNUC__)
#  define ARPC_NORETURN __attribute__((noreturn))
#else
#  define ARPC_NORETURN
#endif

#endif /* ASYNCRPC_CONFIG_H */
