/* GigE Vision device logic (gige_device.h): GVCP commands, the bootstrap
 * register space, the control channel and its heartbeat.
 *
 * Every request is hostile: lengths, alignment and addresses are checked
 * before anything is touched, and every refusal is an ack with the standard
 * status code. Bootstrap layout: GigE Vision 2.0 (facts.md section 4). */
#include "gige/gige_device.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/feature.h"
#include "core/regmap.h"
#include "util/endian.h"
#include "util/rng.h"

/* Bootstrap offsets (GigE Vision 2.0) */
enum {
    BS_VERSION = 0x0000, BS_DEVICE_MODE = 0x0004, BS_MAC_HIGH = 0x0008, BS_MAC_LOW = 0x000C,
    BS_IP_CONFIG_SUPPORTED = 0x0010, BS_IP_CONFIG_CURRENT = 0x0014, BS_CURRENT_IP = 0x0024,
    BS_SUBNET_MASK = 0x0034, BS_GATEWAY = 0x0044, BS_MANUFACTURER = 0x0048, BS_MODEL = 0x0068,
    BS_DEVICE_VERSION = 0x0088, BS_MANUFACTURER_INFO = 0x00A8, BS_SERIAL = 0x00D8,
    BS_USER_NAME = 0x00E8, BS_DISCOVERY_END = 0x00F8, BS_XML_URL0 = 0x0200, BS_XML_URL1 = 0x0400,
    BS_N_INTERFACES = 0x0600, BS_N_MESSAGE_CHANNELS = 0x0900, BS_N_STREAM_CHANNELS = 0x0904,
    BS_GVCP_CAPABILITY = 0x0934, BS_HEARTBEAT = 0x0938, BS_TICK_HIGH = 0x093C, BS_TICK_LOW = 0x0940,
    BS_TS_CONTROL = 0x0944, BS_TS_LATCHED_HIGH = 0x0948, BS_TS_LATCHED_LOW = 0x094C,
    BS_CCP = 0x0A00, BS_SCP0 = 0x0D00, BS_SCPS0 = 0x0D04, BS_SCPD0 = 0x0D08, BS_SCDA0 = 0x0D18,
    BS_SCSP0 = 0x0D1C, BS_END = 0x1000,
};

/* Port-owned feature registers in device space */
enum { PORT_EXT_IDS = 0x10E00, PORT_LOSS = 0x10E08, PORT_END = 0x10E10 };

enum { CCP_EXCLUSIVE = 1u << 0, CCP_CONTROL = 1u << 1 };

/* GVCP capability bits we implement (bit 31 = the standard's bit 0). */
#define CAP_USER_NAME (1u << 31)
#define CAP_SERIAL (1u << 30)
#define CAP_PENDING_ACK (1u << 5)
#define CAP_PACKET_RESEND (1u << 2)
#define CAP_WRITEMEM (1u << 1)
#define CAP_CONCATENATION (1u << 0)

#define PACKET_SIZE_MIN 576
#define PACKET_SIZE_MAX 16380

struct tc_gige {
    tc_camera *cam;
    tc_gige_hooks hooks;
    pthread_mutex_t mu;
    uint8_t boot[BS_END];  /* static part of the bootstrap image, big-endian */
    const char *xml;
    size_t xml_len;
    uint32_t ip;

    uint32_t ccp;
    tc_gige_peer controller;
    int64_t last_heard_ns;
    uint32_t heartbeat_ms;
    uint64_t ts_latched;

    uint16_t scp_port;
    uint32_t scda;
    unsigned packet_size;
    int dont_fragment;
    uint32_t scpd;
    uint16_t scsp;
    int extended_ids;
    double loss_percent;
};

static void logf_(tc_gige *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reset_transport(tc_gige *g);
static void logf_(tc_gige *g, const char *fmt, ...)
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

static void put_string(tc_gige *g, uint32_t at, size_t room, const char *feature)
{
    char s[TC_STRING_MAX] = "";
    tc_get_string(g->cam, feature, s, sizeof(s));
    size_t n = strlen(s);
    memset(g->boot + at, 0, room);
    memcpy(g->boot + at, s, n < room - 1 ? n : room - 1); /* keep a terminating NUL */
}

static void build_bootstrap(tc_gige *g)
{
    memset(g->boot, 0, sizeof(g->boot));
    tc_store_be32(g->boot + BS_VERSION, 0x00020000);             /* GigE Vision 2.0 */
    tc_store_be32(g->boot + BS_DEVICE_MODE, 0x80000001);         /* big-endian, UTF-8 */
    char serial[TC_STRING_MAX] = "";
    tc_get_string(g->cam, "DeviceSerialNumber", serial, sizeof(serial));
    /* A locally administered MAC derived from the serial: each unit its own. */
    uint64_t h = tc_hash_string(serial);
    tc_store_be32(g->boot + BS_MAC_HIGH, 0x0200u | (uint32_t)(h & 0xFF));
    tc_store_be32(g->boot + BS_MAC_LOW, (uint32_t)(h >> 8));
    tc_store_be32(g->boot + BS_IP_CONFIG_SUPPORTED, 0x7);
    tc_store_be32(g->boot + BS_IP_CONFIG_CURRENT, 0x4);          /* link-local style */
    tc_store_be32(g->boot + BS_CURRENT_IP, g->ip);
    tc_store_be32(g->boot + BS_SUBNET_MASK, 0xFF000000);
    put_string(g, BS_MANUFACTURER, 32, "DeviceVendorName");
    put_string(g, BS_MODEL, 32, "DeviceModelName");
    put_string(g, BS_DEVICE_VERSION, 32, "DeviceFirmwareVersion");
    put_string(g, BS_MANUFACTURER_INFO, 48, "DeviceManufacturerInfo");
    put_string(g, BS_SERIAL, 16, "DeviceSerialNumber");
    put_string(g, BS_USER_NAME, 16, "DeviceUserID");
    snprintf((char *)g->boot + BS_XML_URL0, 512, "Local:twincam.xml;%x;%zx", TC_GIGE_XML_ADDRESS,
             g->xml_len);
    tc_store_be32(g->boot + BS_N_INTERFACES, 1);
    tc_store_be32(g->boot + BS_N_STREAM_CHANNELS, 1);
    tc_store_be32(g->boot + BS_GVCP_CAPABILITY, CAP_USER_NAME | CAP_SERIAL | CAP_PENDING_ACK |
                                                    CAP_PACKET_RESEND | CAP_WRITEMEM | CAP_CONCATENATION);
    tc_store_be32(g->boot + BS_TICK_LOW, 1000000000u);
}

tc_gige *tc_gige_new(tc_camera *cam, uint32_t ip, const tc_gige_hooks *hooks)
{
    tc_gige *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->cam = cam;
    if (hooks)
        g->hooks = *hooks;
    g->ip = ip;
    pthread_mutex_init(&g->mu, NULL);
    g->xml = tc_camera_genicam_xml(cam, 1, &g->xml_len);
    if (!g->xml) {
        free(g);
        return NULL;
    }
    reset_transport(g); /* power-on values; packet size 9000 (jumbo): Aravis fire-tests
                           it and negotiates down on links with a smaller MTU */
    build_bootstrap(g);
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
    /* Rows leave as they are read out: one row's bytes per line time (the
     * line time already stretches when the link limit is the bottleneck). */
    int64_t payload = 0, height = 1;
    double line_ns = 0;
    tc_get_int(g->cam, "PayloadSize", &payload);
    tc_get_int(g->cam, "Height", &height);
    tc_get_float(g->cam, "TwinLineTime", &line_ns);
    out->link_Bps = line_ns > 0 && height > 0 ? (double)payload / (double)height / line_ns * 1e9 : 0;
    return open;
}

size_t tc_gige_discovery_data(tc_gige *g, uint8_t *out, size_t cap)
{
    size_t n = cap < BS_DISCOVERY_END ? cap : BS_DISCOVERY_END;
    pthread_mutex_lock(&g->mu);
    put_string(g, BS_USER_NAME, 16, "DeviceUserID");
    memcpy(out, g->boot, n);
    pthread_mutex_unlock(&g->mu);
    return n;
}

/* ---- privileges ---- */

static int same_peer(const tc_gige_peer *a, const tc_gige_peer *b)
{
    return a->ip == b->ip && a->port == b->port;
}

static int is_controller(tc_gige *g, const tc_gige_peer *p)
{
    return (g->ccp & (CCP_CONTROL | CCP_EXCLUSIVE)) && same_peer(&g->controller, p);
}

/* Control ends (released, or heartbeat expired): acquisition stops and the
 * stream channel closes, so the next application starts clean. */
static void drop_control(tc_gige *g, const char *why)
{
    logf_(g, "control of %u.%u.%u.%u:%u ends (%s); acquisition stopped, stream closed",
          g->controller.ip >> 24, (g->controller.ip >> 16) & 255, (g->controller.ip >> 8) & 255,
          g->controller.ip & 255, g->controller.port, why);
    g->ccp = 0;
    memset(&g->controller, 0, sizeof(g->controller));
    g->scp_port = 0;
    tc_stop(g->cam);
    tc_set_int(g->cam, "TLParamsLocked", 0);
}

int64_t tc_gige_tick(tc_gige *g, int64_t now_ns)
{
    pthread_mutex_lock(&g->mu);
    int64_t next = INT64_MAX;
    if (g->ccp) {
        int64_t expiry = g->last_heard_ns + (int64_t)g->heartbeat_ms * 1000000;
        if (now_ns >= expiry)
            drop_control(g, "heartbeat timeout");
        else
            next = expiry;
    }
    pthread_mutex_unlock(&g->mu);
    return next;
}

/* ---- register space ---- */

static uint16_t status_of(int rc, int writing, uint32_t address)
{
    switch (rc) {
    case 0: return TC_GEV_SUCCESS;
    case TC_EADDRESS: return TC_GEV_INVALID_ADDRESS;
    case TC_EACCESS: {
        const tc_register *r = tc_regmap_find(address);
        return writing && r && r->feature->access == TC_RO ? TC_GEV_WRITE_PROTECT : TC_GEV_ACCESS_DENIED;
    }
    case TC_EBUSY: return TC_GEV_BUSY;
    case TC_ERANGE:
    case TC_EINVAL:
    case TC_ETYPE: return TC_GEV_INVALID_PARAMETER;
    default: return TC_GEV_GENERIC_ERROR;
    }
}

static uint32_t boot_value(tc_gige *g, uint32_t a)
{
    switch (a) {
    case BS_HEARTBEAT: return g->heartbeat_ms;
    case BS_TS_CONTROL: return 0;
    case BS_TS_LATCHED_HIGH: return (uint32_t)(g->ts_latched >> 32);
    case BS_TS_LATCHED_LOW: return (uint32_t)g->ts_latched;
    case BS_CCP: return g->ccp;
    case BS_SCP0: return g->scp_port;
    case BS_SCPS0: return (uint32_t)g->packet_size | (g->dont_fragment ? 1u << 30 : 0);
    case BS_SCPD0: return g->scpd;
    case BS_SCDA0: return g->scda;
    case BS_SCSP0: return g->scsp;
    default: return tc_load_be32(g->boot + a);
    }
}

/* Read `len` bytes (a multiple of 4, 4-aligned) at `a`. Caller holds g->mu. */
static uint16_t space_read(tc_gige *g, uint32_t a, uint8_t *buf, size_t len)
{
    uint64_t end = (uint64_t)a + len;
    if (end <= BS_END) {
        if (a <= BS_USER_NAME + 15 && end > BS_USER_NAME)
            put_string(g, BS_USER_NAME, 16, "DeviceUserID");
        for (size_t i = 0; i < len; i += 4)
            tc_store_be32(buf + i, boot_value(g, a + (uint32_t)i));
        return TC_GEV_SUCCESS;
    }
    if (a >= TC_GIGE_XML_ADDRESS && end <= TC_GIGE_XML_ADDRESS + ((g->xml_len + 3) & ~(size_t)3)) {
        size_t off = a - TC_GIGE_XML_ADDRESS;
        for (size_t i = 0; i < len; i++)
            buf[i] = off + i < g->xml_len ? (uint8_t)g->xml[off + i] : 0;
        return TC_GEV_SUCCESS;
    }
    if (a >= PORT_EXT_IDS && end <= PORT_END) {
        uint8_t reg[16] = { 0 };
        tc_store_be32(reg, (uint32_t)g->extended_ids);
        uint64_t bits;
        memcpy(&bits, &g->loss_percent, 8);
        tc_store_be64(reg + 8, bits);
        memcpy(buf, reg + (a - PORT_EXT_IDS), len);
        return TC_GEV_SUCCESS;
    }
    return status_of(tc_register_read(g->cam, a, buf, len, 1), 0, a);
}

static uint16_t write_ccp(tc_gige *g, const tc_gige_peer *from, uint32_t v, int64_t now_ns)
{
    v &= CCP_CONTROL | CCP_EXCLUSIVE;
    if (g->ccp && !is_controller(g, from))
        return TC_GEV_ACCESS_DENIED; /* someone else holds control until its heartbeat ends */
    if (v) {
        if (!g->ccp)
            logf_(g, "control granted to %u.%u.%u.%u:%u (%s)", from->ip >> 24, (from->ip >> 16) & 255,
                  (from->ip >> 8) & 255, from->ip & 255, from->port, v & CCP_EXCLUSIVE ? "exclusive" : "control");
        g->ccp = v;
        g->controller = *from;
        g->last_heard_ns = now_ns;
    } else if (g->ccp) {
        drop_control(g, "released");
    }
    return TC_GEV_SUCCESS;
}

static uint16_t write_scps(tc_gige *g, uint32_t v)
{
    unsigned size = v & 0xFFFF;
    if (size != g->packet_size) {
        if (size < PACKET_SIZE_MIN || size > PACKET_SIZE_MAX || size % 4)
            return TC_GEV_INVALID_PARAMETER;
        int64_t running = 0;
        tc_get_int(g->cam, "TLParamsLocked", &running);
        if (running)
            return TC_GEV_BUSY; /* the host sized its buffers for the old size */
        g->packet_size = size;
    }
    g->dont_fragment = (v >> 30) & 1;
    if (v & (1u << 31)) {
        tc_gige_stream_cfg cfg = { g->scda, g->scp_port, g->packet_size, g->dont_fragment, g->scpd,
                                   g->extended_ids, 0, 0 };
        if (g->hooks.fire_test && g->scda && g->scp_port)
            g->hooks.fire_test(g->hooks.ctx, &cfg);
    }
    return TC_GEV_SUCCESS;
}

static uint16_t write_user_name(tc_gige *g, const uint8_t *p, size_t n);

/* Would boot_write32 accept v at a? (No side effects.) */
static uint16_t boot_check32(tc_gige *g, uint32_t a, uint32_t v)
{
    switch (a) {
    case BS_HEARTBEAT:
        return v < 500 || v > 600000 ? TC_GEV_INVALID_PARAMETER : TC_GEV_SUCCESS;
    case BS_SCPS0: {
        unsigned size = v & 0xFFFF;
        if (size != g->packet_size && (size < PACKET_SIZE_MIN || size > PACKET_SIZE_MAX || size % 4))
            return TC_GEV_INVALID_PARAMETER;
        return TC_GEV_SUCCESS;
    }
    case BS_SCPD0:
        return v > 100000000 ? TC_GEV_INVALID_PARAMETER : TC_GEV_SUCCESS;
    case BS_TS_CONTROL: case BS_CCP: case BS_SCP0: case BS_SCDA0:
        return TC_GEV_SUCCESS;
    default:
        if (a >= BS_USER_NAME && a < BS_USER_NAME + 16)
            return TC_GEV_SUCCESS;
        return a < BS_END ? TC_GEV_WRITE_PROTECT : TC_GEV_INVALID_ADDRESS;
    }
}

static uint16_t boot_write32(tc_gige *g, const tc_gige_peer *from, uint32_t a, uint32_t v, int64_t now_ns)
{
    switch (a) {
    case BS_HEARTBEAT:
        if (v < 500 || v > 600000)
            return TC_GEV_INVALID_PARAMETER;
        g->heartbeat_ms = v;
        return TC_GEV_SUCCESS;
    case BS_TS_CONTROL:
        if (v & 1)
            tc_execute(g->cam, "TimestampReset");
        if (v & 2) {
            int64_t t = 0;
            tc_execute(g->cam, "TimestampLatch");
            tc_get_int(g->cam, "TimestampLatchValue", &t);
            g->ts_latched = (uint64_t)t;
        }
        return TC_GEV_SUCCESS;
    case BS_CCP:
        return write_ccp(g, from, v, now_ns);
    case BS_SCP0:
        if ((v & 0xFFFF) != g->scp_port)
            logf_(g, v & 0xFFFF ? "stream channel opened to port %u" : "stream channel closed%.0u",
                  v & 0xFFFF);
        g->scp_port = v & 0xFFFF;
        return TC_GEV_SUCCESS;
    case BS_SCPS0:
        return write_scps(g, v);
    case BS_SCPD0:
        if (v > 100000000)
            return TC_GEV_INVALID_PARAMETER;
        g->scpd = v;
        return TC_GEV_SUCCESS;
    case BS_SCDA0:
        g->scda = v;
        return TC_GEV_SUCCESS;
    default:
        if (a >= BS_USER_NAME && a < BS_USER_NAME + 16) {
            uint8_t name[16];
            put_string(g, BS_USER_NAME, 16, "DeviceUserID");
            memcpy(name, g->boot + BS_USER_NAME, 16);
            tc_store_be32(name + (a - BS_USER_NAME), v);
            return write_user_name(g, name, 16);
        }
        return a < BS_END ? TC_GEV_WRITE_PROTECT : TC_GEV_INVALID_ADDRESS;
    }
}

static uint16_t write_user_name(tc_gige *g, const uint8_t *p, size_t n)
{
    char s[17] = { 0 };
    memcpy(s, p, n < 16 ? n : 16);
    return status_of(tc_set_string(g->cam, "DeviceUserID", s), 1, 0);
}

/* DeviceReset returns the stream channel and transport parameters to their
 * power-on values too. The twin does not really reboot, so the controlling
 * application keeps control (a real camera would drop the connection). */
static void reset_transport(tc_gige *g)
{
    g->scp_port = 0;
    g->scda = 0;
    g->packet_size = 9000;
    g->dont_fragment = 0;
    g->scpd = 0;
    g->extended_ids = 0;
    g->loss_percent = 0;
    g->heartbeat_ms = TC_GIGE_DEFAULT_HEARTBEAT_MS;
}

/* Write `len` bytes (a multiple of 4, 4-aligned). Caller holds g->mu. */
static uint16_t space_write(tc_gige *g, const tc_gige_peer *from, uint32_t a, const uint8_t *p,
                            size_t len, int64_t now_ns)
{
    uint64_t end = (uint64_t)a + len;
    if (a == BS_USER_NAME && len == 16)
        return write_user_name(g, p, len);
    if (end <= BS_END) {
        /* All or nothing: a span of several bootstrap registers is applied
         * only if every one of them would take its value. */
        if (len > 4)
            for (size_t i = 0; i < len; i += 4) {
                uint16_t st = boot_check32(g, a + (uint32_t)i, tc_load_be32(p + i));
                if (st)
                    return st;
            }
        for (size_t i = 0; i < len; i += 4) {
            uint16_t st = boot_write32(g, from, a + (uint32_t)i, tc_load_be32(p + i), now_ns);
            if (st)
                return st;
        }
        return TC_GEV_SUCCESS;
    }
    if (a >= TC_GIGE_XML_ADDRESS && a < TC_GIGE_XML_ADDRESS + g->xml_len)
        return TC_GEV_WRITE_PROTECT;
    if (a == PORT_EXT_IDS && len == 4) {
        uint32_t v = tc_load_be32(p);
        if (v > 1)
            return TC_GEV_INVALID_PARAMETER;
        int64_t running = 0;
        tc_get_int(g->cam, "TLParamsLocked", &running);
        if (running)
            return TC_GEV_BUSY;
        g->extended_ids = (int)v;
        return TC_GEV_SUCCESS;
    }
    if (a == PORT_LOSS && len == 8) {
        uint64_t bits = tc_load_be64(p);
        double d;
        memcpy(&d, &bits, 8);
        if (!(d >= 0 && d <= 50))
            return TC_GEV_INVALID_PARAMETER;
        g->loss_percent = d;
        logf_(g, "stream packet loss set to %.3g %%", d);
        return TC_GEV_SUCCESS;
    }
    if (a >= PORT_EXT_IDS && a < PORT_END)
        return TC_GEV_INVALID_ADDRESS;
    int rc = tc_register_write(g->cam, a, p, len, 1);
    const tc_register *r = tc_regmap_find(a);
    if (rc == 0 && r && !strcmp(r->feature->name, "DeviceReset")) {
        reset_transport(g);
        logf_(g, "device reset: features and stream channel back to power-on values");
    }
    if (rc != 0)
        logf_(g, "write 0x%05x (%s) refused: %s", a, r ? r->feature->name : "?", tc_camera_last_error(g->cam));
    else if (r && (r->feature->type == TC_FT_COMMAND))
        logf_(g, "%s executed", r->feature->name);
    return status_of(rc, 1, a);
}

/* Operations slow enough that the host should be told to wait. */
static int is_slow(uint32_t a)
{
    const tc_register *r = tc_regmap_find(a);
    if (!r)
        return 0;
    const char *n = r->feature->name;
    return !strcmp(n, "TwinScene") || !strcmp(n, "UserSetLoad") || !strcmp(n, "DeviceReset") ||
           !strcmp(n, "AcquisitionStart");
}

/* Any register of [a, a+len) that is slow. */
static int span_is_slow(uint32_t a, size_t len)
{
    for (size_t i = 0; i < len; i += 4)
        if (is_slow(a + (uint32_t)i))
            return 1;
    return 0;
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
    if ((g->ccp & CCP_EXCLUSIVE) && !is_controller(g, from))
        return ack_status(ack, c, TC_GEV_ACCESS_DENIED);
    unsigned n = c->length / 4, done = 0;
    uint16_t st = TC_GEV_SUCCESS;
    for (; done < n; done++) {
        uint32_t a = tc_load_be32(c->payload + 4 * done);
        if (a % 4) {
            st = TC_GEV_BAD_ALIGNMENT;
            break;
        }
        st = space_read(g, a, ack + TC_GVCP_HEADER + 4 * done, 4);
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
        if (a != BS_CCP && !is_controller(g, from)) {
            st = TC_GEV_ACCESS_DENIED;
            break;
        }
        if (is_slow(a))
            pending(g, c);
        st = space_write(g, from, a, c->payload + 8 * done + 4, 4, now_ns);
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
    if ((g->ccp & CCP_EXCLUSIVE) && !is_controller(g, from))
        return ack_status(ack, c, TC_GEV_ACCESS_DENIED);
    st = space_read(g, r.address, ack + TC_GVCP_HEADER + 4, r.count);
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
    if (!st && !is_controller(g, from) && !(w.address == BS_CCP && w.count == 4))
        st = TC_GEV_ACCESS_DENIED;
    if (!st) {
        if (span_is_slow(w.address, w.count))
            pending(g, c);
        st = space_write(g, from, w.address, w.data, w.count, now_ns);
    }
    tc_gvcp_ack_header(ack, (uint16_t)st, TC_GVCP_WRITEMEM_ACK, 4, c->req_id);
    tc_store_be16(ack + 8, 0);
    tc_store_be16(ack + 10, st ? 0 : w.count); /* bytes written */
    return 12;
}

size_t tc_gige_handle(tc_gige *g, const tc_gige_peer *from, const uint8_t *req, size_t n,
                      uint8_t *ack, size_t cap, int64_t now_ns)
{
    if (cap < TC_GVCP_HEADER + TC_GVCP_MAX_PAYLOAD)
        return 0;
    tc_gvcp_cmd c;
    int st = tc_gvcp_parse(req, n, &c);
    if (st < 0)
        return 0; /* not GVCP: never answer noise */
    if (st > 0)
        return (c.flags & TC_GVCP_FLAG_ACK_REQUIRED) ? ack_status(ack, &c, (uint16_t)st) : 0;

    pthread_mutex_lock(&g->mu);
    if (is_controller(g, from))
        g->last_heard_ns = now_ns; /* any command from the controller is a heartbeat */
    size_t out = 0;
    switch (c.command) {
    case TC_GVCP_DISCOVERY_CMD:
        put_string(g, BS_USER_NAME, 16, "DeviceUserID");
        tc_gvcp_ack_header(ack, TC_GEV_SUCCESS, TC_GVCP_DISCOVERY_ACK, BS_DISCOVERY_END, c.req_id);
        memcpy(ack + TC_GVCP_HEADER, g->boot, BS_DISCOVERY_END);
        out = TC_GVCP_HEADER + BS_DISCOVERY_END;
        logf_(g, "discovery from %u.%u.%u.%u:%u", from->ip >> 24, (from->ip >> 16) & 255,
              (from->ip >> 8) & 255, from->ip & 255, from->port);
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
    if (c.command != TC_GVCP_DISCOVERY_CMD && !(c.flags & TC_GVCP_FLAG_ACK_REQUIRED))
        return 0;
    return out;
}
