/* arpc_wintypes.h - the Windows base types on POSIX (LP64).
 *
 * The rule (DESIGN.md): LONG, ULONG, DWORD and RPC_STATUS are 32-bit, as on
 * Windows, so structures shared with Windows code keep their x64 layout.  The
 * C keyword `long` is left alone (it is 64-bit here); generated stubs convert.
 * WCHAR is the platform's wchar_t (32-bit on Linux), so L"" literals and the
 * wcs* functions work; the wire is UTF-16 and the stubs convert.
 *
 * Only for POSIX builds: on Windows the SDK's headers define all of this.
 */
#ifndef ASYNCRPC_WINTYPES_H
#define ASYNCRPC_WINTYPES_H

#if defined(_WIN32)
#error "arpc_wintypes.h is for POSIX builds; on Windows use the SDK's <windows.h>"
#endif

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* Calling conventions: x64 has one, so all of these are empty. */
#define WINAPI
#define APIENTRY
#define CALLBACK
#define WINAPIV
#define __stdcall
#define __cdecl
#define STDMETHODCALLTYPE
#ifndef CONST
#define CONST const
#endif
#ifndef VOID
#define VOID void
#endif

typedef int BOOL, *PBOOL, *LPBOOL;
typedef unsigned char BYTE, *PBYTE, *LPBYTE;
typedef unsigned char UCHAR, *PUCHAR;
typedef char CHAR, *PCHAR, *LPSTR, *PSTR;
typedef const char *LPCSTR, *PCSTR;
typedef wchar_t WCHAR, *PWCHAR, *LPWSTR, *PWSTR;
typedef const wchar_t *LPCWSTR, *PCWSTR;
typedef int16_t SHORT, *PSHORT;
typedef uint16_t USHORT, *PUSHORT, WORD, *PWORD, *LPWORD;
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT;
typedef int32_t LONG, *PLONG, *LPLONG;
typedef uint32_t ULONG, *PULONG;
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef int64_t LONGLONG, *PLONGLONG;
typedef uint64_t ULONGLONG, *PULONGLONG, DWORD64, *PDWORD64;
typedef intptr_t INT_PTR, *PINT_PTR, LONG_PTR, *PLONG_PTR, SSIZE_T;
typedef uintptr_t UINT_PTR, *PUINT_PTR, ULONG_PTR, *PULONG_PTR, DWORD_PTR, *PDWORD_PTR, SIZE_T, *PSIZE_T;
typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID;
typedef float FLOAT;
typedef double DOUBLE;
typedef LONG HRESULT;
typedef BYTE BOOLEAN, *PBOOLEAN;
#ifdef UNICODE
typedef WCHAR TCHAR;
typedef LPWSTR LPTSTR;
typedef LPCWSTR LPCTSTR;
#define TEXT(s) L##s
#else
typedef char TCHAR;
typedef LPSTR LPTSTR;
typedef LPCSTR LPCTSTR;
#define TEXT(s) s
#endif

typedef void *HANDLE, **PHANDLE, **LPHANDLE;
typedef struct HWND__ *HWND;
typedef struct HINSTANCE__ *HINSTANCE, *HMODULE;
typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM;
typedef LONG_PTR LRESULT;

typedef union _LARGE_INTEGER {
    struct { DWORD LowPart; LONG HighPart; } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;
#endif
typedef GUID *LPGUID;
typedef const GUID *LPCGUID;
typedef GUID IID, CLSID;
#define REFGUID const GUID *
#define REFIID const IID *

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
    union {
        struct { DWORD Offset; DWORD OffsetHigh; } s;
        PVOID Pointer;
    } u;
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

typedef struct _OVERLAPPED_ENTRY {
    ULONG_PTR lpCompletionKey;
    LPOVERLAPPED lpOverlapped;
    ULONG_PTR Internal;
    DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;

typedef DWORD (WINAPI *LPTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef void (WINAPI *PAPCFUNC)(ULONG_PTR dwParam);

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define INFINITE             0xFFFFFFFFu
#define STATUS_WAIT_0        ((DWORD)0x00000000L)
#define STATUS_ABANDONED_WAIT_0 ((DWORD)0x00000080L)
#define STATUS_USER_APC      ((DWORD)0x000000C0L)
#define STATUS_TIMEOUT       ((DWORD)0x00000102L)
#define STATUS_PENDING       ((DWORD)0x00000103L)
#define WAIT_OBJECT_0        (STATUS_WAIT_0 + 0)
#define WAIT_ABANDONED       (STATUS_ABANDONED_WAIT_0 + 0)
#define WAIT_ABANDONED_0     (STATUS_ABANDONED_WAIT_0 + 0)
#define WAIT_IO_COMPLETION   STATUS_USER_APC
#define WAIT_FAILED          ((DWORD)0xFFFFFFFF)
#define STILL_ACTIVE         STATUS_PENDING
#define MAXIMUM_WAIT_OBJECTS 64
#define CREATE_SUSPENDED     0x00000004

/* Exception codes that RpcExceptionFilter treats as fatal (Windows values). */
#define STATUS_ACCESS_VIOLATION          ((DWORD)0xC0000005L)
#define STATUS_DATATYPE_MISALIGNMENT     ((DWORD)0x80000002L)
#define STATUS_BREAKPOINT                ((DWORD)0x80000003L)
#define STATUS_ILLEGAL_INSTRUCTION       ((DWORD)0xC000001DL)
#define STATUS_PRIVILEGED_INSTRUCTION    ((DWORD)0xC0000096L)
#define STATUS_INSTRUCTION_MISALIGNMENT  ((DWORD)0xC00000AAL)
#define STATUS_STACK_OVERFLOW            ((DWORD)0xC00000FDL)
#define STATUS_POSSIBLE_DEADLOCK         ((DWORD)0xC0000194L)
#define STATUS_HANDLE_NOT_CLOSABLE       ((DWORD)0xC0000235L)
#define STATUS_STACK_BUFFER_OVERRUN      ((DWORD)0xC0000409L)
#define STATUS_ASSERTION_FAILURE         ((DWORD)0xC0000420L)
#define STATUS_INVALID_HANDLE            ((DWORD)0xC0000008L)
#define EXCEPTION_EXECUTE_HANDLER         1
#define EXCEPTION_CONTINUE_SEARCH         0
#define EXCEPTION_CONTINUE_EXECUTION    (-1)

#define MAKEWORD(a, b) ((WORD)(((BYTE)(a)) | ((WORD)((BYTE)(b))) << 8))
#define LOWORD(l)      ((WORD)((DWORD_PTR)(l) & 0xffff))
#define HIWORD(l)      ((WORD)(((DWORD_PTR)(l) >> 16) & 0xffff))
#define UNREFERENCED_PARAMETER(P) ((void)(P))

#endif /* ASYNCRPC_WINTYPES_H */
