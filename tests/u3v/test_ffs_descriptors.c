/* FunctionFS blobs of the USB3 Vision function, against bytes typed from
 * the layout in include/uapi/linux/usb/functionfs.h (v2 descriptors header:
 * magic 3, length, flags, fs/hs/ss counts; strings: magic 2, length, string
 * count, language count, then per language a code and NUL-terminated
 * strings) and USB 3.2 chapter 9 for the descriptors themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ffs/ffs_descriptors.h"
#include "twincam/twincam.h"
#include "u3v/u3v_descriptors.h"

static void build(tc_u3v_descriptors *ss, tc_u3v_descriptors *hs)
{
    tc_u3v_desc_spec s = {
        .vendor_id = 0x1D6B, .product_id = 0x0104, .bcd_device = 0x0320,
        .speed = TC_USB_SPEED_SUPER, .stream_max_burst = 15,
        .manufacturer = "twincam", .product = "IMX412-C", .serial = "TC000001",
        .guid = "1D6B0104A001",
    };
    assert_int_equal(tc_u3v_desc_build(&s, ss), 0);
    s.speed = TC_USB_SPEED_HIGH;
    assert_int_equal(tc_u3v_desc_build(&s, hs), 0);
}

/* The function's descriptors at one speed, typed by hand: `mps_lo/hi` is the
 * bulk packet size, `ss` adds the companions (stream endpoint: burst 15). */
static size_t expected_list(uint8_t *out, uint8_t mps_lo, uint8_t mps_hi, int ss)
{
    static const uint8_t iad[] = { 0x08, 0x0B, 0x00, 0x03, 0xEF, 0x05, 0x00, 0x01 };
    static const uint8_t if0[] = { 0x09, 0x04, 0x00, 0x00, 0x02, 0xEF, 0x05, 0x00, 0x02 };
    static const uint8_t if1[] = { 0x09, 0x04, 0x01, 0x00, 0x01, 0xEF, 0x05, 0x01, 0x03 };
    static const uint8_t if2[] = { 0x09, 0x04, 0x02, 0x00, 0x01, 0xEF, 0x05, 0x02, 0x04 };
    size_t n = 0;
#define PUT(a) (memcpy(out + n, a, sizeof(a)), n += sizeof(a))
#define EP(addr, burst)                                                            \
    do {                                                                           \
        const uint8_t e[] = { 0x07, 0x05, addr, 0x02, mps_lo, mps_hi, 0x00 };      \
        const uint8_t c[] = { 0x06, 0x30, burst, 0x00, 0x00, 0x00 };               \
        PUT(e);                                                                    \
        if (ss)                                                                    \
            PUT(c);                                                                \
    } while (0)
    PUT(iad);
    PUT(if0);
    EP(0x01, 0);
    EP(0x81, 0);
    PUT(if1);
    EP(0x82, 0);
    PUT(if2);
    EP(0x83, 15);
#undef EP
#undef PUT
    return n;
}

static void descriptors_blob(void **state)
{
    (void)state;
    tc_u3v_descriptors ss, hs;
    build(&ss, &hs);
    uint8_t got[512], want[512];
    size_t n = tc_ffs_build_descriptors(got, sizeof(got), &ss, &hs, false);
    static const uint8_t header[24] = {
        0x03, 0x00, 0x00, 0x00, /* FUNCTIONFS_DESCRIPTORS_MAGIC_V2 */
        0xED, 0x00, 0x00, 0x00, /* length 237 = 24 + 63 + 63 + 87 */
        0x07, 0x00, 0x00, 0x00, /* HAS_FS_DESC | HAS_HS_DESC | HAS_SS_DESC */
        0x08, 0x00, 0x00, 0x00, /* fs_count: IAD, 3 interfaces, 4 endpoints */
        0x08, 0x00, 0x00, 0x00, /* hs_count */
        0x0C, 0x00, 0x00, 0x00, /* ss_count: + 4 companions */
    };
    size_t w = sizeof(header);
    memcpy(want, header, w);
    w += expected_list(want + w, 0x40, 0x00, 0); /* full speed: 64-byte bulk */
    w += expected_list(want + w, 0x00, 0x02, 0); /* high speed: 512 */
    w += expected_list(want + w, 0x00, 0x04, 1); /* SuperSpeed: 1024 + companions */
    assert_int_equal(w, 237);
    assert_int_equal(n, w);
    assert_memory_equal(got, want, w);
}

static void device_info_only_on_request(void **state)
{
    (void)state;
    tc_u3v_descriptors ss, hs;
    build(&ss, &hs);
    uint8_t got[512];
    size_t n = tc_ffs_build_descriptors(got, sizeof(got), &ss, &hs, true);
    assert_int_equal(n, 237 + 3 * 20);
    assert_int_equal(got[12], 9); /* each list gains the Device Info descriptor */
    assert_int_equal(got[16], 9);
    assert_int_equal(got[20], 13);
    /* It follows the control interface (IAD 8 + interface 9 into the list),
     * GUID string index at its byte 11 kept as the U3V descriptors say. */
    const uint8_t *info = got + 24 + 8 + 9;
    assert_int_equal(info[0], 20);
    assert_int_equal(info[1], 0x24);
    assert_int_equal(info[2], 0x01);
    assert_int_equal(info[11], TC_U3V_STR_GUID);
}

static void too_small_buffers_are_refused(void **state)
{
    (void)state;
    tc_u3v_descriptors ss, hs;
    build(&ss, &hs);
    uint8_t got[512];
    for (size_t cap = 0; cap < 237; cap++)
        assert_int_equal(tc_ffs_build_descriptors(got, cap, &ss, &hs, false), 0);
    assert_int_equal(tc_ffs_build_descriptors(got, 237, &ss, &hs, false), 237);
    size_t need = tc_ffs_build_strings(got, sizeof(got), &ss);
    for (size_t cap = 0; cap < need; cap++)
        assert_int_equal(tc_ffs_build_strings(got, cap, &ss), 0);
}

static void malformed_configuration_is_refused(void **state)
{
    (void)state;
    tc_u3v_descriptors ss, hs;
    build(&ss, &hs);
    uint8_t got[512];
    hs.config[9 + 8] = 0; /* the control interface's bLength */
    assert_int_equal(tc_ffs_build_descriptors(got, sizeof(got), &ss, &hs, false), 0);
    build(&ss, &hs);
    ss.config[9] = 200; /* the IAD claims to run past the end */
    assert_int_equal(tc_ffs_build_descriptors(got, sizeof(got), &ss, &hs, false), 0);
}

static void strings_blob(void **state)
{
    (void)state;
    tc_u3v_descriptors ss, hs;
    build(&ss, &hs);
    uint8_t got[256];
    size_t n = tc_ffs_build_strings(got, sizeof(got), &ss);
    static const uint8_t want[] = {
        0x02, 0x00, 0x00, 0x00, /* FUNCTIONFS_STRINGS_MAGIC */
        0x3F, 0x00, 0x00, 0x00, /* length 63 */
        0x04, 0x00, 0x00, 0x00, /* str_count */
        0x01, 0x00, 0x00, 0x00, /* lang_count */
        0x09, 0x04,             /* en-US */
        'I', 'M', 'X', '4', '1', '2', '-', 'C', 0,
        'U', '3', 'V', ' ', 'C', 'o', 'n', 't', 'r', 'o', 'l', 0,
        'U', '3', 'V', ' ', 'E', 'v', 'e', 'n', 't', 0,
        'U', '3', 'V', ' ', 'S', 't', 'r', 'e', 'a', 'm', 'i', 'n', 'g', 0,
    };
    assert_int_equal(sizeof(want), 63);
    assert_int_equal(n, sizeof(want));
    assert_memory_equal(got, want, sizeof(want));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(descriptors_blob),
        cmocka_unit_test(device_info_only_on_request),
        cmocka_unit_test(too_small_buffers_are_refused),
        cmocka_unit_test(malformed_configuration_is_refused),
        cmocka_unit_test(strings_blob),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
