/* USB3 Vision control channel (GenCP over bulk, "U3VCP"): the codec and the
 * one-command server.
 *
 * Wire layout (little-endian, USB3 Vision 1.0 chapter 5 / GenCP 1.0):
 *   command  : prefix u32 0x43563355 "U3VC", flags u16, command id u16,
 *              length u16 (bytes after this 12-byte header), request id u16
 *   ack      : prefix u32, status u16, ack id u16, length u16, request id u16
 *   READMEM  : address u64, reserved u16, count u16           -> ack: data
 *   WRITEMEM : address u64, data...                           -> ack: reserved u16, bytes written u16
 *   PENDING  : (ack only) reserved u16, time to completion ms u16
 *
 * Parsing follows picohttpparser: stateless, no allocation, every read is
 * checked against the end of the input; results are slices of the input.
 * The server (tc_u3v_cp_serve) knows nothing about registers: it calls the
 * target's read/write hooks, which return GenCP status codes. The device's
 * memory (bootstrap registers, manifest, XML, feature registers) is one such
 * target, see u3v_bootstrap.h.
 *
 * No sockets, no threads, no allocation. */
#ifndef TC_U3V_CP_H
#define TC_U3V_CP_H

#include <stddef.h>
#include <stdint.h>

/* Parser results besides "bytes consumed" (>= 0). */
enum {
    TC_U3V_NEED_MORE = -100, /* input ends before the message does */
    TC_U3V_MALFORMED = -101, /* not a U3VCP message (bad prefix) */
};

#define TC_U3V_CP_PREFIX 0x43563355u /* "U3VC" read as little-endian u32 */
#define TC_U3V_CP_HEADER_LEN 12u
#define TC_U3V_READMEM_SCD_LEN 12u  /* address, reserved, count */
#define TC_U3V_WRITEMEM_SCD_MIN 8u  /* address, then the data */
#define TC_U3V_WRITEMEM_ACK_SCD_LEN 4u
#define TC_U3V_PENDING_ACK_SCD_LEN 4u

/* Flags of a command. */
#define TC_U3V_FLAG_REQUEST_ACK 0x4000u
#define TC_U3V_FLAG_COMMAND_RESEND 0x8000u

/* Command and acknowledge ids (an ack is its command + 1). */
enum {
    TC_U3V_READMEM_CMD = 0x0800,
    TC_U3V_READMEM_ACK = 0x0801,
    TC_U3V_WRITEMEM_CMD = 0x0802,
    TC_U3V_WRITEMEM_ACK = 0x0803,
    TC_U3V_PENDING_ACK = 0x0805,
    TC_U3V_EVENT_CMD = 0x0C00,
    TC_U3V_EVENT_ACK = 0x0C01,
};

/* GenCP status codes (GenCP 1.0 table "Status codes"), then USB3 Vision's. */
enum {
    TC_U3V_SUCCESS = 0x0000,
    TC_U3V_NOT_IMPLEMENTED = 0x8001,
    TC_U3V_INVALID_PARAMETER = 0x8002,
    TC_U3V_INVALID_ADDRESS = 0x8003,
    TC_U3V_WRITE_PROTECT = 0x8004,
    TC_U3V_BAD_ALIGNMENT = 0x8005,
    TC_U3V_ACCESS_DENIED = 0x8006,
    TC_U3V_BUSY = 0x8007,
    TC_U3V_MSG_TIMEOUT = 0x800B,
    TC_U3V_INVALID_HEADER = 0x800E,
    TC_U3V_WRONG_CONFIG = 0x800F,
    TC_U3V_GENERIC_ERROR = 0x8FFF,
    TC_U3V_RESEND_NOT_SUPPORTED = 0xA001,
    TC_U3V_DSI_ENDPOINT_HALTED = 0xA002,
    TC_U3V_SI_PAYLOAD_SIZE_NOT_ALIGNED = 0xA003,
    TC_U3V_SI_REGISTERS_INCONSISTENT = 0xA004,
    TC_U3V_DATA_DISCARDED = 0xA100,
};

/* One parsed command. Pointers are slices of the parser's input and live as
 * long as it does. */
typedef struct tc_u3v_cp_cmd {
    uint16_t flags;
    uint16_t command;
    uint16_t length;      /* SCD bytes announced by the header */
    uint16_t request_id;
    const uint8_t *scd;   /* the `length` bytes after the header */
    /* Decoded SCD of READMEM / WRITEMEM; `scd_status` is TC_U3V_SUCCESS when
     * the SCD has the layout its command requires, TC_U3V_INVALID_HEADER when
     * not, and TC_U3V_NOT_IMPLEMENTED for any other command. */
    uint16_t scd_status;
    uint64_t address;
    uint16_t count;       /* READMEM: bytes asked for */
    const uint8_t *data;  /* WRITEMEM: bytes to write */
    size_t data_len;
} tc_u3v_cp_cmd;

/* Parse one command from buf[0..len).
 * Returns the bytes it occupies (12 + length; extra bytes after it are not
 * looked at), TC_U3V_NEED_MORE when buf holds less than the header or less
 * than the header announces, TC_U3V_MALFORMED when the prefix is wrong. A
 * command with a bad SCD is still returned (consumed), with scd_status set,
 * so the caller can answer it. */
int tc_u3v_cp_parse(const uint8_t *buf, size_t len, tc_u3v_cp_cmd *cmd);

/* Read the 12-byte header only (also works on acks: `flags` then holds the
 * status). Same results as tc_u3v_cp_parse except that the SCD need not be
 * complete; returns 12. */
int tc_u3v_cp_parse_header(const uint8_t *buf, size_t len, tc_u3v_cp_cmd *cmd);

/* Builders. Each writes a whole ack into out[0..cap) and returns its length,
 * or 0 when cap is too small (nothing useful is written then). */
size_t tc_u3v_cp_build_ack(uint8_t *out, size_t cap, uint16_t status, uint16_t ack_id,
                           uint16_t request_id, const uint8_t *scd, uint16_t scd_len);
size_t tc_u3v_cp_build_readmem_ack(uint8_t *out, size_t cap, uint16_t status, uint16_t request_id,
                                   const uint8_t *data, uint16_t len);
size_t tc_u3v_cp_build_writemem_ack(uint8_t *out, size_t cap, uint16_t status,
                                    uint16_t request_id, uint16_t bytes_written);
size_t tc_u3v_cp_build_pending_ack(uint8_t *out, size_t cap, uint16_t request_id,
                                   uint16_t timeout_ms);

/* What the server works on: a memory reached through two hooks that return
 * GenCP status codes, and the transfer limits the device advertises (SBRM).
 * `read` fills exactly len bytes or fails; `write` applies all len bytes or
 * fails (the ack then reports 0 bytes written). */
typedef struct tc_u3v_cp_target {
    void *ctx;
    uint16_t (*read)(void *ctx, uint64_t address, uint8_t *buf, size_t len);
    uint16_t (*write)(void *ctx, uint64_t address, const uint8_t *buf, size_t len);
    uint32_t max_cmd_transfer; /* largest command transfer accepted, header included */
    uint32_t max_ack_transfer; /* largest ack transfer sent, header included */
} tc_u3v_cp_target;

/* Serve one command transfer req[0..req_len) (one bulk OUT transfer on the
 * control endpoint). Writes the ack into ack[0..ack_cap) and returns its
 * length; returns 0 when nothing is to be sent back:
 *   - the transfer is not a command (shorter than a header, bad prefix):
 *     dropped, nothing executed;
 *   - the command did not ask for an ack (flags without REQUEST_ACK); it is
 *     still executed.
 * Every other case is answered with the request id echoed:
 *   READMEM/WRITEMEM with a bad SCD or a transfer shorter than its header
 *     announces                                  -> INVALID_HEADER (0x800E)
 *   count 0, count over max_ack_transfer - 12, transfer over
 *     max_cmd_transfer, WRITEMEM without data    -> INVALID_PARAMETER (0x8002)
 *   any other command id                         -> NOT_IMPLEMENTED (0x8001),
 *     acked as command id + 1
 *   otherwise the status the target returns.
 * ack_cap should be at least max_ack_transfer; a READMEM that would not fit
 * into ack_cap is answered INVALID_PARAMETER. */
size_t tc_u3v_cp_serve(const tc_u3v_cp_target *t, const uint8_t *req, size_t req_len,
                       uint8_t *ack, size_t ack_cap);

/* Short name of a status ("INVALID_ADDRESS"), for logs; never NULL. */
const char *tc_u3v_status_name(uint16_t status);

#endif
