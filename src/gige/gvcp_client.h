/* A small GVCP client: what a tool needs to drive one camera's registers
 * over GigE Vision (READREG, WRITEREG, READMEM, WRITEMEM, taking control),
 * used by `twincam firmware flash`.
 *
 * One UDP socket connected to the camera's port 3956 (an ephemeral local
 * port on the interface the route to the camera takes; connected, so the
 * kernel drops datagrams from anyone else). Every command carries a request
 * id of its own and is sent again (same id) when no ack came within the
 * timeout, `retries` times. A PENDING_ACK for it extends the wait by the
 * time the camera announces. Every ack is hostile input: one that is short,
 * has the wrong key, command or id, or a length that does not fit, is
 * dropped as if never received.
 *
 * Results: 0 done; a TC_GEV_* status (> 0) the camera answered with; -1 no
 * valid ack at all (tc_gvcp_client.why says what happened). */
#ifndef TC_GIGE_GVCP_CLIENT_H
#define TC_GIGE_GVCP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#define TC_GVCP_CCP_ADDRESS 0x0A00u       /* GevCCP: 2 = control privilege */
#define TC_GVCP_HEARTBEAT_ADDRESS 0x0938u /* GevHeartbeatTimeout (ms) */
#define TC_GVCP_CCP_CONTROL 2u

typedef struct tc_gvcp_client {
    int fd;
    uint16_t req_id;      /* the last id used; never 0 on the wire */
    unsigned timeout_ms;  /* per attempt */
    unsigned retries;     /* attempts after the first */
    char why[160];        /* the last failure, as a sentence */
} tc_gvcp_client;

/* Connect to the camera at IPv4 address `addr` (dotted quad), port `port`
 * (TC_GVCP_PORT). Defaults: 3 retries, 500 ms. Returns 0, or -1 with why. */
int tc_gvcp_client_open(tc_gvcp_client *c, const char *addr, uint16_t port);
void tc_gvcp_client_close(tc_gvcp_client *c);

int tc_gvcp_client_readreg(tc_gvcp_client *c, uint32_t address, uint32_t *value);
int tc_gvcp_client_writereg(tc_gvcp_client *c, uint32_t address, uint32_t value);
/* count: 4..536, a multiple of 4. */
int tc_gvcp_client_readmem(tc_gvcp_client *c, uint32_t address, void *out, uint16_t count);
int tc_gvcp_client_writemem(tc_gvcp_client *c, uint32_t address, const void *data, uint16_t count);

/* Any length: READMEM/WRITEMEM in pieces of at most 536 bytes. A length not
 * a multiple of 4 is padded with zeros on write / read whole and cut. */
int tc_gvcp_client_read(tc_gvcp_client *c, uint32_t address, void *out, size_t len);
int tc_gvcp_client_write(tc_gvcp_client *c, uint32_t address, const void *data, size_t len);

/* What one received datagram is to a client waiting for the ack of request
 * `req_id` of `command` (socket-free, so it is fuzzed: fuzz_gvcp_client). */
typedef enum {
    TC_GVCP_ACK_IGNORE,  /* not for this request, or malformed: drop it */
    TC_GVCP_ACK_PENDING, /* PENDING_ACK: wait pending_ms longer */
    TC_GVCP_ACK_DONE,    /* the ack: status, and payload_len bytes at payload */
} tc_gvcp_ack_kind;
typedef struct tc_gvcp_ack {
    uint16_t status;
    uint16_t payload_len;     /* within the datagram */
    const uint8_t *payload;
    uint16_t pending_ms;
} tc_gvcp_ack;
tc_gvcp_ack_kind tc_gvcp_client_classify(const uint8_t *d, size_t n, uint16_t command,
                                         uint16_t req_id, tc_gvcp_ack *out);

/* A GEV status as text ("access denied"). */
const char *tc_gvcp_status_name(int status);

#endif
