/* winerror.h - Windows error codes used by the RPC runtime (POSIX build).
 *
 * Values are those of the Windows SDK.  On Windows (MinGW) the SDK's own
 * winerror.h is used instead of this file.
 */
#if defined(_WIN32)
#include_next <winerror.h>
#else
#ifndef ASYNCRPC_WINERROR_H
#define ASYNCRPC_WINERROR_H

/* Win32 base error codes the runtime and the Windows base emulation return. */
#define ERROR_SUCCESS                        0L
#define NO_ERROR                             0L
#define ERROR_INVALID_FUNCTION               1L
#define ERROR_FILE_NOT_FOUND                 2L
#define ERROR_ACCESS_DENIED                  5L
#define ERROR_INVALID_HANDLE                 6L
#define ERROR_NOT_ENOUGH_MEMORY              8L
#define ERROR_OUTOFMEMORY                    14L
#define ERROR_NOT_SUPPORTED                  50L
#define ERROR_INVALID_PARAMETER              87L
#define ERROR_INSUFFICIENT_BUFFER            122L
#define ERROR_MAX_THRDS_REACHED              164L
#define ERROR_ALREADY_EXISTS                 183L
#define ERROR_MORE_DATA                      234L
#define WAIT_TIMEOUT                         258L
#define ERROR_ABANDONED_WAIT_0               735L
#define ERROR_OPERATION_ABORTED              995L
#define ERROR_IO_INCOMPLETE                  996L
#define ERROR_IO_PENDING                     997L
#define ERROR_INVALID_USER_BUFFER            1784L
#define ERROR_NOT_ENOUGH_SERVER_MEMORY       1130L
#define ERROR_NONE_MAPPED                    1332L
#define ERROR_INVALID_SECURITY_DESCR         1338L
#define ERROR_TIMEOUT                        1460L
#define ERROR_NOT_ENOUGH_QUOTA               1816L

/* RPC status codes (winerror.h ranges 1700-1929). */
#define RPC_S_INVALID_STRING_BINDING             1700L
#define RPC_S_WRONG_KIND_OF_BINDING              1701L
#define RPC_S_INVALID_BINDING                    1702L
#define RPC_S_PROTSEQ_NOT_SUPPORTED              1703L
#define RPC_S_INVALID_RPC_PROTSEQ                1704L
#define RPC_S_INVALID_STRING_UUID                1705L
#define RPC_S_INVALID_ENDPOINT_FORMAT            1706L
#define RPC_S_INVALID_NET_ADDR                   1707L
#define RPC_S_NO_ENDPOINT_FOUND                  1708L
#define RPC_S_INVALID_TIMEOUT                    1709L
#define RPC_S_OBJECT_NOT_FOUND                   1710L
#define RPC_S_ALREADY_REGISTERED                 1711L
#define RPC_S_TYPE_ALREADY_REGISTERED            1712L
#define RPC_S_ALREADY_LISTENING                  1713L
#define RPC_S_NO_PROTSEQS_REGISTERED             1714L
#define RPC_S_NOT_LISTENING                      1715L
#define RPC_S_UNKNOWN_MGR_TYPE                   1716L
#define RPC_S_UNKNOWN_IF                         1717L
#define RPC_S_NO_BINDINGS                        1718L
#define RPC_S_NO_PROTSEQS                        1719L
#define RPC_S_CANT_CREATE_ENDPOINT               1720L
#define RPC_S_OUT_OF_RESOURCES                   1721L
#define RPC_S_SERVER_UNAVAILABLE                 1722L
#define RPC_S_SERVER_TOO_BUSY                    1723L
#define RPC_S_INVALID_NETWORK_OPTIONS            1724L
#define RPC_S_NO_CALL_ACTIVE                     1725L
#define RPC_S_CALL_FAILED                        1726L
#define RPC_S_CALL_FAILED_DNE                    1727L
#define RPC_S_PROTOCOL_ERROR                     1728L
#define RPC_S_PROXY_ACCESS_DENIED                1729L
#define RPC_S_UNSUPPORTED_TRANS_SYN              1730L
#define RPC_S_UNSUPPORTED_TYPE                   1732L
#define RPC_S_INVALID_TAG                        1733L
#define RPC_S_INVALID_BOUND                      1734L
#define RPC_S_NO_ENTRY_NAME                      1735L
#define RPC_S_INVALID_NAME_SYNTAX                1736L
#define RPC_S_UNSUPPORTED_NAME_SYNTAX            1737L
#define RPC_S_UUID_NO_ADDRESS                    1739L
#define RPC_S_DUPLICATE_ENDPOINT                 1740L
#define RPC_S_UNKNOWN_AUTHN_TYPE                 1741L
#define RPC_S_MAX_CALLS_TOO_SMALL                1742L
#define RPC_S_STRING_TOO_LONG                    1743L
#define RPC_S_PROTSEQ_NOT_FOUND                  1744L
#define RPC_S_PROCNUM_OUT_OF_RANGE               1745L
#define RPC_S_BINDING_HAS_NO_AUTH                1746L
#define RPC_S_UNKNOWN_AUTHN_SERVICE              1747L
#define RPC_S_UNKNOWN_AUTHN_LEVEL                1748L
#define RPC_S_INVALID_AUTH_IDENTITY              1749L
#define RPC_S_UNKNOWN_AUTHZ_SERVICE              1750L
#define EPT_S_INVALID_ENTRY                      1751L
#define EPT_S_CANT_PERFORM_OP                    1752L
#define EPT_S_NOT_REGISTERED                     1753L
#define RPC_S_NOTHING_TO_EXPORT                  1754L
#define RPC_S_INCOMPLETE_NAME                    1755L
#define RPC_S_INVALID_VERS_OPTION                1756L
#define RPC_S_NO_MORE_MEMBERS                    1757L
#define RPC_S_NOT_ALL_OBJS_UNEXPORTED            1758L
#define RPC_S_INTERFACE_NOT_FOUND                1759L
#define RPC_S_ENTRY_ALREADY_EXISTS               1760L
#define RPC_S_ENTRY_NOT_FOUND                    1761L
#define RPC_S_NAME_SERVICE_UNAVAILABLE           1762L
#define RPC_S_INVALID_NAF_ID                     1763L
#define RPC_S_CANNOT_SUPPORT                     1764L
#define RPC_S_NO_CONTEXT_AVAILABLE               1765L
#define RPC_S_INTERNAL_ERROR                     1766L
#define RPC_S_ZERO_DIVIDE                        1767L
#define RPC_S_ADDRESS_ERROR                      1768L
#define RPC_S_FP_DIV_ZERO                        1769L
#define RPC_S_FP_UNDERFLOW                       1770L
#define RPC_S_FP_OVERFLOW                        1771L
#define RPC_X_NO_MORE_ENTRIES                    1772L
#define RPC_X_SS_CHAR_TRANS_OPEN_FAIL            1773L
#define RPC_X_SS_CHAR_TRANS_SHORT_FILE           1774L
#define RPC_X_SS_IN_NULL_CONTEXT                 1775L
#define RPC_X_SS_CONTEXT_DAMAGED                 1777L
#define RPC_X_SS_HANDLES_MISMATCH                1778L
#define RPC_X_SS_CANNOT_GET_CALL_HANDLE          1779L
#define RPC_X_NULL_REF_POINTER                   1780L
#define RPC_X_ENUM_VALUE_OUT_OF_RANGE            1781L
#define RPC_X_BYTE_COUNT_TOO_SMALL               1782L
#define RPC_X_BAD_STUB_DATA                      1783L
#define RPC_S_CALL_IN_PROGRESS                   1791L
#define RPC_S_NO_MORE_BINDINGS                   1806L
#define RPC_S_NO_INTERFACES                      1817L
#define RPC_S_CALL_CANCELLED                     1818L
#define RPC_S_BINDING_INCOMPLETE                 1819L
#define RPC_S_COMM_FAILURE                       1820L
#define RPC_S_UNSUPPORTED_AUTHN_LEVEL            1821L
#define RPC_S_NO_PRINC_NAME                      1822L
#define RPC_S_NOT_RPC_ERROR                      1823L
#define RPC_S_UUID_LOCAL_ONLY                    1824L
#define RPC_S_SEC_PKG_ERROR                      1825L
#define RPC_S_NOT_CANCELLED                      1826L
#define RPC_X_INVALID_ES_ACTION                  1827L
#define RPC_X_WRONG_ES_VERSION                   1828L
#define RPC_X_WRONG_STUB_VERSION                 1829L
#define RPC_X_INVALID_PIPE_OBJECT                1830L
#define RPC_X_WRONG_PIPE_ORDER                   1831L
#define RPC_X_WRONG_PIPE_VERSION                 1832L
#define RPC_S_COOKIE_AUTH_FAILED                 1833L
#define RPC_S_DO_NOT_DISTURB                     1834L
#define RPC_S_SYSTEM_HANDLE_COUNT_EXCEEDED       1835L
#define RPC_S_SYSTEM_HANDLE_TYPE_MISMATCH        1836L
#define RPC_S_GROUP_MEMBER_NOT_FOUND             1898L
#define EPT_S_CANT_CREATE                        1899L
#define RPC_S_INVALID_OBJECT                     1900L
#define RPC_S_SEND_INCOMPLETE                    1913L
#define RPC_S_INVALID_ASYNC_HANDLE               1914L
#define RPC_S_INVALID_ASYNC_CALL                 1915L
#define RPC_X_PIPE_CLOSED                        1916L
#define RPC_X_PIPE_DISCIPLINE_ERROR              1917L
#define RPC_X_PIPE_EMPTY                         1918L
#define RPC_S_ENTRY_TYPE_MISMATCH                1922L
#define RPC_S_NOT_ALL_OBJS_EXPORTED              1923L
#define RPC_S_INTERFACE_NOT_EXPORTED             1924L
#define RPC_S_PROFILE_NOT_ADDED                  1925L
#define RPC_S_PRF_ELT_NOT_ADDED                  1926L
#define RPC_S_PRF_ELT_NOT_REMOVED                1927L
#define RPC_S_GRP_ELT_NOT_ADDED                  1928L
#define RPC_S_GRP_ELT_NOT_REMOVED                1929L

#define SEVERITY_SUCCESS 0
#define SEVERITY_ERROR   1
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr)    (((HRESULT)(hr)) < 0)
#define S_OK          ((HRESULT)0L)
#define S_FALSE       ((HRESULT)1L)
#define E_FAIL        ((HRESULT)0x80004005L)
#define E_OUTOFMEMORY ((HRESULT)0x8007000EL)
#define E_INVALIDARG  ((HRESULT)0x80070057L)

#endif /* ASYNCRPC_WINERROR_H */
#endif /* !_WIN32 */
