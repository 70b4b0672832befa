/* USB3 Vision control channel: hand-written command and ack bytes (USB3
 * Vision 1.0 section 5.5, GenCP 1.0), every status path, request-id echo,
 * and an end-to-end GenCP session against a camera: ABRM -> SBRM -> manifest
 * -> XML (identical to tc_camera_genicam_xml, SHA-1 checked with the system's
 * sha1sum), feature writes, timestamp latch, SIRM programming as Aravis
 * 0.8.26 does it. The vectors are typed from the layouts, never produced by
 * the encoder under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "guard.h"
#include "core/feature.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "u3v/u3v_bootstrap.h"
#include "u3v/u3v_cp.h"
#include "u3v/u3v_stream.h"

typedef struct fixture {
    tc_camera *cam;
    tc_u3v_bootstrap bs;
    tc_u3v_cp_target t;
    uint8_t ack[65536];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    if (!f || tc_camera_open(&o, &f->cam) != 0)
        return -1;
    if (tc_u3v_bootstrap_init(&f->bs, tc_camera_device(f->cam), NULL) != 0)
        return -1;
    tc_u3v_bootstrap_target(&f->bs, &f->t);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tc_stop(f->cam);
    tc_camera_close(f->cam);
    free(f);
    return 0;
}

/* Serve `req` with the request flush against a guard page. */
static size_t serve(fixture *f, const uint8_t *req, size_t len)
{
    guarded g = guard_copy(req, len);
    size_t n = tc_u3v_cp_serve(&f->t, g.data, len, f->ack, sizeof(f->ack));
    guard_free(&g);
    return n;
}

#define SERVE(f, v) serve((f), (v), sizeof(v))
#define ASSERT_ACK(f, n, v)                                                                    \
    do {                                                                                       \
        assert_int_equal((n), sizeof(v));                                                      \
        assert_memory_equal((f)->ack, (v), sizeof(v));                                         \
    } while (0)

static int64_t geti(tc_camera *cam, const char *name)
{
    int64_t v = -1;
    assert_int_equal(tc_get_int(cam, name, &v), 0);
    return v;
}

/* ---------------- codec ---------------- */

/* READMEM of the 4-byte GenCP version at ABRM 0, request id 0x0042. */
static const uint8_t readmem_gencp_version[] = {
    0x55, 0x33, 0x56, 0x43,                         /* "U3VC" */
    0x00, 0x40,                                     /* flags: request ack */
    0x00, 0x08,                                     /* READMEM */
    0x0C, 0x00,                                     /* SCD length 12 */
    0x42, 0x00,                                     /* request id */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* address 0 */
    0x00, 0x00,                                     /* reserved */
    0x04, 0x00,                                     /* count 4 */
};

static void parse_readmem(void **state)
{
    (void)state;
    guarded g = guard_copy(readmem_gencp_version, sizeof(readmem_gencp_version));
    tc_u3v_cp_cmd c;
    assert_int_equal(tc_u3v_cp_parse(g.data, sizeof(readmem_gencp_version), &c), 24);
    assert_int_equal(c.flags, 0x4000);
    assert_int_equal(c.command, TC_U3V_READMEM_CMD);
    assert_int_equal(c.length, 12);
    assert_int_equal(c.request_id, 0x42);
    assert_int_equal(c.scd_status, TC_U3V_SUCCESS);
    assert_int_equal(c.address, 0);
    assert_int_equal(c.count, 4);
    guard_free(&g);
}

static void parse_truncated_prefixes(void **state)
{
    (void)state;
    /* Every strict prefix needs more; each sits against a guard page. */
    for (size_t n = 0; n < sizeof(readmem_gencp_version); n++) {
        guarded g = guard_copy(readmem_gencp_version, n);
        tc_u3v_cp_cmd c;
        assert_int_equal(tc_u3v_cp_parse(g.data, n, &c), TC_U3V_NEED_MORE);
        guard_free(&g);
    }
    /* Trailing bytes are not part of the command. */
    uint8_t longer[sizeof(readmem_gencp_version) + 5];
    memcpy(longer, readmem_gencp_version, sizeof(readmem_gencp_version));
    memset(longer + sizeof(readmem_gencp_version), 0xAA, 5);
    tc_u3v_cp_cmd c;
    assert_int_equal(tc_u3v_cp_parse(longer, sizeof(longer), &c), 24);
}

static void parse_bad_prefix(void **state)
{
    (void)state;
    uint8_t v[sizeof(readmem_gencp_version)];
    memcpy(v, readmem_gencp_version, sizeof(v));
    v[3] = 0x4C; /* "U3VL": a stream leader, not a command */
    tc_u3v_cp_cmd c;
    assert_int_equal(tc_u3v_cp_parse(v, sizeof(v), &c), TC_U3V_MALFORMED);
    /* Judged from 4 bytes on. */
    assert_int_equal(tc_u3v_cp_parse(v, 4, &c), TC_U3V_MALFORMED);
    assert_int_equal(tc_u3v_cp_parse(v, 3, &c), TC_U3V_NEED_MORE);
}

static void parse_writemem(void **state)
{
    (void)state;
    static const uint8_t v[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0E, 0x00, 0x09, 0x00,
        0x24, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* address 0x10424 */
        0xB0, 0x04, 0x00, 0x00, 0xEE, 0xFF,             /* 6 data bytes */
    };
    tc_u3v_cp_cmd c;
    guarded g = guard_copy(v, sizeof(v));
    assert_int_equal(tc_u3v_cp_parse(g.data, sizeof(v), &c), sizeof(v));
    assert_int_equal(c.command, TC_U3V_WRITEMEM_CMD);
    assert_int_equal(c.address, 0x10424);
    assert_int_equal(c.data_len, 6);
    assert_memory_equal(c.data, v + 20, 6);
    assert_int_equal(c.request_id, 9);
    guard_free(&g);
}

static void build_acks(void **state)
{
    (void)state;
    uint8_t out[32];
    static const uint8_t pending[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x00, 0x05, 0x08, 0x04, 0x00, 0x34, 0x12,
        0x00, 0x00, 0xF4, 0x01, /* reserved, 500 ms */
    };
    assert_int_equal(tc_u3v_cp_build_pending_ack(out, sizeof(out), 0x1234, 500), sizeof(pending));
    assert_memory_equal(out, pending, sizeof(pending));
    static const uint8_t wack[] = {
        0x55, 0x33, 0x56, 0x43, 0x04, 0x80, 0x03, 0x08, 0x04, 0x00, 0xFF, 0xFF,
        0x00, 0x00, 0x00, 0x00,
    };
    assert_int_equal(tc_u3v_cp_build_writemem_ack(out, sizeof(out), TC_U3V_WRITE_PROTECT, 0xFFFF, 0),
                     sizeof(wack));
    assert_memory_equal(out, wack, sizeof(wack));
    /* Too small a buffer: nothing. */
    assert_int_equal(tc_u3v_cp_build_pending_ack(out, 15, 1, 1), 0);
    /* A failed READMEM carries no data. */
    static const uint8_t rerr[] = {
        0x55, 0x33, 0x56, 0x43, 0x03, 0x80, 0x01, 0x08, 0x00, 0x00, 0x01, 0x00,
    };
    assert_int_equal(tc_u3v_cp_build_readmem_ack(out, sizeof(out), TC_U3V_INVALID_ADDRESS, 1,
                                                 out, 8), sizeof(rerr));
    assert_memory_equal(out, rerr, sizeof(rerr));
    assert_string_equal(tc_u3v_status_name(0x8004), "WRITE_PROTECT");
    assert_string_equal(tc_u3v_status_name(0x1234), "UNKNOWN");
}

/* ---------------- serving: success paths ---------------- */

static void readmem_and_ack(void **state)
{
    fixture *f = *state;
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x00, 0x01, 0x08, 0x04, 0x00, 0x42, 0x00,
        0x00, 0x00, 0x01, 0x00, /* GenCP 1.0: minor 0, major 1 */
    };
    ASSERT_ACK(f, SERVE(f, readmem_gencp_version), ack);
}

static void writemem_and_ack(void **state)
{
    fixture *f = *state;
    /* SIRM maximum leader size (0x2018) = 1024. */
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0C, 0x00, 0x07, 0x00,
        0x18, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
    };
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x00, 0x03, 0x08, 0x04, 0x00, 0x07, 0x00,
        0x00, 0x00, 0x04, 0x00, /* reserved, 4 bytes written */
    };
    ASSERT_ACK(f, SERVE(f, cmd), ack);
    /* Read it back. */
    static const uint8_t rd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 0x0C, 0x00, 0x08, 0x00,
        0x18, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
    };
    static const uint8_t rack[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x00, 0x01, 0x08, 0x04, 0x00, 0x08, 0x00,
        0x00, 0x04, 0x00, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, rd), rack);
}

static void feature_write_through_gencp(void **state)
{
    fixture *f = *state;
    assert_int_equal(geti(f->cam, "Width"), 4056);
    /* Width (0x10424) = 1200 = 0x4B0, little-endian. */
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0C, 0x00, 0x10, 0x00,
        0x24, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xB0, 0x04, 0x00, 0x00,
    };
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x00, 0x03, 0x08, 0x04, 0x00, 0x10, 0x00,
        0x00, 0x00, 0x04, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd), ack);
    assert_int_equal(geti(f->cam, "Width"), 1200);
    /* PayloadSize follows, and SIRM's required payload size with it. */
    static const uint8_t rd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 0x0C, 0x00, 0x11, 0x00,
        0x08, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
    };
    /* 1200 x 3040 x 1 byte (BayerGR8) = 3648000 = 0x37AA00 */
    static const uint8_t rack[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x00, 0x01, 0x08, 0x08, 0x00, 0x11, 0x00,
        0x00, 0xAA, 0x37, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, rd), rack);
}

static void request_id_echo(void **state)
{
    fixture *f = *state;
    uint8_t cmd[sizeof(readmem_gencp_version)];
    memcpy(cmd, readmem_gencp_version, sizeof(cmd));
    static const uint16_t ids[] = { 0x0001, 0x00FF, 0x0100, 0xFFFE, 0xFFFF };
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        cmd[10] = (uint8_t)ids[i];
        cmd[11] = (uint8_t)(ids[i] >> 8);
        assert_int_equal(serve(f, cmd, sizeof(cmd)), 16);
        assert_int_equal(f->ack[10], cmd[10]);
        assert_int_equal(f->ack[11], cmd[11]);
    }
    /* Also on error acks (unknown command). */
    cmd[6] = 0x00;
    cmd[7] = 0x09;
    assert_int_equal(serve(f, cmd, sizeof(cmd)), 12);
    assert_int_equal(f->ack[10], 0xFF);
    assert_int_equal(f->ack[11], 0xFF);
}

static void no_ack_requested_still_executes(void **state)
{
    fixture *f = *state;
    /* Height (0x10428) = 800 = 0x320 with flags 0. */
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x00, 0x02, 0x08, 0x0C, 0x00, 0x02, 0x00,
        0x28, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x03, 0x00, 0x00,
    };
    assert_int_equal(SERVE(f, cmd), 0);
    assert_int_equal(geti(f->cam, "Height"), 800);
}

/* ---------------- serving: status paths ---------------- */

static void status_dropped(void **state)
{
    fixture *f = *state;
    uint8_t v[sizeof(readmem_gencp_version)];
    memcpy(v, readmem_gencp_version, sizeof(v));
    v[0] = 0x56; /* bad magic: not answered */
    assert_int_equal(SERVE(f, v), 0);
    /* Shorter than a header: not answered. */
    assert_int_equal(serve(f, readmem_gencp_version, 11), 0);
    assert_int_equal(serve(f, readmem_gencp_version, 0), 0);
}

static void status_invalid_header(void **state)
{
    fixture *f = *state;
    /* The header announces 12 SCD bytes, the transfer has 4. */
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x0E, 0x80, 0x01, 0x08, 0x00, 0x00, 0x42, 0x00,
    };
    ASSERT_ACK(f, serve(f, readmem_gencp_version, 16), ack);
    /* READMEM whose SCD is 10 bytes instead of 12. */
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 0x0A, 0x00, 0x43, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
    };
    static const uint8_t ack2[] = {
        0x55, 0x33, 0x56, 0x43, 0x0E, 0x80, 0x01, 0x08, 0x00, 0x00, 0x43, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd), ack2);
    /* WRITEMEM with only 4 address bytes. */
    static const uint8_t wcmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x04, 0x00, 0x44, 0x00,
        0x00, 0x20, 0x00, 0x00,
    };
    static const uint8_t wack[] = {
        0x55, 0x33, 0x56, 0x43, 0x0E, 0x80, 0x03, 0x08, 0x04, 0x00, 0x44, 0x00,
        0x00, 0x00, 0x00, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, wcmd), wack);
}

static void status_not_implemented(void **state)
{
    fixture *f = *state;
    /* Command 0x0900 (none such) with 2 SCD bytes. */
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x09, 0x02, 0x00, 0x21, 0x00, 0xAB, 0xCD,
    };
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x01, 0x80, 0x01, 0x09, 0x00, 0x00, 0x21, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd), ack);
    /* EVENT (device-to-host only) sent to the device. */
    static const uint8_t ev[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x0C, 0x00, 0x00, 0x22, 0x00,
    };
    static const uint8_t evack[] = {
        0x55, 0x33, 0x56, 0x43, 0x01, 0x80, 0x01, 0x0C, 0x00, 0x00, 0x22, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, ev), evack);
}

static void status_invalid_address(void **state)
{
    fixture *f = *state;
    /* READMEM of 4 bytes at 0x0800: between ABRM and SBRM. */
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 0x0C, 0x00, 0x31, 0x00,
        0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
    };
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x03, 0x80, 0x01, 0x08, 0x00, 0x00, 0x31, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd), ack);
    /* Feature space gap (0x1FFF0) and far beyond the XML (2^63). */
    static const uint8_t cmd2[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 0x0C, 0x00, 0x32, 0x00,
        0xF0, 0xFF, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
    };
    assert_int_equal(SERVE(f, cmd2), 12);
    assert_int_equal(f->ack[4] | f->ack[5] << 8, TC_U3V_INVALID_ADDRESS);
    static const uint8_t cmd3[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 0x0C, 0x00, 0x33, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x04, 0x00,
    };
    assert_int_equal(SERVE(f, cmd3), 12);
    assert_int_equal(f->ack[4] | f->ack[5] << 8, TC_U3V_INVALID_ADDRESS);
    /* A read that wraps the 64-bit address space. */
    static const uint8_t cmd4[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 0x0C, 0x00, 0x34, 0x00,
        0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x04, 0x00,
    };
    assert_int_equal(SERVE(f, cmd4), 12);
    assert_int_equal(f->ack[4] | f->ack[5] << 8, TC_U3V_INVALID_ADDRESS);
}

static void status_write_protect(void **state)
{
    fixture *f = *state;
    /* WRITEMEM of the GenCP version (ABRM 0, read-only). */
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0C, 0x00, 0x51, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
    };
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x04, 0x80, 0x03, 0x08, 0x04, 0x00, 0x51, 0x00,
        0x00, 0x00, 0x00, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd), ack);
    /* SensorWidth (0x10400, read-only feature) = 100. */
    static const uint8_t cmd2[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0C, 0x00, 0x52, 0x00,
        0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00,
    };
    static const uint8_t ack2[] = {
        0x55, 0x33, 0x56, 0x43, 0x04, 0x80, 0x03, 0x08, 0x04, 0x00, 0x52, 0x00,
        0x00, 0x00, 0x00, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd2), ack2);
    assert_int_equal(geti(f->cam, "SensorWidth"), 4056);
    /* The XML is read-only too. */
    static const uint8_t cmd3[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x09, 0x00, 0x53, 0x00,
        0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3C,
    };
    assert_int_equal(SERVE(f, cmd3), 16);
    assert_int_equal(f->ack[4] | f->ack[5] << 8, TC_U3V_WRITE_PROTECT);
}

static void status_invalid_parameter(void **state)
{
    fixture *f = *state;
    /* Width = 13: off the 24..4056 step 12 range; nothing changes. */
    int64_t before = geti(f->cam, "Width");
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0C, 0x00, 0x61, 0x00,
        0x24, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0D, 0x00, 0x00, 0x00,
    };
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x02, 0x80, 0x03, 0x08, 0x04, 0x00, 0x61, 0x00,
        0x00, 0x00, 0x00, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd), ack);
    assert_int_equal(geti(f->cam, "Width"), before);
    /* READMEM count 0xFFFF: more than max ack transfer - 12. */
    static const uint8_t rd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 0x0C, 0x00, 0x62, 0x00,
        0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF,
    };
    static const uint8_t rack[] = {
        0x55, 0x33, 0x56, 0x43, 0x02, 0x80, 0x01, 0x08, 0x00, 0x00, 0x62, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, rd), rack);
    /* READMEM count 0. */
    uint8_t rd0[sizeof(rd)];
    memcpy(rd0, rd, sizeof(rd));
    rd0[22] = rd0[23] = 0;
    assert_int_equal(SERVE(f, rd0), 12);
    assert_int_equal(f->ack[4] | f->ack[5] << 8, TC_U3V_INVALID_PARAMETER);
    /* WRITEMEM without data. */
    static const uint8_t w0[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x08, 0x00, 0x63, 0x00,
        0x18, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    assert_int_equal(SERVE(f, w0), 16);
    assert_int_equal(f->ack[4] | f->ack[5] << 8, TC_U3V_INVALID_PARAMETER);
    /* A count the target allows but the caller's ack buffer cannot hold. */
    uint8_t small[64];
    assert_int_equal(tc_u3v_cp_serve(&f->t, readmem_gencp_version, 24, small, 15), 12);
}

/* One WriteMem over Width and Height is one write: Height 33 (off its step
 * of 8) is refused, Width 1200 is not applied, and "0 bytes written" is
 * true. */
static void writemem_span_all_or_nothing(void **state)
{
    fixture *f = *state;
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x10, 0x00, 0x64, 0x00,
        0x24, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xB0, 0x04, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00,
    };
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x02, 0x80, 0x03, 0x08, 0x04, 0x00, 0x64, 0x00,
        0x00, 0x00, 0x00, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd), ack);
    assert_int_equal(geti(f->cam, "Width"), 4056);
    assert_int_equal(geti(f->cam, "Height"), 3040);
}

static void status_bad_alignment(void **state)
{
    fixture *f = *state;
    /* WRITEMEM at ABRM 0x1E2: inside the device configuration register. */
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0C, 0x00, 0x71, 0x00,
        0xE2, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    };
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x05, 0x80, 0x03, 0x08, 0x04, 0x00, 0x71, 0x00,
        0x00, 0x00, 0x00, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd), ack);
    /* Two bytes into Width (0x10424): a numeric register needs all 4. */
    static const uint8_t cmd2[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0A, 0x00, 0x72, 0x00,
        0x24, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xB0, 0x04,
    };
    assert_int_equal(SERVE(f, cmd2), 16);
    assert_int_equal(f->ack[4] | f->ack[5] << 8, TC_U3V_BAD_ALIGNMENT);
    /* Starting inside Width. */
    static const uint8_t cmd3[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0C, 0x00, 0x73, 0x00,
        0x25, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xB0, 0x04, 0x00, 0x00,
    };
    assert_int_equal(SERVE(f, cmd3), 16);
    assert_int_equal(f->ack[4] | f->ack[5] << 8, TC_U3V_BAD_ALIGNMENT);
}

static void status_access_denied_and_busy_paths(void **state)
{
    fixture *f = *state;
    /* Width is locked while acquisition runs: ACCESS_DENIED, as GenICam's
     * lock (TLParamsLocked) answers. */
    assert_int_equal(tc_start(f->cam), 0);
    static const uint8_t cmd[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0C, 0x00, 0x81, 0x00,
        0x24, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xB0, 0x04, 0x00, 0x00,
    };
    static const uint8_t ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x06, 0x80, 0x03, 0x08, 0x04, 0x00, 0x81, 0x00,
        0x00, 0x00, 0x00, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd), ack);
    assert_int_equal(tc_stop(f->cam), 0);
    /* TLParamsLocked (0x10A04) = 1 written over GenCP locks Width the same way. */
    static const uint8_t lock[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0C, 0x00, 0x82, 0x00,
        0x04, 0x0A, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    };
    static const uint8_t lock_ack[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x00, 0x03, 0x08, 0x04, 0x00, 0x82, 0x00,
        0x00, 0x00, 0x04, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, lock), lock_ack);
    static const uint8_t cmd2[] = {
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08, 0x0C, 0x00, 0x83, 0x00,
        0x24, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xB0, 0x04, 0x00, 0x00,
    };
    static const uint8_t ack2[] = {
        0x55, 0x33, 0x56, 0x43, 0x06, 0x80, 0x03, 0x08, 0x04, 0x00, 0x83, 0x00,
        0x00, 0x00, 0x00, 0x00,
    };
    ASSERT_ACK(f, SERVE(f, cmd2), ack2);
    assert_int_equal(geti(f->cam, "Width"), 4056);
    assert_int_equal(tc_set_int(f->cam, "TLParamsLocked", 0), 0);
    /* The status map itself. */
    assert_int_equal(tc_u3v_status_from_tc(TC_OK), TC_U3V_SUCCESS);
    assert_int_equal(tc_u3v_status_from_tc(TC_EADDRESS), TC_U3V_INVALID_ADDRESS);
    assert_int_equal(tc_u3v_status_from_tc(TC_EACCESS), TC_U3V_ACCESS_DENIED);
    assert_int_equal(tc_u3v_status_from_tc(TC_ERANGE), TC_U3V_INVALID_PARAMETER);
    assert_int_equal(tc_u3v_status_from_tc(TC_EINVAL), TC_U3V_INVALID_PARAMETER);
    assert_int_equal(tc_u3v_status_from_tc(TC_EBUSY), TC_U3V_BUSY);
    assert_int_equal(tc_u3v_status_from_tc(TC_EIO), TC_U3V_GENERIC_ERROR);
}

/* Read through GenCP only, in chunks of max ack - 12, as Aravis does. */
static void gencp_read(fixture *f, uint64_t address, void *out, size_t len)
{
    static uint16_t id = 0x100;
    size_t chunk = f->bs.max_ack_transfer - TC_U3V_CP_HEADER_LEN;
    uint8_t *dst = out;
    for (size_t done = 0; done < len;) {
        size_t n = len - done < chunk ? len - done : chunk;
        uint64_t a = address + done;
        uint8_t cmd[24] = { 0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 0x0C, 0x00 };
        cmd[10] = (uint8_t)id;
        cmd[11] = (uint8_t)(id >> 8);
        for (int i = 0; i < 8; i++)
            cmd[12 + i] = (uint8_t)(a >> (8 * i));
        cmd[22] = (uint8_t)n;
        cmd[23] = (uint8_t)(n >> 8);
        size_t got = serve(f, cmd, sizeof(cmd));
        assert_int_equal(got, 12 + n);
        assert_int_equal(f->ack[4] | f->ack[5] << 8, 0);
        assert_int_equal(f->ack[6] | f->ack[7] << 8, TC_U3V_READMEM_ACK);
        assert_int_equal(f->ack[8] | f->ack[9] << 8, n);
        assert_int_equal(f->ack[10] | f->ack[11] << 8, id);
        memcpy(dst + done, f->ack + 12, n);
        done += n;
        id = id == 0xFFFF ? 1 : (uint16_t)(id + 1);
    }
}

static uint16_t gencp_write(fixture *f, uint64_t address, const void *data, size_t len)
{
    uint8_t cmd[20 + 256] = { 0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x02, 0x08 };
    assert_true(len <= 256);
    cmd[8] = (uint8_t)(8 + len);
    cmd[9] = (uint8_t)((8 + len) >> 8);
    cmd[10] = 0x99;
    for (int i = 0; i < 8; i++)
        cmd[12 + i] = (uint8_t)(address >> (8 * i));
    memcpy(cmd + 20, data, len);
    assert_int_equal(serve(f, cmd, 20 + len), 16);
    return (uint16_t)(f->ack[4] | f->ack[5] << 8);
}

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void sha1sum_of(const char *data, size_t len, uint8_t out[20])
{
    char path[] = "/tmp/tc_u3v_xml_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "sha1sum %s", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char hex[41] = { 0 };
    assert_int_equal(fscanf(p, "%40s", hex), 1);
    pclose(p);
    unlink(path);
    for (int i = 0; i < 20; i++) {
        unsigned b;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
        out[i] = (uint8_t)b;
    }
}

/* ---------------- file access over GenCP ---------------- */

static void gencp_write32(fixture *f, const char *feature, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    assert_int_equal(gencp_write(f, tc_feature_find(feature)->address, b, 4), TC_U3V_SUCCESS);
}

static uint32_t gencp_read32(fixture *f, const char *feature)
{
    uint8_t b[4];
    gencp_read(f, tc_feature_find(feature)->address, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* FileAccessBuffer takes WRITEMEMs at any offset inside it (a byte
 * register), and a user set written through it over USB3 Vision loads. */
static void file_access_through_gencp(void **state)
{
    fixture *f = *state;
    uint64_t buf = tc_feature_find("FileAccessBuffer")->address;
    uint8_t piece[100], back[100];
    for (size_t i = 0; i < sizeof(piece); i++)
        piece[i] = (uint8_t)(0xA0 + i);
    assert_int_equal(gencp_write(f, buf + 0x201, piece, sizeof(piece)), TC_U3V_SUCCESS);
    gencp_read(f, buf + 0x201, back, sizeof(back));
    assert_memory_equal(piece, back, sizeof(piece));
    assert_int_equal(gencp_write(f, buf + 4096 - 50, piece, sizeof(piece)), TC_U3V_INVALID_ADDRESS);

    const char text[] = "Width[0]=1236\nReverseX[0]=1\n";
    gencp_write32(f, "FileSelector", 0);   /* UserSet1 */
    gencp_write32(f, "FileOpenMode", 1);   /* Write */
    gencp_write32(f, "FileOperationSelector", 0); /* Open */
    gencp_write32(f, "FileOperationExecute", 1);
    assert_int_equal(gencp_read32(f, "FileOperationStatus"), 0);
    gencp_write32(f, "FileOperationSelector", 3); /* Write */
    gencp_write32(f, "FileAccessOffset", 0);
    gencp_write32(f, "FileAccessLength", sizeof(text) - 1);
    assert_int_equal(gencp_write(f, buf, text, (sizeof(text) - 1 + 3) / 4 * 4), TC_U3V_SUCCESS);
    gencp_write32(f, "FileOperationExecute", 1);
    assert_int_equal(gencp_read32(f, "FileOperationStatus"), 0);
    assert_int_equal(gencp_read32(f, "FileOperationResult"), sizeof(text) - 1);
    gencp_write32(f, "FileOperationSelector", 1); /* Close */
    gencp_write32(f, "FileOperationExecute", 1);
    assert_int_equal(gencp_read32(f, "FileOperationStatus"), 0);
    assert_int_equal(tc_set_string(f->cam, "UserSetSelector", "UserSet1"), 0);
    assert_int_equal(tc_execute(f->cam, "UserSetLoad"), 0);
    assert_int_equal(geti(f->cam, "Width"), 1236);
    assert_int_equal(geti(f->cam, "ReverseX"), 1);
}

static void end_to_end_manifest_and_xml(void **state)
{
    fixture *f = *state;
    /* ABRM: manufacturer as the camera says, SBRM and manifest addresses. */
    char manufacturer[64], vendor[64];
    gencp_read(f, TC_ABRM_MANUFACTURER_NAME, manufacturer, 64);
    assert_int_equal(tc_get_string(f->cam, "DeviceVendorName", vendor, sizeof(vendor)), 0);
    assert_int_equal(manufacturer[63], 0);
    assert_string_equal(manufacturer, vendor);
    uint8_t b[64];
    gencp_read(f, TC_ABRM_MANIFEST_TABLE_ADDRESS, b, 8);
    uint64_t manifest = le(b, 8);
    /* The manifest: one entry. */
    gencp_read(f, manifest, b, 8);
    assert_int_equal(le(b, 8), 1);
    uint8_t entry[64];
    gencp_read(f, manifest + 8, entry, 64);
    assert_int_equal(le(entry, 2), 0);        /* file version 3.2.0 (the XML's) */
    assert_int_equal(entry[2], 2);
    assert_int_equal(entry[3], 3);
    uint32_t schema = (uint32_t)le(entry + 4, 4);
    assert_int_equal((schema >> 10) & 0x1F, 0); /* raw XML, as Aravis decodes it */
    assert_int_equal(schema >> 24, 1);          /* GenApi schema 1.1 */
    assert_int_equal((schema >> 16) & 0xFF, 1);
    assert_int_equal(schema & 0x3FF, 0);        /* device XML */
    uint64_t xml_address = le(entry + 8, 8), xml_size = le(entry + 16, 8);
    for (int i = 44; i < 64; i++)
        assert_int_equal(entry[i], 0);
    size_t len = 0;
    const char *xml = tc_camera_genicam_xml(f->cam, 0, &len);
    assert_non_null(xml);
    assert_int_equal(xml_size, len);
    char *got = malloc(len);
    assert_non_null(got);
    gencp_read(f, xml_address, got, len);
    assert_memory_equal(got, xml, len);
    uint8_t sha[20];
    sha1sum_of(got, len, sha);
    assert_memory_equal(entry + 24, sha, 20);
    free(got);
    /* The little-endian XML, not the GigE one. */
    size_t be_len = 0;
    const char *be_xml = tc_camera_genicam_xml(f->cam, 1, &be_len);
    assert_true(be_len != len || memcmp(be_xml, xml, len) != 0);
}

static void abrm_sbrm_sirm_contents(void **state)
{
    fixture *f = *state;
    uint8_t abrm[TC_U3V_ABRM_LENGTH];
    gencp_read(f, TC_U3V_ABRM_ADDRESS, abrm, sizeof(abrm)); /* one region, no holes */
    static const struct {
        unsigned off;
        const char *feature;
    } strs[] = {
        { TC_ABRM_MANUFACTURER_NAME, "DeviceVendorName" },
        { TC_ABRM_MODEL_NAME, "DeviceModelName" },
        { TC_ABRM_FAMILY_NAME, "DeviceFamilyName" },
        { TC_ABRM_DEVICE_VERSION, "DeviceFirmwareVersion" },
        { TC_ABRM_MANUFACTURER_INFO, "DeviceManufacturerInfo" },
        { TC_ABRM_SERIAL_NUMBER, "DeviceSerialNumber" },
        { TC_ABRM_USER_DEFINED_NAME, "DeviceUserID" },
    };
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        char want[64] = { 0 };
        assert_int_equal(tc_get_string(f->cam, strs[i].feature, want, sizeof(want)), 0);
        char have[65] = { 0 };
        memcpy(have, abrm + strs[i].off, 64);
        assert_string_equal(have, want);
    }
    assert_int_equal(le(abrm + TC_ABRM_DEVICE_CAPABILITY, 8), 0xF09);
    assert_int_equal(le(abrm + TC_ABRM_MAX_DEVICE_RESPONSE_TIME, 4), 200);
    assert_int_equal(le(abrm + TC_ABRM_MANIFEST_TABLE_ADDRESS, 8), 0x3000);
    assert_int_equal(le(abrm + TC_ABRM_SBRM_ADDRESS, 8), 0x1000);
    assert_int_equal(le(abrm + TC_ABRM_TIMESTAMP_INCREMENT, 8), 1);
    assert_int_equal(le(abrm + TC_ABRM_PROTOCOL_ENDIANNESS, 4), 0xFFFFFFFF);
    assert_int_equal(le(abrm + TC_ABRM_IMPLEMENTATION_ENDIANNESS, 4), 0xFFFFFFFF);

    uint8_t sbrm[TC_U3V_SBRM_LENGTH];
    gencp_read(f, 0x1000, sbrm, sizeof(sbrm));
    assert_int_equal(le(sbrm + 0x00, 4), 0x00010000);
    assert_int_equal(le(sbrm + 0x04, 8), 1); /* SIRM available */
    uint32_t max_cmd = (uint32_t)le(sbrm + 0x14, 4), max_ack = (uint32_t)le(sbrm + 0x18, 4);
    assert_int_equal(max_ack, 16384);
    assert_true(max_cmd >= max_ack + 8);     /* Aravis chunks writes by the ack size */
    assert_int_equal(le(sbrm + 0x1C, 4), 1);
    assert_int_equal(le(sbrm + 0x20, 8), 0x2000);
    assert_int_equal(le(sbrm + 0x28, 4), 0x30);
    assert_int_equal(le(sbrm + 0x2C, 8), 0);
    assert_int_equal(le(sbrm + 0x34, 4), 0);
    assert_int_equal(le(sbrm + 0x38, 8), 0);
    assert_int_equal(le(sbrm + 0x40, 4), 0x8); /* SuperSpeed */

    uint8_t sirm[TC_U3V_SIRM_LENGTH];
    gencp_read(f, 0x2000, sirm, sizeof(sirm));
    assert_int_equal(le(sirm + 0x00, 4), 10u << 24); /* 1024-byte alignment */
    assert_int_equal(le(sirm + 0x04, 4), 0);
    assert_int_equal(le(sirm + 0x08, 8), geti(f->cam, "PayloadSize"));
    assert_int_equal(le(sirm + 0x10, 4), 52);
    assert_int_equal(le(sirm + 0x14, 4), 32);

    uint8_t manifest[TC_U3V_MANIFEST_LENGTH];
    gencp_read(f, 0x3000, manifest, sizeof(manifest));
    assert_int_equal(le(manifest, 8), 1);
}

static void timestamp_latch_and_user_name(void **state)
{
    fixture *f = *state;
    uint8_t one[4] = { 1, 0, 0, 0 };
    assert_int_equal(gencp_write(f, TC_ABRM_TIMESTAMP_LATCH, one, 4), 0);
    uint8_t ts[8];
    gencp_read(f, TC_ABRM_TIMESTAMP, ts, 8);
    assert_int_equal(le(ts, 8), geti(f->cam, "TimestampLatchValue"));
    /* Write-only latch reads as 0; the timestamp itself is read-only. */
    gencp_read(f, TC_ABRM_TIMESTAMP_LATCH, ts, 4);
    assert_int_equal(le(ts, 4), 0);
    assert_int_equal(gencp_write(f, TC_ABRM_TIMESTAMP, ts, 8), TC_U3V_WRITE_PROTECT);

    /* User-defined name: a short string from the register's start. */
    assert_int_equal(gencp_write(f, TC_ABRM_USER_DEFINED_NAME, "lab-cam-3", 10), 0);
    char name[64];
    assert_int_equal(tc_get_string(f->cam, "DeviceUserID", name, sizeof(name)), 0);
    assert_string_equal(name, "lab-cam-3");
    char back[64];
    gencp_read(f, TC_ABRM_USER_DEFINED_NAME, back, 64);
    assert_string_equal(back, "lab-cam-3");
    /* 64 characters without a NUL do not fit the feature: refused. */
    char longname[64];
    memset(longname, 'x', sizeof(longname));
    assert_int_equal(gencp_write(f, TC_ABRM_USER_DEFINED_NAME, longname, 64),
                     TC_U3V_INVALID_PARAMETER);
    assert_int_equal(tc_get_string(f->cam, "DeviceUserID", name, sizeof(name)), 0);
    assert_string_equal(name, "lab-cam-3");

    /* Host-held registers keep what is written. */
    uint8_t cfg[8] = { 0x02, 0, 0, 0, 0, 0, 0, 0 };
    assert_int_equal(gencp_write(f, TC_ABRM_DEVICE_CONFIGURATION, cfg, 8), 0);
    gencp_read(f, TC_ABRM_DEVICE_CONFIGURATION, back, 8);
    assert_memory_equal(back, cfg, 8);
}

static void sirm_programmed_like_aravis(void **state)
{
    fixture *f = *state;
    uint8_t b[8];
    gencp_read(f, 0x2000 + TC_SIRM_REQ_PAYLOAD_SIZE, b, 8);
    uint64_t payload = le(b, 8);
    gencp_read(f, 0x2000 + TC_SIRM_INFO, b, 4);
    uint32_t alignment = 1u << (le(b, 4) >> 24);

    /* Enabling with nothing programmed: the plan cannot carry a frame. */
    uint8_t on[4] = { 1, 0, 0, 0 }, off[4] = { 0 };
    assert_int_equal(gencp_write(f, 0x2000 + TC_SIRM_CONTROL, on, 4),
                     TC_U3V_SI_REGISTERS_INCONSISTENT);
    assert_false(tc_u3v_bootstrap_stream_enabled(&f->bs));

    tc_u3v_stream_plan aravis;
    tc_u3v_plan_like_aravis(&aravis, payload, alignment);
    const struct {
        unsigned off;
        uint32_t v;
    } w[] = {
        { TC_SIRM_MAX_LEADER_SIZE, aravis.max_leader },
        { TC_SIRM_MAX_TRAILER_SIZE, aravis.max_trailer },
        { TC_SIRM_PAYLOAD_TRANSFER_SIZE, aravis.transfer_size },
        { TC_SIRM_PAYLOAD_TRANSFER_COUNT, aravis.transfer_count },
        { TC_SIRM_FINAL_TRANSFER1_SIZE, aravis.final1_size },
        { TC_SIRM_FINAL_TRANSFER2_SIZE, aravis.final2_size },
    };
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
        uint8_t v[4] = { (uint8_t)w[i].v, (uint8_t)(w[i].v >> 8), (uint8_t)(w[i].v >> 16),
                         (uint8_t)(w[i].v >> 24) };
        assert_int_equal(gencp_write(f, 0x2000 + w[i].off, v, 4), 0);
    }
    assert_int_equal(gencp_write(f, 0x2000 + TC_SIRM_CONTROL, on, 4), 0);
    assert_true(tc_u3v_bootstrap_stream_enabled(&f->bs));
    tc_u3v_stream_plan plan;
    assert_int_equal(tc_u3v_bootstrap_stream_plan(&f->bs, &plan), 0);
    assert_int_equal(plan.payload_size, aravis.payload_size);
    assert_int_equal(plan.alignment, aravis.alignment);
    assert_int_equal(plan.max_leader, aravis.max_leader);
    assert_int_equal(plan.max_trailer, aravis.max_trailer);
    assert_int_equal(plan.transfer_size, aravis.transfer_size);
    assert_int_equal(plan.transfer_count, aravis.transfer_count);
    assert_int_equal(plan.final1_size, aravis.final1_size);
    assert_int_equal(plan.final2_size, aravis.final2_size);
    /* The plan may not change under a running stream. */
    uint8_t v[4] = { 0, 0, 1, 0 };
    assert_int_equal(gencp_write(f, 0x2000 + TC_SIRM_PAYLOAD_TRANSFER_SIZE, v, 4),
                     TC_U3V_ACCESS_DENIED);
    assert_int_equal(gencp_write(f, 0x2000 + TC_SIRM_CONTROL, off, 4), 0);
    assert_int_equal(gencp_write(f, 0x2000 + TC_SIRM_PAYLOAD_TRANSFER_SIZE, v, 4), 0);
    /* Reset: back to power-on. */
    tc_u3v_bootstrap_reset(&f->bs);
    gencp_read(f, 0x2000 + TC_SIRM_PAYLOAD_TRANSFER_SIZE, b, 4);
    assert_int_equal(le(b, 4), 0);
}

static void config_clamps(void **state)
{
    fixture *f = *state;
    tc_u3v_bootstrap bs;
    tc_u3v_bootstrap_config c = { .max_ack_transfer = 1000000, .max_cmd_transfer = 100,
                                  .alignment_log2 = 40 };
    assert_int_equal(tc_u3v_bootstrap_init(&bs, tc_camera_device(f->cam), &c), 0);
    assert_int_equal(bs.max_ack_transfer, 65536);
    assert_int_equal(bs.max_cmd_transfer, 65536 + 8);
    assert_int_equal(bs.alignment_log2, 20);
    c = (tc_u3v_bootstrap_config){ .max_ack_transfer = 1 };
    assert_int_equal(tc_u3v_bootstrap_init(&bs, tc_camera_device(f->cam), &c), 0);
    assert_int_equal(bs.max_ack_transfer, 128);
    assert_int_equal(tc_u3v_bootstrap_init(&bs, NULL, NULL), TC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_readmem),
        cmocka_unit_test(parse_truncated_prefixes),
        cmocka_unit_test(parse_bad_prefix),
        cmocka_unit_test(parse_writemem),
        cmocka_unit_test(build_acks),
        cmocka_unit_test_setup_teardown(readmem_and_ack, setup, teardown),
        cmocka_unit_test_setup_teardown(writemem_and_ack, setup, teardown),
        cmocka_unit_test_setup_teardown(feature_write_through_gencp, setup, teardown),
        cmocka_unit_test_setup_teardown(request_id_echo, setup, teardown),
        cmocka_unit_test_setup_teardown(no_ack_requested_still_executes, setup, teardown),
        cmocka_unit_test_setup_teardown(status_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(status_invalid_header, setup, teardown),
        cmocka_unit_test_setup_teardown(status_not_implemented, setup, teardown),
        cmocka_unit_test_setup_teardown(status_invalid_address, setup, teardown),
        cmocka_unit_test_setup_teardown(status_write_protect, setup, teardown),
        cmocka_unit_test_setup_teardown(status_invalid_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(writemem_span_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(status_bad_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(status_access_denied_and_busy_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(end_to_end_manifest_and_xml, setup, teardown),
        cmocka_unit_test_setup_teardown(abrm_sbrm_sirm_contents, setup, teardown),
        cmocka_unit_test_setup_teardown(timestamp_latch_and_user_name, setup, teardown),
        cmocka_unit_test_setup_teardown(sirm_programmed_like_aravis, setup, teardown),
        cmocka_unit_test_setup_teardown(config_clamps, setup, teardown),
        cmocka_unit_test_setup_teardown(file_access_through_gencp, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
