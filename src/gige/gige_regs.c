/* The GigE Vision register space of one camera (gige_int.h): every register
 * the port serves is one row of `regs` below, declared once, with what a
 * read returns and what a write does chosen by its id; then the GenICam XML
 * (read-only memory at TC_GIGE_XML_ADDRESS) and the device core's feature
 * registers (big-endian, through the port interface).
 *
 * Bootstrap layout: GigE Vision 2.0 (facts.md section 4). The TC_FF_GIGE rows
 * of the feature table describe some of these registers to GenICam clients;
 * tests/gige/test_gvcp.c checks each lies on a row here with its access.
 *
 * Every request is hostile: lengths, alignment and addresses are checked
 * before anything is touched, and a span of several bootstrap registers is
 * written only if every one of them would take its value. */
#include <stdio.h>
#include <string.h>

#include "gige/gige_int.h"
#include "util/endian.h"

enum acc { A_RO, A_RW, A_WO };

enum id {
    R_VERSION, R_DEVICE_MODE, R_MAC_HIGH, R_MAC_LOW, R_IP_CONFIG_SUPPORTED, R_IP_CONFIG_CURRENT,
    R_CURRENT_IP, R_SUBNET_MASK, R_GATEWAY, R_MANUFACTURER, R_MODEL, R_DEVICE_VERSION,
    R_MANUFACTURER_INFO, R_SERIAL, R_USER_NAME, R_XML_URL0, R_XML_URL1, R_N_INTERFACES,
    R_N_MESSAGE_CHANNELS, R_N_STREAM_CHANNELS, R_GVCP_CAPABILITY, R_HEARTBEAT, R_TICK_HIGH,
    R_TICK_LOW, R_TS_CONTROL, R_TS_LATCHED_HIGH, R_TS_LATCHED_LOW, R_CCP, R_SCP0, R_SCPS0,
    R_SCPD0, R_SCDA0, R_SCSP0, R_EXT_IDS, R_LOSS,
};

typedef struct greg {
    uint32_t address;
    uint16_t length;
    uint8_t access, id;
} greg;

/* Sorted by address. */
static const greg regs[] = {
    { 0x0000, 4, A_RO, R_VERSION },
    { 0x0004, 4, A_RO, R_DEVICE_MODE },
    { 0x0008, 4, A_RO, R_MAC_HIGH },
    { 0x000C, 4, A_RO, R_MAC_LOW },
    { 0x0010, 4, A_RO, R_IP_CONFIG_SUPPORTED },
    { 0x0014, 4, A_RO, R_IP_CONFIG_CURRENT },
    { 0x0024, 4, A_RO, R_CURRENT_IP },
    { 0x0034, 4, A_RO, R_SUBNET_MASK },
    { 0x0044, 4, A_RO, R_GATEWAY },
    { 0x0048, 32, A_RO, R_MANUFACTURER },
    { 0x0068, 32, A_RO, R_MODEL },
    { 0x0088, 32, A_RO, R_DEVICE_VERSION },
    { 0x00A8, 48, A_RO, R_MANUFACTURER_INFO },
    { 0x00D8, 16, A_RO, R_SERIAL },
    { 0x00E8, 16, A_RW, R_USER_NAME },      /* DeviceUserID */
    { 0x0200, 512, A_RO, R_XML_URL0 },
    { 0x0400, 512, A_RO, R_XML_URL1 },
    { 0x0600, 4, A_RO, R_N_INTERFACES },
    { 0x0900, 4, A_RO, R_N_MESSAGE_CHANNELS },
    { 0x0904, 4, A_RO, R_N_STREAM_CHANNELS },
    { 0x0934, 4, A_RO, R_GVCP_CAPABILITY },
    { 0x0938, 4, A_RW, R_HEARTBEAT },        /* GevHeartbeatTimeout */
    { 0x093C, 4, A_RO, R_TICK_HIGH },        /* GevTimestampTickFrequency */
    { 0x0940, 4, A_RO, R_TICK_LOW },
    { 0x0944, 4, A_WO, R_TS_CONTROL },       /* bit 0 reset, bit 1 latch */
    { 0x0948, 4, A_RO, R_TS_LATCHED_HIGH },  /* GevTimestampValue */
    { 0x094C, 4, A_RO, R_TS_LATCHED_LOW },
    { 0x0A00, 4, A_RW, R_CCP },              /* GevCCP */
    { 0x0D00, 4, A_RW, R_SCP0 },             /* GevSCPHostPort */
    { 0x0D04, 4, A_RW, R_SCPS0 },            /* packet size, bit 30 DF, bit 31 fire test */
    { 0x0D08, 4, A_RW, R_SCPD0 },            /* GevSCPD */
    { 0x0D18, 4, A_RW, R_SCDA0 },            /* GevSCDA */
    { 0x0D1C, 4, A_RO, R_SCSP0 },            /* GevSCSP */
    { 0x10E00, 4, A_RW, R_EXT_IDS },         /* GevGVSPExtendedIDMode */
    { 0x10E08, 8, A_RW, R_LOSS },            /* TwinStreamPacketLoss (double) */
};
#define N_REGS (sizeof(regs) / sizeof(regs[0]))

/* The ranges the port owns. Gaps read as zero. In the bootstrap range a
 * write goes register word by word and a gap is write-protected; in the
 * port's feature range only whole registers are written. */
typedef struct gregion {
    uint32_t start, end;
    uint16_t gap_write; /* status of a write to a gap */
    int whole;          /* writes must be exactly one register */
} gregion;

static const gregion regions[] = {
    { 0x0000, 0x1000, TC_GEV_WRITE_PROTECT, 0 },
    { 0x10E00, 0x10E10, TC_GEV_INVALID_ADDRESS, 1 },
};

#define GVCP_CAPABILITY                                                                         \
    (1u << 31 /* user name */ | 1u << 30 /* serial */ | 1u << 5 /* PENDING_ACK */ |              \
     1u << 2 /* PACKETRESEND */ | 1u << 1 /* WRITEMEM */ | 1u << 0 /* concatenation */)

static const greg *find_reg(uint32_t a)
{
    size_t lo = 0, hi = N_REGS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a < regs[mid].address)
            hi = mid;
        else if (a >= regs[mid].address + (uint32_t)regs[mid].length)
            lo = mid + 1;
        else
            return &regs[mid];
    }
    return NULL;
}

static const gregion *region_of(uint32_t a, uint64_t end)
{
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
        if (a >= regions[i].start && end <= regions[i].end)
            return &regions[i];
    return NULL;
}

/* GVCP status for a core code (0 -> SUCCESS). */
static uint16_t status_of(int rc, int writing, uint32_t address)
{
    switch (rc) {
    case 0: return TC_GEV_SUCCESS;
    case TC_EADDRESS: return TC_GEV_INVALID_ADDRESS;
    case TC_EACCESS: {
        tc_port_reg r;
        return writing && tc_port_register(address, &r) == 0 && r.access == TC_RO
                   ? TC_GEV_WRITE_PROTECT
                   : TC_GEV_ACCESS_DENIED;
    }
    case TC_EBUSY: return TC_GEV_BUSY;
    case TC_ERANGE:
    case TC_EINVAL:
    case TC_ETYPE: return TC_GEV_INVALID_PARAMETER;
    default: return TC_GEV_GENERIC_ERROR;
    }
}

/* ---- reading ---- */

static void put_string(uint8_t *out, size_t room, const char *s)
{
    size_t n = strlen(s);
    memcpy(out, s, n < room - 1 ? n : room - 1); /* keep a terminating NUL */
}

static uint32_t value32(tc_gige *g, enum id id)
{
    switch (id) {
    case R_VERSION: return 0x00020000;     /* GigE Vision 2.0 */
    case R_DEVICE_MODE: return 0x80000001; /* big-endian, UTF-8 */
    case R_MAC_HIGH: return (uint32_t)(g->mac >> 32);
    case R_MAC_LOW: return (uint32_t)g->mac;
    case R_IP_CONFIG_SUPPORTED: return 0x7;
    case R_IP_CONFIG_CURRENT: return 0x4; /* link-local style */
    case R_CURRENT_IP: return g->ip;
    case R_SUBNET_MASK: return 0xFF000000;
    case R_N_INTERFACES: return 1;
    case R_N_STREAM_CHANNELS: return 1;
    case R_GVCP_CAPABILITY: return GVCP_CAPABILITY;
    case R_HEARTBEAT: return g->heartbeat_ms;
    case R_TICK_LOW: return 1000000000u;
    case R_TS_LATCHED_HIGH: return (uint32_t)(g->ts_latched >> 32);
    case R_TS_LATCHED_LOW: return (uint32_t)g->ts_latched;
    case R_CCP: return g->ccp;
    case R_SCP0: return g->scp_port;
    case R_SCPS0: return (uint32_t)g->packet_size | (g->dont_fragment ? 1u << 30 : 0);
    case R_SCPD0: return g->scpd;
    case R_SCDA0: return g->scda;
    case R_SCSP0: return g->scsp;
    case R_EXT_IDS: return (uint32_t)g->extended_ids;
    default: return 0; /* gateway, message channels, tick high, write-only control */
    }
}

/* Register r's bytes (r->length) into out. */
static void encode(tc_gige *g, const greg *r, uint8_t *out)
{
    memset(out, 0, r->length);
    if (r->length > 8) { /* strings: the port's copy, so no read here needs the core's lock */
        const tc_port_identity *id = &g->id;
        switch ((enum id)r->id) {
        case R_MANUFACTURER: put_string(out, r->length, id->vendor); break;
        case R_MODEL: put_string(out, r->length, id->model); break;
        case R_DEVICE_VERSION: put_string(out, r->length, id->version); break;
        case R_MANUFACTURER_INFO: put_string(out, r->length, id->manufacturer_info); break;
        case R_SERIAL: put_string(out, r->length, id->serial); break;
        case R_USER_NAME: put_string(out, r->length, id->user_name); break;
        case R_XML_URL0:
            snprintf((char *)out, r->length, "Local:twincam.xml;%x;%zx", TC_GIGE_XML_ADDRESS,
                     g->xml_len);
            break;
        default: break; /* second URL: none */
        }
    } else if (r->id == R_LOSS) {
        uint64_t bits;
        memcpy(&bits, &g->loss_percent, 8);
        tc_store_be64(out, bits);
    } else {
        tc_store_be32(out, value32(g, (enum id)r->id));
    }
}

/* Bytes [a, a+len) of an owned range: registers as encoded, gaps zero. */
static void read_owned(tc_gige *g, uint32_t a, uint8_t *buf, size_t len)
{
    uint8_t tmp[512];
    memset(buf, 0, len);
    for (uint64_t pos = a, end = (uint64_t)a + len; pos < end;) {
        const greg *r = find_reg((uint32_t)pos);
        if (!r) {
            pos += 4;
            continue;
        }
        encode(g, r, tmp);
        uint64_t from = pos - r->address, n = r->length - from;
        if (n > end - pos)
            n = end - pos;
        memcpy(buf + (pos - a), tmp + from, (size_t)n);
        pos += n;
    }
}

static int in_xml(const tc_gige *g, uint32_t a, uint64_t end)
{
    return a >= TC_GIGE_XML_ADDRESS && end <= TC_GIGE_XML_ADDRESS + ((g->xml_len + 3) & ~(size_t)3);
}

int tc_gige_space_read_is_port(const tc_gige *g, uint32_t a, size_t len)
{
    uint64_t end = (uint64_t)a + len;
    return region_of(a, end) || in_xml(g, a, end);
}

uint16_t tc_gige_space_read(tc_gige *g, uint32_t a, uint8_t *buf, size_t len)
{
    uint64_t end = (uint64_t)a + len;
    if (region_of(a, end)) {
        read_owned(g, a, buf, len);
        return TC_GEV_SUCCESS;
    }
    if (in_xml(g, a, end)) {
        size_t off = a - TC_GIGE_XML_ADDRESS;
        for (size_t i = 0; i < len; i++)
            buf[i] = off + i < g->xml_len ? (uint8_t)g->xml[off + i] : 0;
        return TC_GEV_SUCCESS;
    }
    return status_of(tc_port_read(g->dev, a, buf, len, 1), 0, a);
}

int tc_gige_is_ccp(uint32_t a, size_t len)
{
    const greg *r = find_reg(a);
    return r && r->id == R_CCP && r->address == a && r->length == len;
}

void tc_gige_discovery_image(tc_gige *g, uint8_t out[TC_GIGE_DISCOVERY_LEN])
{
    read_owned(g, 0, out, TC_GIGE_DISCOVERY_LEN);
}

/* ---- writing ---- */

static uint16_t write_user_name(tc_gige *g, const uint8_t *p, size_t n)
{
    char s[17] = { 0 };
    memcpy(s, p, n < 16 ? n : 16);
    int rc = tc_port_set_user_name(g->dev, s);
    if (rc == 0) /* the next word of a span, and discovery, read the copy */
        tc_port_identity_get(g->dev, &g->id);
    return status_of(rc, 1, 0);
}

/* Would write_word accept v in the word at a of register r? (No side effects.) */
static uint16_t check_word(tc_gige *g, const greg *r, uint32_t v)
{
    if (!r || r->access == A_RO)
        return TC_GEV_WRITE_PROTECT;
    switch ((enum id)r->id) {
    case R_HEARTBEAT:
        return v < 500 || v > 600000 ? TC_GEV_INVALID_PARAMETER : TC_GEV_SUCCESS;
    case R_SCPS0: {
        unsigned size = v & 0xFFFF;
        if (size != g->packet_size && (size < TC_GEV_PACKET_SIZE_MIN || size > TC_GEV_PACKET_SIZE_MAX || size % 4))
            return TC_GEV_INVALID_PARAMETER;
        return TC_GEV_SUCCESS;
    }
    case R_SCPD0:
        return v > 100000000 ? TC_GEV_INVALID_PARAMETER : TC_GEV_SUCCESS;
    default:
        return TC_GEV_SUCCESS;
    }
}

static uint16_t write_scps(tc_gige *g, uint32_t v)
{
    unsigned size = v & 0xFFFF;
    if (size != g->packet_size) {
        if (size < TC_GEV_PACKET_SIZE_MIN || size > TC_GEV_PACKET_SIZE_MAX || size % 4)
            return TC_GEV_INVALID_PARAMETER;
        if (tc_port_tl_locked(g->dev)) /* the host sized its buffers for the old size */
            return TC_GEV_ACCESS_DENIED; /* locked while streaming, as the core's features */
        g->packet_size = size;
    }
    g->dont_fragment = (v >> 30) & 1;
    if (v & (1u << 31)) {
        tc_gige_stream_cfg cfg = { g->scda, g->scp_port, g->packet_size, g->dont_fragment, g->scpd,
                                   g->extended_ids, 0 };
        if (g->hooks.fire_test && g->scda && g->scp_port)
            g->hooks.fire_test(g->hooks.ctx, &cfg);
    }
    return TC_GEV_SUCCESS;
}

/* Write the 32-bit word at a of bootstrap register r. */
static uint16_t write_word(tc_gige *g, const tc_gige_peer *from, const greg *r, uint32_t a,
                           uint32_t v, int64_t now_ns)
{
    uint16_t st = check_word(g, r, v);
    if (st)
        return st;
    switch ((enum id)r->id) {
    case R_HEARTBEAT: g->heartbeat_ms = v; return TC_GEV_SUCCESS;
    case R_TS_CONTROL:
        if (v & 1)
            tc_port_timestamp_reset(g->dev);
        if (v & 2) {
            tc_port_timestamp_latch(g->dev);
            g->ts_latched = (uint64_t)tc_port_timestamp_latched(g->dev);
        }
        return TC_GEV_SUCCESS;
    case R_CCP: return tc_gige_write_ccp(g, from, v, now_ns);
    case R_SCP0:
        if ((v & 0xFFFF) != g->scp_port)
            tc_gige_logf(g, v & 0xFFFF ? "stream channel opened to port %u" : "stream channel closed%.0u",
                         v & 0xFFFF);
        g->scp_port = v & 0xFFFF;
        return TC_GEV_SUCCESS;
    case R_SCPS0: return write_scps(g, v);
    case R_SCPD0: g->scpd = v; return TC_GEV_SUCCESS;
    case R_SCDA0: g->scda = v; return TC_GEV_SUCCESS;
    case R_USER_NAME: { /* one word of the name: the rest stays */
        uint8_t name[16];
        encode(g, r, name);
        tc_store_be32(name + (a - r->address), v);
        return write_user_name(g, name, 16);
    }
    default: return TC_GEV_WRITE_PROTECT;
    }
}

/* A whole register of the port's feature range. */
static uint16_t write_port_feature(tc_gige *g, const greg *r, const uint8_t *p)
{
    if (r->id == R_EXT_IDS) {
        uint32_t v = tc_load_be32(p);
        if (v > 1)
            return TC_GEV_INVALID_PARAMETER;
        if (tc_port_tl_locked(g->dev))
            return TC_GEV_ACCESS_DENIED;
        g->extended_ids = (int)v;
        return TC_GEV_SUCCESS;
    }
    uint64_t bits = tc_load_be64(p);
    double d;
    memcpy(&d, &bits, 8);
    if (!(d >= 0 && d <= 50))
        return TC_GEV_INVALID_PARAMETER;
    g->loss_percent = d;
    tc_gige_logf(g, "stream packet loss set to %.3g %%", d);
    return TC_GEV_SUCCESS;
}

static uint16_t write_owned(tc_gige *g, const gregion *rg, const tc_gige_peer *from, uint32_t a,
                            const uint8_t *p, size_t len, int64_t now_ns)
{
    if (rg->whole) {
        const greg *r = find_reg(a);
        if (!r || r->address != a || r->length != len)
            return rg->gap_write;
        return write_port_feature(g, r, p);
    }
    const greg *r = find_reg(a);
    if (r && r->id == R_USER_NAME && a == r->address && len == r->length)
        return write_user_name(g, p, len);
    /* All or nothing: a span of several registers is applied only if every
     * one of them would take its value. */
    if (len > 4)
        for (size_t i = 0; i < len; i += 4) {
            uint16_t st = check_word(g, find_reg(a + (uint32_t)i), tc_load_be32(p + i));
            if (st)
                return st;
        }
    for (size_t i = 0; i < len; i += 4) {
        const greg *w = find_reg(a + (uint32_t)i);
        uint16_t st = w ? write_word(g, from, w, a + (uint32_t)i, tc_load_be32(p + i), now_ns)
                        : rg->gap_write;
        if (st)
            return st;
    }
    return TC_GEV_SUCCESS;
}

uint16_t tc_gige_space_write(tc_gige *g, const tc_gige_peer *from, uint32_t a, const uint8_t *p,
                             size_t len, int64_t now_ns)
{
    uint64_t end = (uint64_t)a + len;
    const gregion *rg = region_of(a, end);
    if (!rg)
        for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
            if (regions[i].whole && a >= regions[i].start && a < regions[i].end)
                rg = &regions[i]; /* starts in a whole-register range: judged there */
    if (rg)
        return write_owned(g, rg, from, a, p, len, now_ns);
    if (a >= TC_GIGE_XML_ADDRESS && a < TC_GIGE_XML_ADDRESS + g->xml_len)
        return TC_GEV_WRITE_PROTECT;
    tc_port_reg r;
    int known = tc_port_register(a, &r) == 0;
    /* The core write may be slow (a scene, a user set: seconds): the port
     * lock is let go meanwhile, so the stream thread can still read its
     * channel (tc_gige_stream) and send frames, and the control thread can
     * answer port-only requests (tc_gige_handle_port). Only the thread
     * handling a request that reaches the core (the control thread while
     * the port's worker is idle, else the worker: gige_server.c) changes
     * registers, and it is here. */
    pthread_mutex_unlock(&g->mu);
    int rc = tc_port_write(g->dev, a, p, len, 1);
    pthread_mutex_lock(&g->mu);
    if (rc != 0)
        tc_gige_logf(g, "write 0x%05x (%s) refused: %s", a, known ? r.name : "?", tc_port_why());
    else if (known && r.type == TC_FT_COMMAND && !(r.flags & TC_FF_QUIET))
        tc_gige_logf(g, "%s executed", r.name);
    return status_of(rc, 1, a);
}

void tc_gige_reset_transport(tc_gige *g)
{
    g->scp_port = 0;
    g->scda = 0;
    /* The largest the camera's link carries unfragmented (tc_gige_set_link_mtu):
     * a client keeps it once its fire test passes, and fewer, larger packets
     * cost both ends less per byte. */
    g->packet_size = g->link_packet_size ? g->link_packet_size : 9000;
    g->dont_fragment = 0;
    g->scpd = 0;
    g->extended_ids = 0;
    g->loss_percent = 0;
    g->heartbeat_ms = TC_GIGE_DEFAULT_HEARTBEAT_MS;
}

void tc_gige_set_link_mtu(tc_gige *g, unsigned mtu)
{
    unsigned size = 0;
    if (mtu) {
        size = mtu > TC_GEV_PACKET_SIZE_MAX ? TC_GEV_PACKET_SIZE_MAX : mtu & ~3u;
        if (size < TC_GEV_PACKET_SIZE_MIN)
            size = TC_GEV_PACKET_SIZE_MIN;
    }
    pthread_mutex_lock(&g->mu);
    g->link_packet_size = size;
    if (!g->scp_port)
        g->packet_size = size ? size : 9000;
    pthread_mutex_unlock(&g->mu);
}
