/* libFuzzer harness: hostile GVCP traffic against the GigE Vision device
 * logic (tc_gige_handle / tc_gige_tick), from two applications taking turns,
 * with the monotonic clock moving so the heartbeat expires now and then.
 *
 * Input: a sequence of records
 *   [ctl u8][cmd u8][flags u8][words u8][4 x words payload bytes]  built datagram
 *   [ctl u8 with bit 5][n u8][n datagram bytes]                    raw datagram
 *   ctl bit 0     the other peer than the turn's (peers alternate A, B, A...)
 *   ctl bits 1..3 advance the clock by 0, 1, 10, 100, 499, 1000, 2999, 3001 ms
 *   ctl bit 4     call tc_gige_tick after the datagram
 *   ctl bit 5     raw record (above)
 *   ctl bit 6     declared length = payload + (cmd & 7) - 3 (a lie, maybe wrapping)
 *                 instead of the payload's length rounded down to 4
 *   ctl bit 7     fold every address word into a mapped region (bootstrap,
 *                 feature registers, port registers, XML) so most hit something
 *   cmd           below 14: one of the seven commands the port knows (cmd % 7);
 *                 otherwise the command code itself
 *
 * Checks beyond "no crash, no UB", after every datagram: the ack is empty or a
 * well-formed ack (8 + at most 540 bytes, length field = bytes after the
 * header, ack code = command + 1, request id echoed, a standard status code)
 * that answers only GVCP commands asking for it; per command, the ack has the
 * size its layout prescribes. Hooks see sane values. After every input, the
 * port's state is sane (CCP, heartbeat, packet size) and the camera's AOI
 * lies inside the sensor (as in fuzz_regmap.c). Each datagram is routed as
 * the server routes it (tc_gige_request_route): a port-only one is answered
 * through tc_gige_handle_port, as the control thread does while its worker
 * is busy, and only a slow one may send a PENDING_ACK. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aoi_invariants.h"
#include "gige/gige_device.h"
#include "gige/gvcp.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "util/endian.h"

#define MS 1000000LL

static tc_camera *cam;
static size_t xml_len;

static struct {
    unsigned fire, resend, pending, logs;
} counts;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "fuzz_gvcp: invariant failed at line %d: %s\n", __LINE__, #c);        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)


/* ---- hooks: count, and check what the port hands out ---- */

static void on_fire_test(void *ctx, const tc_gige_stream_cfg *cfg)
{
    (void)ctx;
    CHECK(cfg->packet_size >= TC_GEV_PACKET_SIZE_MIN && cfg->packet_size <= TC_GEV_PACKET_SIZE_MAX &&
          cfg->packet_size % 4 == 0);
    CHECK(cfg->dest_ip != 0 && cfg->dest_port != 0);
    counts.fire++;
}

static void on_resend(void *ctx, const tc_gvcp_resend *r)
{
    (void)ctx;
    CHECK(r->first_packet <= r->last_packet);
    if (!r->extended)
        CHECK(r->block_id <= 0xFFFF && r->last_packet <= 0xFFFFFF);
    counts.resend++;
}

static void on_send_now(void *ctx, const uint8_t *d, size_t n)
{
    (void)ctx;
    CHECK(n == 12);
    CHECK(tc_load_be16(d) == 0 && tc_load_be16(d + 2) == TC_GVCP_PENDING_ACK && tc_load_be16(d + 4) == 4);
    counts.pending++;
}

static void on_log(void *ctx, const char *line)
{
    (void)ctx;
    CHECK(line && strlen(line) < 320);
    counts.logs++;
}

/* ---- invariants ---- */

static int known_status(uint16_t s)
{
    switch (s) {
    case TC_GEV_SUCCESS: case TC_GEV_NOT_IMPLEMENTED: case TC_GEV_INVALID_PARAMETER:
    case TC_GEV_INVALID_ADDRESS: case TC_GEV_WRITE_PROTECT: case TC_GEV_BAD_ALIGNMENT:
    case TC_GEV_ACCESS_DENIED: case TC_GEV_BUSY: case TC_GEV_PACKET_UNAVAILABLE:
    case TC_GEV_INVALID_HEADER: case TC_GEV_GENERIC_ERROR:
        return 1;
    default:
        return 0;
    }
}

/* The ack of one datagram, judged from the request alone. */
static void check_ack(const uint8_t *req, size_t n, const uint8_t *ack, size_t out)
{
    CHECK(out <= TC_GVCP_HEADER + TC_GVCP_MAX_PAYLOAD);
    if (n < TC_GVCP_HEADER || req[0] != TC_GVCP_KEY) {
        CHECK(out == 0); /* never answer noise */
        return;
    }
    uint8_t flags = req[1];
    uint16_t cmd = tc_load_be16(req + 2), len = tc_load_be16(req + 4), id = tc_load_be16(req + 6);
    int header_ok = len <= n - TC_GVCP_HEADER && len % 4 == 0;
    if (out == 0)
        return; /* silence is allowed: no ack flag, PACKETRESEND, or nothing to say */
    CHECK(out >= TC_GVCP_HEADER);
    uint16_t status = tc_load_be16(ack), code = tc_load_be16(ack + 2), alen = tc_load_be16(ack + 4);
    CHECK(alen == out - TC_GVCP_HEADER);
    CHECK(tc_load_be16(ack + 6) == id);
    CHECK(code == (uint16_t)(cmd + 1));
    CHECK(known_status(status));
    CHECK((flags & TC_GVCP_FLAG_ACK_REQUIRED) || cmd == TC_GVCP_DISCOVERY_CMD);
    if (!header_ok) {
        CHECK(status == TC_GEV_INVALID_HEADER && out == TC_GVCP_HEADER);
        return;
    }
    CHECK(status != TC_GEV_INVALID_HEADER);
    switch (cmd) {
    case TC_GVCP_DISCOVERY_CMD:
        CHECK(status == 0 && out == TC_GVCP_HEADER + 0xF8);
        CHECK(tc_load_be32(ack + 8) == 0x00020000);
        break;
    case TC_GVCP_READREG_CMD:
        CHECK(alen % 4 == 0 && alen <= len);
        if (status == 0)
            CHECK(alen == len);
        break;
    case TC_GVCP_WRITEREG_CMD:
        CHECK(out == 12 || (out == 8 && status != 0));
        if (out == 12) {
            uint16_t index = tc_load_be16(ack + 10);
            CHECK(tc_load_be16(ack + 8) == 0);
            CHECK(index <= len / 8);
            if (status == 0)
                CHECK(index == len / 8);
            else if (len == 0 || len % 8 || len > 540)
                CHECK(index == 0); /* malformed length: nothing written */
            else
                CHECK(index < len / 8);
        }
        break;
    case TC_GVCP_READMEM_CMD:
        if (status == 0) {
            CHECK(len == 8);
            uint16_t count = tc_load_be16(req + 8 + 6);
            CHECK(alen == 4 + count && count > 0 && count % 4 == 0 && count <= TC_GVCP_MAX_MEM);
            CHECK(tc_load_be32(ack + 8) == tc_load_be32(req + 8)); /* address echoed */
        } else {
            CHECK(out == TC_GVCP_HEADER);
        }
        break;
    case TC_GVCP_WRITEMEM_CMD:
        CHECK(out == 12);
        CHECK(tc_load_be16(ack + 8) == 0);
        CHECK(tc_load_be16(ack + 10) == (status == 0 ? len - 4 : 0));
        break;
    case TC_GVCP_PACKETRESEND_CMD:
        CHECK(0); /* never acknowledged */
        break;
    case TC_GVCP_BYE_CMD:
        CHECK(out == TC_GVCP_HEADER && status == 0);
        break;
    default:
        CHECK(out == TC_GVCP_HEADER && status == TC_GEV_NOT_IMPLEMENTED);
        break;
    }
}

static void check_state(tc_gige *g, const tc_gige_peer *p)
{
    /* Read the port's state back the way a host would (READREG, 4 registers). */
    static const uint32_t regs[] = { 0x0A00, 0x0938, 0x0D04, 0x0D00 };
    uint8_t req[8 + 16], ack[600];
    req[0] = 0x42;
    req[1] = 0x01;
    tc_store_be16(req + 2, TC_GVCP_READREG_CMD);
    tc_store_be16(req + 4, 16);
    tc_store_be16(req + 6, 0xFFFF);
    for (unsigned i = 0; i < 4; i++)
        tc_store_be32(req + 8 + 4 * i, regs[i]);
    size_t out = tc_gige_handle(g, p, req, sizeof(req), ack, sizeof(ack), 0);
    if (out == 8) {
        CHECK(tc_load_be16(ack) == TC_GEV_ACCESS_DENIED); /* the other peer holds exclusive access */
    } else {
        CHECK(out == 24 && tc_load_be16(ack) == 0);
        uint32_t ccp = tc_load_be32(ack + 8), hb = tc_load_be32(ack + 12), scps = tc_load_be32(ack + 16);
        CHECK(ccp <= 3);
        CHECK(hb >= 500 && hb <= 600000);
        unsigned size = scps & 0xFFFF;
        CHECK(size >= 576 && size <= 65532 && size % 4 == 0);
        CHECK((scps & 0xBFFF0000u) == 0); /* only DF may be set besides the size */
    }
    tc_gige_stream_cfg cfg;
    int open = tc_gige_stream(g, &cfg);
    CHECK(open == (cfg.dest_port != 0 && cfg.dest_ip != 0));
    CHECK(cfg.packet_size >= 576 && cfg.packet_size <= 65532);
    CHECK(cfg.loss_percent >= 0 && cfg.loss_percent <= 50);
    CHECK(cfg.extended_ids == 0 || cfg.extended_ids == 1);
    CHECK(cfg.delay_ns <= 100000000);

    tc_fuzz_check_aoi(cam);
}

/* ---- building datagrams ---- */

static const uint16_t commands[] = {
    TC_GVCP_DISCOVERY_CMD, TC_GVCP_READREG_CMD, TC_GVCP_WRITEREG_CMD, TC_GVCP_READMEM_CMD,
    TC_GVCP_WRITEMEM_CMD, TC_GVCP_PACKETRESEND_CMD, TC_GVCP_BYE_CMD,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static uint32_t fold(uint32_t a)
{
    uint32_t low = a & 3; /* keep misalignment */
    switch ((a >> 28) & 3) {
    case 0: return (a & 0xFFC) | low;                                     /* bootstrap */
    case 1: return 0x10000 + ((a & 0xFFC) | low);                         /* feature registers */
    case 2: return 0x10DF0 + ((a & 0x1C) | low);                          /* port registers */
    default: return TC_GIGE_XML_ADDRESS + (uint32_t)((a & 0xFFFFC) % (xml_len + 64)) + low;
    }
}

/* Fold the address words where this command keeps them. */
static void fold_addresses(uint8_t *p, uint16_t cmd, size_t plen)
{
    size_t step = cmd == TC_GVCP_READREG_CMD ? 4 : cmd == TC_GVCP_WRITEREG_CMD ? 8 : 0;
    if (cmd == TC_GVCP_READMEM_CMD || cmd == TC_GVCP_WRITEMEM_CMD) {
        if (plen >= 4)
            tc_store_be32(p, fold(tc_load_be32(p)));
        if (cmd == TC_GVCP_READMEM_CMD && plen >= 8)
            tc_store_be16(p + 6, (uint16_t)(tc_load_be16(p + 6) % 544)); /* counts around the limit */
        return;
    }
    for (size_t i = 0; step && i + 4 <= plen; i += step)
        tc_store_be32(p + i, fold(tc_load_be32(p + i)));
}

/* Every input starts from the same camera: factory settings (UserSet
 * Default; the fuzzer may have saved and chosen other user sets), nothing
 * acquiring, and a small AOI so that an AcquisitionStart costs a 240x160
 * frame rather than a 12 MP one (an abort discards the frame in progress
 * between two rows; a stop would finish it). */
static void reset_camera(void)
{
    tc_execute(cam, "AcquisitionAbort");
    tc_set_int(cam, "TLParamsLocked", 0);
    tc_set_int(cam, "UserSetSelector", 0);
    if (tc_execute(cam, "UserSetLoad") != 0)
        abort();
    if (tc_set_int(cam, "Width", 240) != 0 || tc_set_int(cam, "Height", 160) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cam) {
        tc_options o;
        tc_options_init(&o);
        o.deterministic = true;
        if (tc_camera_open(&o, &cam) != 0)
            abort();
        if (!tc_camera_genicam_xml(cam, 1, &xml_len))
            abort();
    }
    reset_camera();
    tc_gige_hooks hooks = { NULL, on_fire_test, on_resend, on_send_now, on_log };
    tc_gige *g = tc_gige_new(tc_camera_device(cam), 0xC0A80164u, &hooks);
    if (!g)
        abort();
    static const tc_gige_peer peers[2] = { { 0xC0A80102u, 51000 }, { 0xC0A80103u, 51001 } };
    static const int64_t advance_ms[8] = { 0, 1, 10, 100, 499, 1000, 2999, 3001 };
    int64_t now = 1000 * MS;
    uint8_t req[8 + 4 * 255], ack[600];
    size_t pos = 0;
    unsigned turn = 0;
    while (pos + 2 <= size) {
        uint8_t ctl = data[pos];
        const tc_gige_peer *peer = &peers[(turn++ + (ctl & 1)) & 1];
        now += advance_ms[(ctl >> 1) & 7] * MS;
        size_t n;
        if (ctl & 0x20) {
            /* raw: [ctl][n][n datagram bytes] */
            n = data[pos + 1];
            pos += 2;
            if (n > size - pos)
                n = size - pos;
            memcpy(req, data + pos, n);
            pos += n;
        } else {
            if (pos + 4 > size)
                break;
            uint8_t csel = data[pos + 1], flags = data[pos + 2];
            size_t len = 4u * data[pos + 3];
            pos += 4;
            if (len > size - pos)
                len = size - pos;
            uint16_t cmd = csel < 2 * N_COMMANDS ? commands[csel % N_COMMANDS] : csel;
            req[0] = TC_GVCP_KEY;
            req[1] = flags;
            tc_store_be16(req + 2, cmd);
            tc_store_be16(req + 4, (uint16_t)((ctl & 0x40) ? len + (csel & 7) - 3 : len & ~(size_t)3));
            tc_store_be16(req + 6, (uint16_t)(pos * 31 + turn));
            memcpy(req + 8, data + pos, len);
            if (ctl & 0x80)
                fold_addresses(req + 8, cmd, len);
            n = 8 + len;
            pos += len;
        }
        memset(ack, 0xA5, sizeof(ack));
        tc_gige_route route = tc_gige_request_route(g, req, n);
        CHECK(route == TC_GIGE_ROUTE_PORT || route == TC_GIGE_ROUTE_CORE || route == TC_GIGE_ROUTE_SLOW);
        unsigned pending_before = counts.pending;
        size_t out = route == TC_GIGE_ROUTE_PORT ? tc_gige_handle_port(g, peer, req, n, ack, sizeof(ack), now)
                                                 : tc_gige_handle(g, peer, req, n, ack, sizeof(ack), now);
        CHECK(route == TC_GIGE_ROUTE_SLOW || counts.pending == pending_before);
        check_ack(req, n, ack, out);
        if (ctl & 0x10) {
            int64_t next = tc_gige_tick(g, now);
            CHECK(next == INT64_MAX || next > now);
        }
        /* Commands that start acquisition spin a thread; let them, but abort
         * again so the harness stays fast (as fuzz_regmap.c does). */
        tc_execute(cam, "AcquisitionAbort");
    }
    check_state(g, &peers[0]);
    tc_gige_free(g);
    return 0;
}
