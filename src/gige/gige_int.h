/* Inside the GigE Vision device: its state, shared by the command handling
 * and control channel (gige_device.c) and the register space (gige_regs.c).
 * Not for use outside src/gige. */
#ifndef TC_GIGE_INT_H
#define TC_GIGE_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "gige/gige_device.h"
#include "util/log.h"

enum { TC_CCP_EXCLUSIVE = 1u << 0, TC_CCP_CONTROL = 1u << 1 };

struct tc_gige {
    tc_device *dev;
    tc_gige_hooks hooks;
    pthread_mutex_t mu;    /* everything below. Registers change only in a request that
                              reaches the core, handled by one thread at a time (the control
                              thread while the port's worker is idle, else the worker:
                              gige_server.c); it lets mu go around a core write
                              (gige_regs.c), while the control thread may answer port-only
                              requests (tc_gige_handle_port) */
    const char *xml;       /* the device's big-endian XML (owned by the device) */
    tc_log_limit discovery_log; /* "discovery from" lines: any peer can repeat them */
    size_t xml_len;
    uint32_t ip;
    uint64_t mac;          /* locally administered, from the serial */
    uint64_t resets_seen;  /* tc_port_resets() when the transport state was last reset */
    /* The core's identity strings as of the last request handled with the
     * core (tc_gige_handle): port-only answers read this copy, never the
     * core, whose lock a slow command may hold for a second. */
    tc_port_identity id;
    int worker_busy;       /* tc_gige_set_worker_busy: a command may be in the core */

    uint32_t ccp;
    tc_gige_peer controller;
    int64_t last_heard_ns;
    uint32_t heartbeat_ms;
    uint64_t ts_latched;

    uint16_t scp_port;
    uint32_t scda;
    unsigned packet_size;
    unsigned link_packet_size; /* power-on GevSCPSPacketSize from the link's MTU; 0: 9000 */
    int dont_fragment;
    uint32_t scpd;
    uint16_t scsp;
    int extended_ids;
    double loss_percent;
};

/* One log line through the hooks. */
void tc_gige_logf(tc_gige *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* gige_regs.c: the register space. `a` and `len` are 4-aligned (the
 * command parsers check); caller holds g->mu (space_write lets it go while
 * the core writes a feature, and holds it again before returning). Return
 * a GVCP status. */
uint16_t tc_gige_space_read(tc_gige *g, uint32_t a, uint8_t *buf, size_t len);
uint16_t tc_gige_space_write(tc_gige *g, const tc_gige_peer *from, uint32_t a, const uint8_t *p,
                             size_t len, int64_t now_ns);
/* Bytes of the bootstrap registers a DISCOVERY ack carries (0x000-0x0F7). */
#define TC_GIGE_DISCOVERY_LEN 0x00F8u
void tc_gige_discovery_image(tc_gige *g, uint8_t out[TC_GIGE_DISCOVERY_LEN]);
/* Whether [a, a+len) is exactly the CCP register, which anyone may write
 * (to take control). */
int tc_gige_is_ccp(uint32_t a, size_t len);
/* Whether tc_gige_space_read answers [a, a+len) from port state alone (the
 * bootstrap registers, the port's own features, the XML): no core call. */
int tc_gige_space_read_is_port(const tc_gige *g, uint32_t a, size_t len);
/* Transport registers back to power-on (open, DeviceReset). */
void tc_gige_reset_transport(tc_gige *g);

/* gige_device.c: the control channel, for the CCP register. */
uint16_t tc_gige_write_ccp(tc_gige *g, const tc_gige_peer *from, uint32_t v, int64_t now_ns);

#endif
