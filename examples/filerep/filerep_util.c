/* filerep_util.c - see filerep_util.h. */
#ifndef _WIN32
#define _GNU_SOURCE /* pthread_sigmask, sigwait, fileno */
#endif
#include "filerep_util.h"
#include <rpc.h>
#include <rpcndr.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#ifdef _WIN32
#include <io.h>
#else
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#endif

/* The stubs' allocator, as every RPC program provides it. */
void *__RPC_USER MIDL_user_allocate(size_t n)
{
    return malloc(n);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}

uint64_t filerep_fnv1a64(uint64_t h, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull; /* the 64-bit FNV prime, 2^40 + 2^8 + 0xb3 */
    }
    return h;
}

const char *filerep_error_text(long code)
{
    switch (code) {
    case ERROR_SUCCESS: return "the operation completed successfully";
    case ERROR_FILE_NOT_FOUND: return "the system cannot find the file specified";
    case ERROR_ACCESS_DENIED: return "access is denied";
    case ERROR_NOT_ENOUGH_MEMORY: return "not enough memory";
    case ERROR_WRITE_FAULT: return "the system cannot write to the specified device";
    case ERROR_READ_FAULT: return "the system cannot read from the specified device";
    case ERROR_GEN_FAILURE: return "a device attached to the system is not functioning";
    case ERROR_DISK_FULL: return "there is not enough space on the disk";
    case ERROR_INVALID_NAME: return "the file name, directory name, or volume label syntax is incorrect";
    case ERROR_FILENAME_EXCED_RANGE: return "the file name is too long";
    case RPC_S_SERVER_UNAVAILABLE: return "the RPC server is unavailable";
    case RPC_S_CALL_FAILED: return "the remote procedure call failed";
    case RPC_S_CALL_CANCELLED: return "the remote procedure call was cancelled";
    case RPC_S_INVALID_STRING_BINDING: return "the string binding is invalid";
    case RPC_S_PROTSEQ_NOT_SUPPORTED: return "the RPC protocol sequence is not supported";
    case RPC_S_INVALID_ENDPOINT_FORMAT: return "the endpoint format is invalid";
    case RPC_S_UNKNOWN_IF: return "the interface is unknown";
    case RPC_S_SERVER_TOO_BUSY: return "the RPC server is too busy to complete this operation";
    case RPC_S_OUT_OF_MEMORY: return "not enough memory is available to complete this operation";
    case RPC_S_INVALID_ASYNC_HANDLE: return "invalid asynchronous remote procedure call handle";
    case RPC_X_PIPE_DISCIPLINE_ERROR: return "the pipe discipline was broken";
    default: return "unexpected error";
    }
}

double filerep_now(void)
{
#ifdef _WIN32
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
#endif
}

long filerep_file_size(FILE *f, long long *size)
{
#ifdef _WIN32
    struct __stat64 st;
    if (_fstat64(_fileno(f), &st))
        return filerep_errno_to_win32(errno);
#else
    struct stat st;
    if (fstat(fileno(f), &st))
        return filerep_errno_to_win32(errno);
#endif
    if (!S_ISREG(st.st_mode))
        return ERROR_ACCESS_DENIED;
    *size = (long long)st.st_size;
    return ERROR_SUCCESS;
}

long filerep_errno_to_win32(int e)
{
    switch (e) {
    case 0: return ERROR_GEN_FAILURE;
    case ENOENT: case ENOTDIR: return ERROR_FILE_NOT_FOUND;
    case EACCES: case EPERM: case EISDIR: case EROFS: case EBUSY: return ERROR_ACCESS_DENIED;
    case ENOSPC: return ERROR_DISK_FULL;
#ifdef EDQUOT
    case EDQUOT: return ERROR_DISK_FULL;
#endif
    case ENAMETOOLONG: return ERROR_FILENAME_EXCED_RANGE;
    case EINVAL: return ERROR_INVALID_NAME;
    case ENOMEM: return ERROR_NOT_ENOUGH_MEMORY;
    case EIO: return ERROR_GEN_FAILURE;
    default: return ERROR_GEN_FAILURE;
    }
}

long filerep_replace_file(const char *from, const char *to)
{
#ifdef _WIN32
    return MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING) ? ERROR_SUCCESS : (long)GetLastError();
#else
    return rename(from, to) ? filerep_errno_to_win32(errno) : ERROR_SUCCESS;
#endif
}

int filerep_stderr_is_tty(void)
{
#ifdef _WIN32
    return _isatty(_fileno(stderr));
#else
    return isatty(fileno(stderr));
#endif
}

#ifdef _WIN32
int filerep_set_ctrl_handler(filerep_ctrl_handler handler)
{
    return SetConsoleCtrlHandler(handler, TRUE) ? 0 : -1;
}
#else
static filerep_ctrl_handler ctrl_handler;
static sigset_t ctrl_signals;

static void *ctrl_thread(void *arg)
{
    (void)arg;
    for (;;) {
        int sig = 0;
        if (sigwait(&ctrl_signals, &sig))
            continue;
        if (!ctrl_handler(sig == SIGINT ? CTRL_C_EVENT : CTRL_CLOSE_EVENT)) {
            /* The default action, as Windows takes it when every handler
             * returned FALSE: the process ends (by the signal). */
            signal(sig, SIG_DFL);
            sigset_t one;
            sigemptyset(&one);
            sigaddset(&one, sig);
            pthread_sigmask(SIG_UNBLOCK, &one, NULL);
            raise(sig);
        }
    }
    return NULL;
}

int filerep_set_ctrl_handler(filerep_ctrl_handler handler)
{
    ctrl_handler = handler;
    sigemptyset(&ctrl_signals);
    sigaddset(&ctrl_signals, SIGINT);
    sigaddset(&ctrl_signals, SIGTERM);
    /* Blocked here, before any other thread exists: every thread (the
     * runtime's too) inherits the mask, so only ctrl_thread takes them. */
    if (pthread_sigmask(SIG_BLOCK, &ctrl_signals, NULL))
        return -1;
    pthread_t t;
    if (pthread_create(&t, NULL, ctrl_thread, NULL))
        return -1;
    pthread_detach(t);
    return 0;
}
#endif
