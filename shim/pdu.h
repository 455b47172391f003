/* pdu.h - DCE/RPC connection-oriented PDUs (C706 chapter 12, MS-RPCE 2.2.2):
 * encoding and strict parsing.  Pure functions over byte buffers: no I/O, no
 * allocation on the parse side (parsed fields point into the input).
 *
 * Parsing accepts either integer byte order (the data representation label
 * of each PDU) and rejects, with RPC_S_PROTOCOL_ERROR (1728): a version
 * other than 5.0/5.1, an unknown packet type, frag_length below the header
 * or above the buffer, auth_length that does not fit, counts that point past
 * the fragment, a context list with no transfer syntaxes.  Encoding is
 * always little-endian, version 5.0.
 */
#ifndef ASYNCRPC_SHIM_PDU_H
#define ASYNCRPC_SHIM_PDU_H

#include <rpc.h>
#include <stddef.h>
#include <stdint.h>

enum arpc_ptype {
    ARPC_PT_REQUEST = 0,
    ARPC_PT_RESPONSE = 2,
    ARPC_PT_FAULT = 3,
    ARPC_PT_BIND = 11,
    ARPC_PT_BIND_ACK = 12,
    ARPC_PT_BIND_NAK = 13,
    ARPC_PT_ALTER_CONTEXT = 14,
    ARPC_PT_ALTER_CONTEXT_RESP = 15,
    ARPC_PT_AUTH3 = 16,
    ARPC_PT_SHUTDOWN = 17,
    ARPC_PT_CO_CANCEL = 18,
    ARPC_PT_ORPHANED = 19
};

enum arpc_pfc {
    ARPC_PFC_FIRST_FRAG = 0x01,
    ARPC_PFC_LAST_FRAG = 0x02,
    ARPC_PFC_PENDING_CANCEL = 0x04,
    ARPC_PFC_SUPPORT_HEADER_SIGN = 0x04, /* on bind/bind_ack (MS-RPCE), same bit */
    ARPC_PFC_CONC_MPX = 0x10,
    ARPC_PFC_DID_NOT_EXECUTE = 0x20,
    ARPC_PFC_MAYBE = 0x40,
    ARPC_PFC_OBJECT_UUID = 0x80
};

#define ARPC_PDU_HEADER_LEN 16
#define ARPC_PDU_REQUEST_HEADER_LEN 24    /* without the object UUID */
#define ARPC_PDU_RESPONSE_HEADER_LEN 24
#define ARPC_PDU_FAULT_HEADER_LEN 32
#define ARPC_PDU_MAX_CONTEXTS 16
#define ARPC_PDU_MAX_SYNTAXES 8

/* Bind results (p_cont_def_result_t) and reasons (MS-RPCE 2.2.2.4/2.2.2.5). */
enum { ARPC_RESULT_ACCEPTANCE = 0, ARPC_RESULT_USER_REJECTION = 1, ARPC_RESULT_PROVIDER_REJECTION = 2,
       ARPC_RESULT_NEGOTIATE_ACK = 3 };
enum { ARPC_REASON_NOT_SPECIFIED = 0, ARPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED = 1,
       ARPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED = 2, ARPC_REASON_LOCAL_LIMIT_EXCEEDED = 3 };
/* bind_nak provider reject reasons */
enum { ARPC_NAK_REASON_NOT_SPECIFIED = 0, ARPC_NAK_TEMPORARY_CONGESTION = 1, ARPC_NAK_LOCAL_LIMIT_EXCEEDED = 2,
       ARPC_NAK_PROTOCOL_VERSION_NOT_SUPPORTED = 4 };

/* NCA status codes carried by fault PDUs (C706 appendix E, MS-RPCE 2.2.2.11). */
#define ARPC_NCA_S_OP_RNG_ERROR        0x1c010002u
#define ARPC_NCA_S_UNK_IF              0x1c010003u
#define ARPC_NCA_S_PROTO_ERROR         0x1c01000bu
#define ARPC_NCA_S_FAULT_CANCEL        0x1c00000du
#define ARPC_NCA_S_FAULT_ADDR_ERROR    0x1c000002u
#define ARPC_NCA_S_FAULT_INT_DIV_BY_ZERO 0x1c000001u
#define ARPC_NCA_S_OUT_ARGS_TOO_BIG    0x1c010013u
#define ARPC_NCA_S_SERVER_TOO_BUSY     0x1c010014u
#define ARPC_NCA_S_UNSUPPORTED_TYPE    0x1c010017u
#define ARPC_NCA_S_FAULT_REMOTE_NO_MEMORY 0x1c00001bu
#define ARPC_NCA_S_FAULT_CONTEXT_MISMATCH 0x1c00001au

typedef struct arpc_syntax_id {
    GUID uuid;
    uint16_t vers_major;
    uint16_t vers_minor;
} arpc_syntax_id;

typedef struct arpc_pdu_header {
    uint8_t vers, vers_minor, ptype, flags;
    uint8_t drep[4];
    uint16_t frag_len, auth_len;
    uint32_t call_id;
} arpc_pdu_header;

typedef struct arpc_pres_context {
    uint16_t context_id;
    uint8_t n_transfer;
    arpc_syntax_id abstract;
    arpc_syntax_id transfer[ARPC_PDU_MAX_SYNTAXES];
} arpc_pres_context;

typedef struct arpc_pres_result {
    uint16_t result, reason;
    arpc_syntax_id transfer;
} arpc_pres_result;

typedef struct arpc_pdu {
    arpc_pdu_header h;
    union {
        struct { /* request */
            uint32_t alloc_hint;
            uint16_t context_id, opnum;
            int has_object;
            GUID object;
        } request;
        struct { /* response; fault */
            uint32_t alloc_hint;
            uint16_t context_id;
            uint8_t cancel_count;
            uint32_t status;  /* fault only */
        } response;
        struct { /* bind; alter_context */
            uint16_t max_xmit_frag, max_recv_frag;
            uint32_t assoc_group_id;
            uint8_t n_contexts;
            arpc_pres_context contexts[ARPC_PDU_MAX_CONTEXTS];
        } bind;
        struct { /* bind_ack; alter_context_resp */
            uint16_t max_xmit_frag, max_recv_frag;
            uint32_t assoc_group_id;
            char sec_addr[128];  /* NUL-terminated port spec (truncated if longer) */
            uint8_t n_results;
            arpc_pres_result results[ARPC_PDU_MAX_CONTEXTS];
        } bind_ack;
        struct { /* bind_nak */
            uint16_t reason;
        } bind_nak;
    } u;
    const uint8_t *stub;   /* request/response/fault: the stub data in this fragment */
    size_t stub_len;
    const uint8_t *auth;   /* auth verifier (sec_trailer + auth value), if auth_len */
    size_t auth_len;
} arpc_pdu;

/* The 16-byte common header of a buffer of at least 16 bytes: validates
 * version, type and frag_length >= 16 (not against the buffer). */
RPC_STATUS arpc_pdu_parse_header(const void *buf, size_t len, arpc_pdu_header *h);
/* A whole fragment: the first h.frag_len bytes of buf (len may be more; the
 * rest is the next fragment).  stub_len excludes the auth padding; more
 * than ARPC_PDU_MAX_CONTEXTS contexts (_SYNTAXES syntaxes) is rejected. */
RPC_STATUS arpc_pdu_parse(const void *buf, size_t len, arpc_pdu *pdu);

/* Encoders write into out (room for the sizes given) and return the number
 * of bytes written, or 0 when the PDU cannot be encoded (frag_len past
 * 65535, a type write_simple does not write).  Headers of request/response
 * /fault are written alone: the stub data is sent after them (frag_len
 * counts it). */
size_t arpc_pdu_write_request_header(uint8_t out[ARPC_PDU_REQUEST_HEADER_LEN + 16], uint8_t flags, uint32_t call_id,
                                     size_t stub_len, uint32_t alloc_hint, uint16_t context_id, uint16_t opnum,
                                     const GUID *object);
size_t arpc_pdu_write_response_header(uint8_t out[ARPC_PDU_RESPONSE_HEADER_LEN], uint8_t flags, uint32_t call_id,
                                      size_t stub_len, uint32_t alloc_hint, uint16_t context_id,
                                      uint8_t cancel_count);
size_t arpc_pdu_write_fault(uint8_t out[ARPC_PDU_FAULT_HEADER_LEN], uint8_t flags, uint32_t call_id,
                            uint16_t context_id, uint8_t cancel_count, uint32_t status);
/* bind / alter_context (ptype selects); returns 0 if cap is too small. */
size_t arpc_pdu_write_bind(uint8_t *out, size_t cap, uint8_t ptype, uint8_t flags, uint32_t call_id,
                           uint16_t max_xmit, uint16_t max_recv, uint32_t assoc_group, const arpc_pres_context *ctx,
                           unsigned n_ctx);
/* bind_ack / alter_context_resp (ptype selects); returns 0 if cap is too small. */
size_t arpc_pdu_write_bind_ack(uint8_t *out, size_t cap, uint8_t ptype, uint8_t flags, uint32_t call_id,
                               uint16_t max_xmit, uint16_t max_recv, uint32_t assoc_group, const char *sec_addr,
                               const arpc_pres_result *res, unsigned n_res);
size_t arpc_pdu_write_bind_nak(uint8_t out[32], uint32_t call_id, uint16_t reason);
/* co_cancel, orphaned, shutdown: header only. */
size_t arpc_pdu_write_simple(uint8_t out[ARPC_PDU_HEADER_LEN], uint8_t ptype, uint8_t flags, uint32_t call_id);

/* The NDR 2.0 transfer syntax 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0. */
extern const arpc_syntax_id arpc_ndr20_syntax;
/* Map between fault statuses and Windows codes: NCA codes become their
 * RPC_S_ / RPC_X_ meaning; other values are Windows codes already. */
RPC_STATUS arpc_fault_to_status(uint32_t fault);
uint32_t arpc_status_to_fault(RPC_STATUS st);

#endif /* ASYNCRPC_SHIM_PDU_H */
