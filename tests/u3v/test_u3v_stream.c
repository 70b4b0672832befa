/* USB3 Vision streaming: leader and trailer bytes typed from the layouts
 * (USB3 Vision 1.0 section 5.6; Aravis arvuvspprivate.h), and the payload
 * transfer plan: Aravis 0.8.26's SIRM values for the full frame and small
 * AOIs, coverage, consistency, and the bytes each transfer carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "u3v/u3v_cp.h"
#include "u3v/u3v_stream.h"

static void leader_bytes(void **state)
{
    (void)state;
    static const uint8_t want[52] = {
        0x55, 0x33, 0x56, 0x4C,                         /* "U3VL" */
        0x00, 0x00,                                     /* reserved */
        0x34, 0x00,                                     /* leader size 52 */
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* block id */
        0x00, 0x00,                                     /* reserved */
        0x01, 0x00,                                     /* payload type: image */
        0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* timestamp */
        0x08, 0x00, 0x08, 0x01,                         /* BayerGR8 0x01080008 */
        0xD8, 0x0F, 0x00, 0x00,                         /* size x 4056 */
        0xE0, 0x0B, 0x00, 0x00,                         /* size y 3040 */
        0x0C, 0x00, 0x00, 0x00,                         /* offset x 12 */
        0x04, 0x01, 0x00, 0x00,                         /* offset y 260 */
        0x00, 0x00,                                     /* padding x */
        0x00, 0x00,                                     /* reserved */
    };
    tc_u3v_image_info info = { .block_id = 0x0102030405060708ull,
                               .timestamp = 0x1122334455667788ull,
                               .pixel_format = 0x01080008, .size_x = 4056, .size_y = 3040,
                               .offset_x = 12, .offset_y = 260 };
    uint8_t out[64];
    memset(out, 0xEE, sizeof(out));
    assert_int_equal(tc_u3v_build_leader(out, sizeof(out), &info), 52);
    assert_memory_equal(out, want, sizeof(want));
    assert_int_equal(out[52], 0xEE); /* nothing past the leader */
    assert_int_equal(tc_u3v_build_leader(out, 51, &info), 0);
}

static void leader_from_frame(void **state)
{
    (void)state;
    tc_port_frame f = { .block_id = 7, .timestamp_ns = 1000, .pixel_format = 0x010C0057,
                        .width = 1200, .height = 800, .offset_x = 1400, .offset_y = 1100 };
    tc_u3v_image_info info;
    tc_u3v_image_info_from_frame(&f, &info);
    assert_int_equal(info.block_id, 7);
    assert_int_equal(info.timestamp, 1000);
    assert_int_equal(info.pixel_format, 0x010C0057);
    assert_int_equal(info.size_x, 1200);
    assert_int_equal(info.size_y, 800);
    assert_int_equal(info.offset_x, 1400);
    assert_int_equal(info.offset_y, 1100);
    assert_int_equal(info.padding_x, 0);
}

static void trailer_bytes(void **state)
{
    (void)state;
    static const uint8_t want[32] = {
        0x55, 0x33, 0x56, 0x54,                         /* "U3VT" */
        0x00, 0x00,                                     /* reserved */
        0x20, 0x00,                                     /* trailer size 32 */
        0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* block id 5 */
        0x00, 0x00,                                     /* status: success */
        0x00, 0x00,                                     /* reserved */
        0x00, 0x25, 0xBC, 0x00, 0x00, 0x00, 0x00, 0x00, /* valid payload 12330240 */
        0xE0, 0x0B, 0x00, 0x00,                         /* size y 3040 */
    };
    uint8_t out[32];
    assert_int_equal(tc_u3v_build_trailer(out, sizeof(out), 5, 0, 12330240, 3040), 32);
    assert_memory_equal(out, want, sizeof(want));
    /* A discarded frame's status. */
    assert_int_equal(tc_u3v_build_trailer(out, sizeof(out), 6, TC_U3V_DATA_DISCARDED, 0, 0), 32);
    assert_int_equal(out[16], 0x00);
    assert_int_equal(out[17], 0xA1);
    assert_int_equal(tc_u3v_build_trailer(out, 31, 5, 0, 0, 0), 0);
}

static uint64_t sum_transfers(const tc_u3v_stream_plan *p, unsigned *n)
{
    uint64_t k = 0, off, expect = 0;
    uint32_t len;
    *n = 0;
    while (tc_u3v_plan_next(p, &k, &off, &len)) {
        assert_int_equal(off, expect); /* contiguous, in order */
        assert_true(len > 0);
        expect += len;
        (*n)++;
    }
    return expect;
}

static void plan_full_frame_like_aravis(void **state)
{
    (void)state;
    /* 4056 x 3040 BayerGR8 = 12330240 bytes, alignment 1024:
     * 11 transfers of 1 MiB (11534336), remainder 795904, final 1 rounded up
     * to 777 x 1024 + 1024 = 796672. */
    tc_u3v_stream_plan p;
    tc_u3v_plan_like_aravis(&p, 12330240, 1024);
    assert_int_equal(p.transfer_size, 1048576);
    assert_int_equal(p.transfer_count, 11);
    assert_int_equal(p.final1_size, 796672);
    assert_int_equal(p.final2_size, 0);
    assert_int_equal(p.max_leader, 1024);
    assert_int_equal(p.max_trailer, 1024);
    assert_int_equal(tc_u3v_plan_check(&p), TC_U3V_SUCCESS);
    unsigned n;
    assert_int_equal(sum_transfers(&p, &n), 12330240);
    assert_int_equal(n, 12);
    uint64_t off;
    assert_int_equal(tc_u3v_plan_transfer(&p, 0, &off), 1048576);
    assert_int_equal(off, 0);
    assert_int_equal(tc_u3v_plan_transfer(&p, 10, &off), 1048576);
    assert_int_equal(off, 10485760);
    /* Final transfer 1 carries only what is left, not its rounded size. */
    assert_int_equal(tc_u3v_plan_transfer(&p, 11, &off), 795904);
    assert_int_equal(off, 11534336);
    assert_int_equal(tc_u3v_plan_transfer(&p, 12, &off), 0);
    assert_int_equal(tc_u3v_plan_transfer(&p, 99, &off), 0);
}

static void plan_small_and_exact(void **state)
{
    (void)state;
    tc_u3v_stream_plan p;
    /* 24 x 32 x 1: one transfer of exactly the payload (not aligned). */
    tc_u3v_plan_like_aravis(&p, 768, 1024);
    assert_int_equal(p.transfer_size, 768);
    assert_int_equal(p.transfer_count, 1);
    assert_int_equal(p.final1_size, 0);
    unsigned n;
    assert_int_equal(sum_transfers(&p, &n), 768);
    assert_int_equal(n, 1);
    /* Exactly 2 MiB: two full transfers, no finals. */
    tc_u3v_plan_like_aravis(&p, 2u << 20, 1024);
    assert_int_equal(p.transfer_count, 2);
    assert_int_equal(p.final1_size, 0);
    assert_int_equal(sum_transfers(&p, &n), 2u << 20);
    assert_int_equal(n, 2);
    /* Zero payload: nothing to send, still consistent. */
    tc_u3v_plan_like_aravis(&p, 0, 1024);
    assert_int_equal(tc_u3v_plan_check(&p), TC_U3V_SUCCESS);
    assert_int_equal(sum_transfers(&p, &n), 0);
    /* A bad alignment is treated as 1. */
    tc_u3v_plan_like_aravis(&p, 1000, 3);
    assert_int_equal(p.alignment, 1);
    assert_int_equal(p.max_leader, 52);
}

static void plan_consistency(void **state)
{
    (void)state;
    tc_u3v_stream_plan p = { .payload_size = 5000, .alignment = 1024, .max_leader = 1024,
                             .max_trailer = 1024, .transfer_size = 1024, .transfer_count = 4,
                             .final1_size = 512, .final2_size = 512 };
    assert_int_equal(tc_u3v_plan_check(&p), TC_U3V_SUCCESS);
    unsigned n;
    /* 4 x 1024 + 512 + the last 392 bytes in final transfer 2. */
    assert_int_equal(sum_transfers(&p, &n), 5000);
    assert_int_equal(n, 6);
    uint64_t off;
    assert_int_equal(tc_u3v_plan_transfer(&p, 5, &off), 392);
    assert_int_equal(off, 4608);
    p.final2_size = 391; /* one byte short */
    assert_int_equal(tc_u3v_plan_check(&p), TC_U3V_SI_REGISTERS_INCONSISTENT);
    p.final2_size = 512;
    p.max_leader = 51;
    assert_int_equal(tc_u3v_plan_check(&p), TC_U3V_SI_REGISTERS_INCONSISTENT);
    p.max_leader = 52;
    p.max_trailer = 31;
    assert_int_equal(tc_u3v_plan_check(&p), TC_U3V_SI_REGISTERS_INCONSISTENT);
    /* Regular transfers of size 0 with a huge count: only the finals carry data,
     * and iterating does not walk 2^32 empty slots. */
    tc_u3v_stream_plan q = { .payload_size = 100, .max_leader = 52, .max_trailer = 32,
                             .transfer_size = 0, .transfer_count = 0xFFFFFFFFu,
                             .final1_size = 60, .final2_size = 40 };
    assert_int_equal(tc_u3v_plan_check(&q), TC_U3V_SUCCESS);
    assert_int_equal(sum_transfers(&q, &n), 100);
    assert_int_equal(n, 2);
    /* Maximum sizes everywhere: the room, (2^32-1)^2 + 2 (2^32-1) = 2^64 - 1,
     * is computed without overflow and covers even the largest payload. */
    tc_u3v_stream_plan r = { .payload_size = UINT64_MAX, .max_leader = 52, .max_trailer = 32,
                             .transfer_size = 0xFFFFFFFFu, .transfer_count = 0xFFFFFFFFu,
                             .final1_size = 0xFFFFFFFFu, .final2_size = 0xFFFFFFFFu };
    assert_int_equal(tc_u3v_plan_check(&r), TC_U3V_SUCCESS);
    assert_int_equal(tc_u3v_plan_transfer(&r, 0xFFFFFFFFull + 1, &off), 0xFFFFFFFFu);
    assert_int_equal(off, UINT64_MAX - 0xFFFFFFFFull);
    r.final2_size--;
    assert_int_equal(tc_u3v_plan_check(&r), TC_U3V_SI_REGISTERS_INCONSISTENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(leader_bytes),
        cmocka_unit_test(leader_from_frame),
        cmocka_unit_test(trailer_bytes),
        cmocka_unit_test(plan_full_frame_like_aravis),
        cmocka_unit_test(plan_small_and_exact),
        cmocka_unit_test(plan_consistency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
