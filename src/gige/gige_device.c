/* GigE Vision device logic (gige_device.h): GVCP commands, the control
 * channel and its heartbeat. The register space is gige_regs.c.
 *
 * Every request is hostile: lengths, alignment and addresses are checked
 * before anything is touched, and every refusal is an ack with the standard
 * status code. Policy (what a slow write is, what a host leaving does, what
 * a reset resets) is the core's, through core/device_port.h. */
#include "gige/gige_device.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gige/gige_int.h"
#include "util/log.h"
#include "util/endian.h"
#include "util/rng.h"

void tc_gige_logf(tc_gige *g, const char *fmt, ...)
{
    if (!g->hooks.log)
        return;
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    g->hooks.log(g->hooks.ctx, line);
}

tc_gige *tc_gige_new(tc_device *dev, uint32_t ip, const tc_gige_hooks *hooks)
{
    tc_gige *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->dev = dev;
    if (hooks)
        g->hooks = *hooks;
    g->ip = ip;
    pthread_mutex_init(&g->mu, NULL);
    g->xml = tc_port_xml(dev, 1, &g->xml_len);
    if (!g->xml) {
        pthread_mutex_destroy(&g->mu);
        free(g);
        return NULL;
    }
    /* A locally administered MAC derived from the serial: each unit its own. */
    tc_port_identity id;
    tc_port_identity_get(dev, &id);
    g->id = id;
    uint64_t h = tc_hash_string(id.serial);
    g->mac = (uint64_t)(0x0200u | (uint32_t)(h & 0xFF)) << 32 | (uint32_t)(h >> 8);
    g->resets_seen = tc_port_resets(dev);
    tc_gige_reset_transport(g);
    return g;
}

void tc_gige_free(tc_gige *g)
{
    if (!g)
        return;
    pthread_mutex_destroy(&g->mu);
    free(g);
}

void tc_gige_set_source_port(tc_gige *g, uint16_t port)
{
    pthread_mutex_lock(&g->mu);
    g->scsp = port;
    pthread_mutex_unlock(&g->mu);
}

int tc_gige_stream(tc_gige *g, tc_gige_stream_cfg *out)
{
    pthread_mutex_lock(&g->mu);
    out->dest_ip = g->scda;
    out->dest_port = g->scp_port;
    out->packet_size = g->packet_size;
    out->dont_fragment = g->dont_fragment;
    out->delay_ns = g->scpd;
    out->extended_ids = g->extended_ids;
    out->loss_percent = g->loss_percent;
    int open = g->scp_port != 0 && g->scda != 0;
    pthread_mutex_unlock(&g->mu);
    return open;
}

static void sync_core(tc_gige *g);

size_t tc_gige_discovery_data(tc_gige *g, uint8_t *out, size_t cap)
{
    uint8_t img[TC_GIGE_DISCOVERY_LEN];
    size_t n = cap < sizeof(img) ? cap : sizeof(img);
    sync_core(g);
    pthread_mutex_lock(&g->mu);
    tc_gige_discovery_image(g, img);
    pthread_mutex_unlock(&g->mu);
    memcpy(out, img, n);
    return n;
}

/* ---- privileges ---- */

static int same_peer(const tc_gige_peer *a, const tc_gige_peer *b)
{
    return a->ip == b->ip && a->port == b->port;
}

static int is_controller(tc_gige *g, const tc_gige_peer *p)
{
    return (g->ccp & (TC_CCP_CONTROL | TC_CCP_EXCLUSIVE)) && same_peer(&g->controller, p);
}

/* Control ends (released, or heartbeat expired): the host is gone, for the
 * core (tc_port_host_gone) and for the stream channel, which closes, so the
 * next application starts clean. */
static void drop_control(tc_gige *g, const char *why)
{
    g->ccp = 0;
    g->scp_port = 0;
    unsigned dropped = tc_port_host_gone(g->dev);
    tc_gige_logf(g, "control of %u.%u.%u.%u:%u ends (%s); acquisition stopped, stream closed, "
                    "%u queued frames dropped",
                 g->controller.ip >> 24, (g->controller.ip >> 16) & 255,
                 (g->controller.ip >> 8) & 255, g->controller.ip & 255, g->controller.port, why,
                 dropped);
    memset(&g->controller, 0, sizeof(g->controller));
}

/* A DeviceReset (through this or any port) returns the stream channel and
 * transport parameters to power-on too. The twin does not really reboot, so
 * the controlling application keeps control (a real camera would drop the
 * connection). The same call refreshes the port's copy of the identity
 * strings (a write may have changed DeviceUserID, here or through another
 * port). The core is asked without g->mu held, so the port's lock never
 * waits on the core's here. */
static void sync_core(tc_gige *g)
{
    tc_port_identity id;
    tc_port_identity_get(g->dev, &id);
    uint64_t n = tc_port_resets(g->dev);
    pthread_mutex_lock(&g->mu);
    g->id = id;
    if (n > g->resets_seen) { /* a count: a stale snapshot never resets twice */
        g->resets_seen = n;
        tc_gige_reset_transport(g);
        tc_gige_logf(g, "device reset: features and stream channel back to power-on values");
    }
    pthread_mutex_unlock(&g->mu);
}

void tc_gige_heard(tc_gige *g, const tc_gige_peer *from, int64_t now_ns)
{
    pthread_mutex_lock(&g->mu);
    if (g->ccp && is_controller(g, from) && now_ns > g->last_heard_ns)
        g->last_heard_ns = now_ns;
    pthread_mutex_unlock(&g->mu);
}

int64_t tc_gige_tick(tc_gige *g, int64_t now_ns)
{
    pthread_mutex_lock(&g->mu);
    int64_t next = INT64_MAX;
    if (g->ccp) {
        int64_t expiry = g->last_heard_ns + (int64_t)g->heartbeat_ms * 1000000;
        if (now_ns < expiry)
            next = expiry;
        else if (g->worker_busy) /* its command's end counts as heard (tc_gige_heard) */
            next = now_ns + TC_GIGE_BUSY_RECHECK_MS * 1000000;
        else
            drop_control(g, "heartbeat timeout");
    }
    pthread_mutex_unlock(&g->mu);
    return next;
}

void tc_gige_set_worker_busy(tc_gige *g, int busy)
{
    pthread_mutex_lock(&g->mu);
    g->worker_busy = busy != 0;
    pthread_mutex_unlock(&g->mu);
}

unsigned tc_gige_controllers(tc_gige *g)
{
    pthread_mutex_lock(&g->mu);
    unsigned n = g->ccp ? 1 : 0;
    pthread_mutex_unlock(&g->mu);
    return n;
}

uint16_t tc_gige_write_ccp(tc_gige *g, const tc_gige_peer *from, uint32_t v, int64_t now_ns)
{
    v &= TC_CCP_CONTROL | TC_CCP_EXCLUSIVE;
    if (g->ccp && !is_controller(g, from))
        return TC_GEV_ACCESS_DENIED; /* someone else holds control until its heartbeat ends */
    if (v) {
        if (!g->ccp)
            tc_gige_logf(g, "control granted to %u.%u.%u.%u:%u (%s)", from->ip >> 24,
                         (from->ip >> 16) & 255, (from->ip >> 8) & 255, from->ip & 255, from->port,
                         v & TC_CCP_EXCLUSIVE ? "exclusive" : "control");
        g->ccp = v;
        g->controller = *from;
        g->last_heard_ns = now_ns;
    } else if (g->ccp) {
        drop_control(g, "released");
    }
    return TC_GEV_SUCCESS;
}

static size_t ack_status(uint8_t *ack, const tc_gvcp_cmd *c, uint16_t status);

/* Writes the core flags as slow: the host should be told to wait. */
static int is_slow(uint32_t a, size_t len)
{
    return (tc_port_span_flags(a, len) & TC_FF_SLOW) != 0;
}

/* The one routing rule (gige_device.h): what each command below touches.
 * Anything refused before it reaches a register (not GVCP, a bad header or
 * count, an unknown command) is answered from the request alone. Every
 * write reaches the core (the bootstrap ones too: CCP may end a session,
 * which is the core's host-gone; the timestamp, user name and packet size
 * ask it), and so does BYE; so keeping all writes in one queue keeps a
 * host's writes in the order it sent them. */
tc_gige_route tc_gige_request_route(const tc_gige *g, const uint8_t *req, size_t n)
{
    tc_gvcp_cmd c;
    if (tc_gvcp_parse(req, n, &c) != 0)
        return TC_GIGE_ROUTE_PORT;
    switch (c.command) {
    case TC_GVCP_DISCOVERY_CMD:
    case TC_GVCP_PACKETRESEND_CMD: /* queued for the sender, which needs no core lock to take it */
        return TC_GIGE_ROUTE_PORT;
    case TC_GVCP_READREG_CMD:
        if (c.length == 0 || c.length > TC_GVCP_MAX_PAYLOAD)
            return TC_GIGE_ROUTE_PORT; /* refused as a whole */
        for (unsigned i = 0; i < c.length / 4u; i++)
            if (!tc_gige_space_read_is_port(g, tc_load_be32(c.payload + 4 * i), 4))
                return TC_GIGE_ROUTE_CORE;
        return TC_GIGE_ROUTE_PORT;
    case TC_GVCP_READMEM_CMD: {
        tc_gvcp_readmem r;
        if (tc_gvcp_parse_readmem(&c, &r) != 0 || tc_gige_space_read_is_port(g, r.address, r.count))
            return TC_GIGE_ROUTE_PORT;
        return TC_GIGE_ROUTE_CORE;
    }
    case TC_GVCP_WRITEREG_CMD:
        if (c.length == 0 || c.length % 8 || c.length > TC_GVCP_MAX_PAYLOAD)
            return TC_GIGE_ROUTE_PORT; /* refused as a whole */
        for (unsigned i = 0; i < c.length / 8u; i++)
            if (is_slow(tc_load_be32(c.payload + 8 * i), 4))
                return TC_GIGE_ROUTE_SLOW;
        return TC_GIGE_ROUTE_CORE;
    case TC_GVCP_WRITEMEM_CMD: {
        tc_gvcp_writemem w;
        if (tc_gvcp_parse_writemem(&c, &w) != 0)
            return TC_GIGE_ROUTE_PORT;
        return is_slow(w.address, w.count) ? TC_GIGE_ROUTE_SLOW : TC_GIGE_ROUTE_CORE;
    }
    case TC_GVCP_BYE_CMD:
        return TC_GIGE_ROUTE_CORE; /* the controller's BYE ends its session: host gone */
    default:
        return TC_GIGE_ROUTE_PORT; /* not implemented */
    }
}

size_t tc_gige_busy_ack(const uint8_t *req, size_t n, uint8_t *ack, size_t cap)
{
    tc_gvcp_cmd c;
    if (cap < TC_GVCP_HEADER || tc_gvcp_parse(req, n, &c) < 0 || !(c.flags & TC_GVCP_FLAG_ACK_REQUIRED))
        return 0;
    return ack_status(ack, &c, TC_GEV_BUSY);
}

/* PENDING_ACK, only to a requester that asked for an ack. */
static void pending(tc_gige *g, const tc_gvcp_cmd *c)
{
    if (!g->hooks.send_now || !(c->flags & TC_GVCP_FLAG_ACK_REQUIRED))
        return;
    uint16_t req_id = c->req_id;
    uint8_t p[12];
    size_t n = tc_gvcp_pending_ack(p, req_id, 2000);
    g->hooks.send_now(g->hooks.ctx, p, n);
}

/* ---- commands ---- */

static size_t ack_status(uint8_t *ack, const tc_gvcp_cmd *c, uint16_t status)
{
    return tc_gvcp_ack_header(ack, status, tc_gvcp_ack_code(c->command), 0, c->req_id);
}

static size_t do_readreg(tc_gige *g, const tc_gige_peer *from, const tc_gvcp_cmd *c, uint8_t *ack)
{
    if (c->length == 0 || c->length > TC_GVCP_MAX_PAYLOAD)
        return ack_status(ack, c, TC_GEV_INVALID_PARAMETER);
    if ((g->ccp & TC_CCP_EXCLUSIVE) && !is_controller(g, from))
        return ack_status(ack, c, TC_GEV_ACCESS_DENIED);
    unsigned n = c->length / 4, done = 0;
    uint16_t st = TC_GEV_SUCCESS;
    for (; done < n; done++) {
        uint32_t a = tc_load_be32(c->payload + 4 * done);
        if (a % 4) {
            st = TC_GEV_BAD_ALIGNMENT;
            break;
        }
        st = tc_gige_space_read(g, a, ack + TC_GVCP_HEADER + 4 * done, 4);
        if (st)
            break;
    }
    return tc_gvcp_ack_header(ack, st, TC_GVCP_READREG_ACK, (uint16_t)(4 * done), c->req_id) + 4 * done;
}

static size_t do_writereg(tc_gige *g, const tc_gige_peer *from, const tc_gvcp_cmd *c, uint8_t *ack,
                          int64_t now_ns)
{
    unsigned n = c->length / 8, done = 0;
    uint16_t st = TC_GEV_SUCCESS;
    if (c->length == 0 || c->length % 8 || c->length > TC_GVCP_MAX_PAYLOAD) {
        st = TC_GEV_INVALID_PARAMETER;
        n = 0;
    }
    for (; done < n; done++) {
        uint32_t a = tc_load_be32(c->payload + 8 * done);
        if (a % 4) {
            st = TC_GEV_BAD_ALIGNMENT;
            break;
        }
        if (!tc_gige_is_ccp(a, 4) && !is_controller(g, from)) {
            st = TC_GEV_ACCESS_DENIED;
            break;
        }
        if (is_slow(a, 4))
            pending(g, c);
        st = tc_gige_space_write(g, from, a, c->payload + 8 * done + 4, 4, now_ns);
        if (st)
            break;
    }
    tc_gvcp_ack_header(ack, st, TC_GVCP_WRITEREG_ACK, 4, c->req_id);
    tc_store_be16(ack + 8, 0);
    tc_store_be16(ack + 10, (uint16_t)done); /* index of the first register not written */
    return 12;
}

static size_t do_readmem(tc_gige *g, const tc_gige_peer *from, const tc_gvcp_cmd *c, uint8_t *ack)
{
    tc_gvcp_readmem r;
    int st = tc_gvcp_parse_readmem(c, &r);
    if (st)
        return ack_status(ack, c, (uint16_t)st);
    if ((g->ccp & TC_CCP_EXCLUSIVE) && !is_controller(g, from))
        return ack_status(ack, c, TC_GEV_ACCESS_DENIED);
    st = tc_gige_space_read(g, r.address, ack + TC_GVCP_HEADER + 4, r.count);
    if (st)
        return ack_status(ack, c, (uint16_t)st);
    tc_gvcp_ack_header(ack, TC_GEV_SUCCESS, TC_GVCP_READMEM_ACK, (uint16_t)(4 + r.count), c->req_id);
    tc_store_be32(ack + 8, r.address);
    return TC_GVCP_HEADER + 4 + r.count;
}

static size_t do_writemem(tc_gige *g, const tc_gige_peer *from, const tc_gvcp_cmd *c, uint8_t *ack,
                          int64_t now_ns)
{
    tc_gvcp_writemem w;
    int st = tc_gvcp_parse_writemem(c, &w);
    if (!st && !is_controller(g, from) && !tc_gige_is_ccp(w.address, w.count))
        st = TC_GEV_ACCESS_DENIED;
    if (!st) {
        if (is_slow(w.address, w.count))
            pending(g, c);
        st = tc_gige_space_write(g, from, w.address, w.data, w.count, now_ns);
    }
    tc_gvcp_ack_header(ack, (uint16_t)st, TC_GVCP_WRITEMEM_ACK, 4, c->req_id);
    tc_store_be16(ack + 8, 0);
    tc_store_be16(ack + 10, st ? 0 : w.count); /* bytes written */
    return 12;
}

/* One request. core_ok: this thread may call the core (tc_gige_handle);
 * else only a port-only request comes here (tc_gige_handle_port), answered
 * from port state and the identity copy, while another thread may be in a
 * core call holding the core's lock for as long as a slow command takes. */
static size_t handle(tc_gige *g, const tc_gige_peer *from, const uint8_t *req, size_t n,
                     uint8_t *ack, size_t cap, int64_t now_ns, int core_ok)
{
    if (cap < TC_GVCP_HEADER + TC_GVCP_MAX_PAYLOAD)
        return 0;
    tc_gvcp_cmd c;
    int st = tc_gvcp_parse(req, n, &c);
    if (st < 0)
        return 0; /* not GVCP: never answer noise */
    if (st > 0)
        return (c.flags & TC_GVCP_FLAG_ACK_REQUIRED) ? ack_status(ack, &c, (uint16_t)st) : 0;

    /* A reset or a new user name through another port since the last
     * request. Not for PACKETRESEND: a lost packet's requests come by the
     * hundred while a frame streams, need neither, and each sync takes the
     * core's lock and copies the identity (the 1 % loss test beside a CPU
     * hog lost frames to the delay). */
    if (core_ok && c.command != TC_GVCP_PACKETRESEND_CMD)
        sync_core(g);
    pthread_mutex_lock(&g->mu);
    if (is_controller(g, from))
        g->last_heard_ns = now_ns; /* any command from the controller is a heartbeat */
    size_t out = 0;
    switch (c.command) {
    case TC_GVCP_DISCOVERY_CMD:
        tc_gvcp_ack_header(ack, TC_GEV_SUCCESS, TC_GVCP_DISCOVERY_ACK, TC_GIGE_DISCOVERY_LEN, c.req_id);
        tc_gige_discovery_image(g, ack + TC_GVCP_HEADER);
        out = TC_GVCP_HEADER + TC_GIGE_DISCOVERY_LEN;
        long left_out = tc_log_limit_take(&g->discovery_log); /* any peer, at any rate */
        char more[64] = "";
        if (left_out > 0)
            snprintf(more, sizeof(more), " (and %ld before it, not logged)", left_out);
        if (left_out >= 0)
            tc_gige_logf(g, "discovery from %u.%u.%u.%u:%u%s", from->ip >> 24, (from->ip >> 16) & 255,
                         (from->ip >> 8) & 255, from->ip & 255, from->port, more);
        break;
    case TC_GVCP_READREG_CMD:
        out = do_readreg(g, from, &c, ack);
        break;
    case TC_GVCP_WRITEREG_CMD:
        out = do_writereg(g, from, &c, ack, now_ns);
        break;
    case TC_GVCP_READMEM_CMD:
        out = do_readmem(g, from, &c, ack);
        break;
    case TC_GVCP_WRITEMEM_CMD:
        out = do_writemem(g, from, &c, ack, now_ns);
        break;
    case TC_GVCP_PACKETRESEND_CMD: {
        tc_gvcp_resend r;
        /* Aravis asks from its stream socket, not the control socket; a
         * resend only ever goes to GevSCDA, so any peer may ask. */
        int ok = g->scp_port && tc_gvcp_parse_resend(&c, &r) == 0 && r.channel == 0;
        pthread_mutex_unlock(&g->mu);
        if (ok && g->hooks.resend)
            g->hooks.resend(g->hooks.ctx, &r);
        if (core_ok)
            sync_core(g);
        return 0; /* PACKETRESEND has no ack, not even for a malformed one */
    }
    case TC_GVCP_BYE_CMD:
        if (is_controller(g, from))
            drop_control(g, "bye");
        out = tc_gvcp_ack_header(ack, TC_GEV_SUCCESS, TC_GVCP_BYE_ACK, 0, c.req_id);
        break;
    default:
        out = ack_status(ack, &c, TC_GEV_NOT_IMPLEMENTED);
        break;
    }
    pthread_mutex_unlock(&g->mu);
    if (core_ok)
        sync_core(g); /* this request's own reset or name */
    if (c.command != TC_GVCP_DISCOVERY_CMD && !(c.flags & TC_GVCP_FLAG_ACK_REQUIRED))
        return 0;
    return out;
}

size_t tc_gige_handle(tc_gige *g, const tc_gige_peer *from, const uint8_t *req, size_t n,
                      uint8_t *ack, size_t cap, int64_t now_ns)
{
    return handle(g, from, req, n, ack, cap, now_ns, 1);
}

size_t tc_gige_handle_port(tc_gige *g, const tc_gige_peer *from, const uint8_t *req, size_t n,
                           uint8_t *ack, size_t cap, int64_t now_ns)
{
    if (tc_gige_request_route(g, req, n) != TC_GIGE_ROUTE_PORT) /* a caller's mistake: never run */
        return cap >= TC_GVCP_HEADER ? tc_gige_busy_ack(req, n, ack, cap) : 0;
    return handle(g, from, req, n, ack, cap, now_ns, 0);
}
