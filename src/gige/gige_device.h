/* The GigE Vision device: what one camera answers over GVCP, without sockets.
 *
 * tc_gige_handle() takes one request datagram and its sender and produces
 * the ack datagram (or nothing). It owns the GigE register space (one table,
 * gige_regs.c):
 *   0x0000-0x0FFF   bootstrap registers (identity, XML URL, capabilities,
 *                   heartbeat, timestamp, CCP, stream channel 0)
 *   0x10000-...     the device core's feature registers (big-endian)
 *   0x10E00-0x10E0F GigE-only features of the port (extended ids, packet loss)
 *   TC_GIGE_XML_ADDRESS  the GenICam XML (read-only memory)
 * and the control channel: one controlling application at a time (control or
 * exclusive privilege), kept while it sends anything within the heartbeat
 * timeout; losing control is the host leaving (tc_port_host_gone) and closes
 * the stream channel.
 *
 * Side effects that need the network (fire test packet, resends, a pending
 * ack) go out through hooks, so the same code runs in unit tests and fuzzers.
 * Thread-safe: the stream sender reads the stream configuration concurrently,
 * and port-only requests (tc_gige_request_route, tc_gige_handle_port) may be
 * answered on one thread while another handles a request in the core. */
#ifndef TC_GIGE_DEVICE_H
#define TC_GIGE_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "gige/gvcp.h"
#include "core/device_port.h"

#define TC_GIGE_XML_ADDRESS 0x00100000u
#define TC_GIGE_DEFAULT_HEARTBEAT_MS 3000

typedef struct tc_gige_peer {
    uint32_t ip;   /* host byte order */
    uint16_t port;
} tc_gige_peer;

typedef struct tc_gige_stream_cfg {
    uint32_t dest_ip;       /* GevSCDA, host byte order */
    uint16_t dest_port;     /* GevSCPHostPort; 0 = channel closed */
    unsigned packet_size;   /* GevSCPSPacketSize (IP packet bytes) */
    int dont_fragment;
    uint32_t delay_ns;      /* GevSCPD */
    int extended_ids;
    double loss_percent;    /* TwinStreamPacketLoss */
} tc_gige_stream_cfg;

typedef struct tc_gige_hooks {
    void *ctx;
    /* Send one test packet of cfg->packet_size (GevSCPSFireTestPacket). */
    void (*fire_test)(void *ctx, const tc_gige_stream_cfg *cfg);
    /* PACKETRESEND (from any peer: resends go to GevSCDA only). */
    void (*resend)(void *ctx, const tc_gvcp_resend *r);
    /* Send a datagram to the requester now (PENDING_ACK before slow work). */
    void (*send_now)(void *ctx, const uint8_t *data, size_t n);
    /* One line per client event. */
    void (*log)(void *ctx, const char *line);
} tc_gige_hooks;

typedef struct tc_gige tc_gige;

/* `dev` is borrowed. `ip` is the address the camera answers on (host order). */
tc_gige *tc_gige_new(tc_device *dev, uint32_t ip, const tc_gige_hooks *hooks);
void tc_gige_free(tc_gige *g);

/* Handle one request datagram from `from` at monotonic time now_ns. Writes
 * the ack into `ack` (capacity at least 576) and returns its length, or 0
 * when nothing is to be sent back. */
size_t tc_gige_handle(tc_gige *g, const tc_gige_peer *from, const uint8_t *req, size_t n,
                      uint8_t *ack, size_t cap, int64_t now_ns);

/* The same for a request tc_gige_request_route calls port-only, answered
 * from the port's own state without calling the core at all (no DeviceReset
 * followed, the identity strings from the copy the last tc_gige_handle
 * took): safe while another thread is inside tc_gige_handle, even while the
 * core's lock is held for a slow command. Any other request is not run: a
 * BUSY ack (if one was asked for). */
size_t tc_gige_handle_port(tc_gige *g, const tc_gige_peer *from, const uint8_t *req, size_t n,
                           uint8_t *ack, size_t cap, int64_t now_ns);

/* What a request needs, so a server can answer at once what it can while
 * a slow command runs (gige_server.c):
 *  PORT  answered from the port's state alone (tc_gige_handle_port):
 *        DISCOVERY, PACKETRESEND, READREG/READMEM whose every address lies
 *        in the bootstrap registers (0x0000-0x0FFF), the port's own
 *        features (0x10E00-0x10E0F) or the XML; also whatever is refused
 *        before it reaches a register (bad header, length or count, an
 *        unknown command) or is not GVCP at all (never answered);
 *  CORE  needs the device core: a read of a feature register, every
 *        write (bootstrap ones included), BYE;
 *  SLOW  a WRITEREG/WRITEMEM touching a register the core flags TC_FF_SLOW
 *        (the same test that sends the PENDING_ACK). */
typedef enum tc_gige_route { TC_GIGE_ROUTE_PORT, TC_GIGE_ROUTE_CORE, TC_GIGE_ROUTE_SLOW } tc_gige_route;
tc_gige_route tc_gige_request_route(const tc_gige *g, const uint8_t *req, size_t n);

/* A BUSY ack (0x8007) for a request that cannot be taken now (the server's
 * queue is full): its length, or 0 when no ack was asked for or the
 * datagram is not GVCP. cap >= 8. */
size_t tc_gige_busy_ack(const uint8_t *req, size_t n, uint8_t *ack, size_t cap);

/* The server's worker is running or holds queued requests, which may call
 * the core. Meanwhile tc_gige_tick never ends a session (ending one calls
 * the core, and the controller's slow command counts as heard at its end):
 * an expired heartbeat is checked again TC_GIGE_BUSY_RECHECK_MS later. */
#define TC_GIGE_BUSY_RECHECK_MS 100
void tc_gige_set_worker_busy(tc_gige *g, int busy);

/* The command `from` sent has just been answered, at now_ns: for the
 * controller this is heard too, so a command that outlasted the heartbeat
 * timeout (PENDING_ACKs meanwhile) does not cost it its session. */
void tc_gige_heard(tc_gige *g, const tc_gige_peer *from, int64_t now_ns);

/* Expire the controller's privilege if its heartbeat timed out. Returns the
 * monotonic time of the next expiry to check (INT64_MAX if none). */
int64_t tc_gige_tick(tc_gige *g, int64_t now_ns);

/* 1 while a host holds control (CCP), else 0. */
unsigned tc_gige_controllers(tc_gige *g);

/* Snapshot of stream channel 0. Returns 1 if the channel is open. */
int tc_gige_stream(tc_gige *g, tc_gige_stream_cfg *out);

/* GevSCPSPacketSize's range (a multiple of 4): an IPv4 datagram's limit on
 * top, total length 65535. */
#define TC_GEV_PACKET_SIZE_MIN 576
#define TC_GEV_PACKET_SIZE_MAX 65532

/* The MTU of the interface the camera serves on: GevSCPSPacketSize powers on
 * at the largest packet it carries whole (576..65532, a multiple of 4;
 * 65532 on loopback, 9000 on a jumbo Ethernet link, 1500 on a plain one), as
 * a camera powers on at its link's best size. 0: unknown (9000). Applies now
 * while no stream channel is open, and at every DeviceReset. */
void tc_gige_set_link_mtu(tc_gige *g, unsigned mtu);

/* Record the local UDP port the stream leaves from (GevSCSP). */
void tc_gige_set_source_port(tc_gige *g, uint16_t port);

/* The discovery ack payload (bootstrap 0x000-0x0F7) for tests. */
size_t tc_gige_discovery_data(tc_gige *g, uint8_t *out, size_t cap);

#endif
