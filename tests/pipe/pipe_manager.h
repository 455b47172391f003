/* The server side of wire_pipe.idl, shared by the pipe tests and servers. */
#ifndef PIPE_MANAGER_H
#define PIPE_MANAGER_H
#include <windows.h>

/* Misbehave modes: what the [async] manager does wrong, and the codes the
 * runtime gave it (pipe_misbehave_result[0..1]) for the test to check. */
enum {
    MIS_COMPLETE_EARLY = 1,   /* RpcAsyncCompleteCall before draining [in] */
    MIS_PUSH_BEFORE_DRAIN,    /* push [out] before the [in] pipe ended */
    MIS_PULL_AFTER_END,       /* drain, then pull again */
    MIS_ABORT_MID_PIPE,       /* push some, then RpcAsyncAbortCall(0x4D495342) */
    MIS_PUSH_AFTER_END,       /* drain, push end, push again */
    MIS_PULL_OUT_PIPE,        /* pull from the [out] pipe */
    MIS_DOUBLE_PULL,          /* pull while a pull is pending */
    MIS_NEVER_PULL,           /* drain until the client goes away, then complete */
    MIS_SLOW_OUT              /* drain, wait for pipe_release, push 100 bytes, end */
};
extern HANDLE pipe_release;
/* Set by MIS_SLOW_OUT once drained and waiting, by MIS_NEVER_PULL once running. */
extern HANDLE pipe_parked;
#define MIS_ABORT_CODE 0x4D495342
extern volatile LONG pipe_misbehave_result[2];
extern HANDLE pipe_misbehave_done;     /* set when a Misbehave manager has finished */
/* Bytes of pattern the server consumed/produced, for the tests. */
extern volatile LONG pipe_server_bytes;

/* Ping: the v of every call in the order the managers were entered. */
#define PING_LOG_MAX 4096
extern volatile LONG ping_log_count;
extern LONG ping_log[PING_LOG_MAX];

#endif
