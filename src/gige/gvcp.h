/* GVCP (GigE Vision Control Protocol) codec: parse commands, build acks.
 *
 * Stateless and allocation-free in the picohttpparser manner: the caller
 * passes the datagram, gets views into it. All fields big-endian, read byte
 * by byte. Layouts: GigE Vision 2.0 as Aravis 0.8 speaks it
 * (facts.md section 4). */
#ifndef TC_GIGE_GVCP_H
#define TC_GIGE_GVCP_H

#include <stddef.h>
#include <stdint.h>

#define TC_GVCP_PORT 3956
#define TC_GVCP_HEADER 8
#define TC_GVCP_KEY 0x42
#define TC_GVCP_MAX_PAYLOAD 540  /* 576-byte datagrams: 576 - 20 IP - 8 UDP - 8 GVCP */
#define TC_GVCP_MAX_MEM 536      /* READMEM/WRITEMEM data bytes */

enum {
    TC_GVCP_FLAG_ACK_REQUIRED = 0x01,
    TC_GVCP_FLAG_EXTENDED_IDS = 0x10, /* PACKETRESEND; DISCOVERY: broadcast ack allowed */
};

enum {
    TC_GVCP_DISCOVERY_CMD = 0x0002, TC_GVCP_DISCOVERY_ACK = 0x0003,
    TC_GVCP_BYE_CMD = 0x0004, TC_GVCP_BYE_ACK = 0x0005,
    TC_GVCP_PACKETRESEND_CMD = 0x0040,
    TC_GVCP_READREG_CMD = 0x0080, TC_GVCP_READREG_ACK = 0x0081,
    TC_GVCP_WRITEREG_CMD = 0x0082, TC_GVCP_WRITEREG_ACK = 0x0083,
    TC_GVCP_READMEM_CMD = 0x0084, TC_GVCP_READMEM_ACK = 0x0085,
    TC_GVCP_WRITEMEM_CMD = 0x0086, TC_GVCP_WRITEMEM_ACK = 0x0087,
    TC_GVCP_PENDING_ACK = 0x0089,
};

/* Status codes of acks (GigE Vision 2.0, table "List of Standard Status Codes"). */
enum {
    TC_GEV_SUCCESS = 0x0000,
    TC_GEV_NOT_IMPLEMENTED = 0x8001,
    TC_GEV_INVALID_PARAMETER = 0x8002,
    TC_GEV_INVALID_ADDRESS = 0x8003,
    TC_GEV_WRITE_PROTECT = 0x8004,
    TC_GEV_BAD_ALIGNMENT = 0x8005,
    TC_GEV_ACCESS_DENIED = 0x8006,
    TC_GEV_BUSY = 0x8007,
    TC_GEV_PACKET_UNAVAILABLE = 0x800C,
    TC_GEV_INVALID_HEADER = 0x800E,
    TC_GEV_GENERIC_ERROR = 0x8FFF,
};

typedef struct tc_gvcp_cmd {
    uint8_t flags;
    uint16_t command;
    uint16_t length;          /* payload bytes declared by the header */
    uint16_t req_id;
    const uint8_t *payload;   /* `length` bytes inside the datagram */
} tc_gvcp_cmd;

/* Parse a command datagram.
 * Returns 0 (cmd filled), -1 if it is not a GVCP command at all (shorter
 * than a header or wrong key byte: drop silently), or a TC_GEV_* status when
 * the header is readable but wrong (declared length beyond the datagram or not
 * a multiple of 4: answer with that status). */
int tc_gvcp_parse(const uint8_t *p, size_t n, tc_gvcp_cmd *cmd);

/* Write an 8-byte ack header; returns 8. */
size_t tc_gvcp_ack_header(uint8_t *out, uint16_t status, uint16_t ack_command, uint16_t length,
                          uint16_t req_id);

/* The ack command code answering `command` (command + 1; PACKETRESEND has none). */
static inline uint16_t tc_gvcp_ack_code(uint16_t command) { return (uint16_t)(command + 1); }

/* READMEM payload: address u32, reserved u16, count u16. */
typedef struct tc_gvcp_readmem { uint32_t address; uint16_t count; } tc_gvcp_readmem;
/* Returns 0 or a TC_GEV_* status. */
int tc_gvcp_parse_readmem(const tc_gvcp_cmd *c, tc_gvcp_readmem *out);

/* WRITEMEM payload: address u32, data (count = length - 4). */
typedef struct tc_gvcp_writemem { uint32_t address; const uint8_t *data; uint16_t count; } tc_gvcp_writemem;
int tc_gvcp_parse_writemem(const tc_gvcp_cmd *c, tc_gvcp_writemem *out);

/* PACKETRESEND: standard (block id 16 bits, packet ids 24 bits) or extended
 * (flag 0x10: 64-bit block id, 32-bit packet ids). */
typedef struct tc_gvcp_resend {
    uint16_t channel;
    uint64_t block_id;
    uint32_t first_packet, last_packet;
    int extended;
} tc_gvcp_resend;
int tc_gvcp_parse_resend(const tc_gvcp_cmd *c, tc_gvcp_resend *out);

/* PENDING_ACK: header + reserved u16 + time to completion (ms) u16. Returns 12. */
size_t tc_gvcp_pending_ack(uint8_t *out, uint16_t req_id, uint16_t ms);

#endif
