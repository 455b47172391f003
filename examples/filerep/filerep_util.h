/* filerep_util.h - what the FileRep client and server share: the checksum,
 * Win32 error texts, a clock, file helpers and Ctrl-C handling. */
#ifndef FILEREP_UTIL_H
#define FILEREP_UTIL_H

#include <windows.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bytes per push and per pull. */
#define FILEREP_CHUNK (64u << 10)

/* Win32 codes the SDK has and the POSIX winerror.h leaves out. */
#ifndef ERROR_WRITE_FAULT
#define ERROR_WRITE_FAULT 29L
#endif
#ifndef ERROR_READ_FAULT
#define ERROR_READ_FAULT 30L
#endif
#ifndef ERROR_GEN_FAILURE
#define ERROR_GEN_FAILURE 31L
#endif
#ifndef ERROR_DISK_FULL
#define ERROR_DISK_FULL 112L
#endif
#ifndef ERROR_INVALID_NAME
#define ERROR_INVALID_NAME 123L
#endif
#ifndef ERROR_FILENAME_EXCED_RANGE
#define ERROR_FILENAME_EXCED_RANGE 206L
#endif

/* FNV-1a, 64-bit: h = (h ^ byte) * prime, from the offset basis. */
#define FILEREP_FNV_INIT 0xcbf29ce484222325ull
uint64_t filerep_fnv1a64(uint64_t h, const void *buf, size_t n);

/* "The system cannot find the file specified." and the like, for the
 * codes this program meets (a generic text for the others). */
const char *filerep_error_text(long code);

/* Seconds from an arbitrary origin, monotonic, sub-millisecond. */
double filerep_now(void);

/* The size of an open regular file; a Win32 error code otherwise
 * (ERROR_ACCESS_DENIED for a folder or a device). */
long filerep_file_size(FILE *f, long long *size);

/* errno after a failed fopen/fread/fwrite, as a Win32 code. */
long filerep_errno_to_win32(int e);

/* Renames `from` to `to`, replacing `to`; 0 or a Win32 error code. */
long filerep_replace_file(const char *from, const char *to);

/* Whether standard error is a terminal (the progress line is for people). */
int filerep_stderr_is_tty(void);

/* Ctrl-C: Windows runs `handler` on a thread of its own (SetConsoleCtrlHandler);
 * POSIX gets the same - SIGINT and SIGTERM are blocked in every thread and a
 * thread of ours takes them with sigwait() and calls `handler`
 * (CTRL_C_EVENT / CTRL_CLOSE_EVENT), because a signal handler proper may
 * call no RPC function.  A handler returning FALSE gets the default action
 * (the process ends).  Call it first thing in main, before any thread exists. */
#ifndef CTRL_C_EVENT
#define CTRL_C_EVENT 0
#define CTRL_BREAK_EVENT 1
#define CTRL_CLOSE_EVENT 2
#endif
typedef BOOL(WINAPI *filerep_ctrl_handler)(DWORD type);
int filerep_set_ctrl_handler(filerep_ctrl_handler handler);

#endif
