/* USB descriptors of the USB3 Vision device, against bytes typed from USB
 * 3.2 chapter 9 and USB3 Vision 1.0 section 4.2: device, the whole
 * SuperSpeed configuration (IAD, the Device Info descriptor directly after
 * the control interface with the GUID index at byte 11, SS companions after
 * every endpoint), BOS, strings, GET_DESCRIPTOR lookups, the high-speed
 * variant, and a structural walk as libusb would do it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "twincam/twincam.h"
#include "u3v/u3v_descriptors.h"

static tc_u3v_desc_spec spec(void)
{
    tc_u3v_desc_spec s = {
        .vendor_id = 0x1D6B, .product_id = 0x0104, .bcd_device = 0x0320,
        .speed = TC_USB_SPEED_SUPER, .stream_max_burst = 15,
        .manufacturer = "twincam", .product = "IMX412-C", .serial = "TC000001",
        .guid = "1D6B0104A001", .family = "twincam", .device_version = "3.2.0",
        .manufacturer_info = "twin",
    };
    return s;
}

static void device_descriptor(void **state)
{
    (void)state;
    static const uint8_t want[18] = {
        0x12, 0x01,             /* bLength, DEVICE */
        0x00, 0x03,             /* bcdUSB 3.00 */
        0xEF, 0x02, 0x01,       /* misc / common / IAD */
        0x09,                   /* bMaxPacketSize0: 2^9 */
        0x6B, 0x1D, 0x04, 0x01, /* idVendor, idProduct */
        0x20, 0x03,             /* bcdDevice 3.20 */
        0x01, 0x02, 0x03,       /* iManufacturer, iProduct, iSerialNumber */
        0x01,                   /* bNumConfigurations */
    };
    tc_u3v_desc_spec s = spec();
    tc_u3v_descriptors d;
    assert_int_equal(tc_u3v_desc_build(&s, &d), 0);
    assert_memory_equal(d.device, want, sizeof(want));
}

static const uint8_t ss_config[116] = {
    /* configuration */
    0x09, 0x02, 0x74, 0x00, 0x03, 0x01, 0x00, 0x80, 0x32,
    /* IAD: interfaces 0..2, EF/05/00, iFunction 2 */
    0x08, 0x0B, 0x00, 0x03, 0xEF, 0x05, 0x00, 0x02,
    /* interface 0: control, 2 endpoints, EF/05/00, iInterface 8 */
    0x09, 0x04, 0x00, 0x00, 0x02, 0xEF, 0x05, 0x00, 0x08,
    /* U3V Device Info: 20 bytes, CS_INTERFACE 0x24, subtype 1,
     * GenCP 1.0, U3V 1.0, iGUID 4, iVendor 1, iModel 2, iFamily 5,
     * iDeviceVersion 6, iManufacturerInfo 7, iSerial 3, iUserName 0,
     * bmSpeedSupport high | super */
    0x14, 0x24, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
    0x04, 0x01, 0x02, 0x05, 0x06, 0x07, 0x03, 0x00, 0x0C,
    /* bulk OUT 0x01, 1024 + companion */
    0x07, 0x05, 0x01, 0x02, 0x00, 0x04, 0x00,
    0x06, 0x30, 0x00, 0x00, 0x00, 0x00,
    /* bulk IN 0x81, 1024 + companion */
    0x07, 0x05, 0x81, 0x02, 0x00, 0x04, 0x00,
    0x06, 0x30, 0x00, 0x00, 0x00, 0x00,
    /* interface 1: event, 1 endpoint, EF/05/01, iInterface 9 */
    0x09, 0x04, 0x01, 0x00, 0x01, 0xEF, 0x05, 0x01, 0x09,
    0x07, 0x05, 0x82, 0x02, 0x00, 0x04, 0x00,
    0x06, 0x30, 0x00, 0x00, 0x00, 0x00,
    /* interface 2: streaming, 1 endpoint, EF/05/02, iInterface 10 */
    0x09, 0x04, 0x02, 0x00, 0x01, 0xEF, 0x05, 0x02, 0x0A,
    0x07, 0x05, 0x83, 0x02, 0x00, 0x04, 0x00,
    0x06, 0x30, 0x0F, 0x00, 0x00, 0x00, /* bMaxBurst 15 */
};

static void superspeed_configuration(void **state)
{
    (void)state;
    tc_u3v_desc_spec s = spec();
    tc_u3v_descriptors d;
    assert_int_equal(tc_u3v_desc_build(&s, &d), 0);
    assert_int_equal(d.config_len, sizeof(ss_config));
    assert_memory_equal(d.config, ss_config, sizeof(ss_config));
}

/* Walk the configuration the way libusb splits it into interfaces, extras
 * and endpoints, and check the rules Aravis and the kernel depend on. */
static void configuration_structure(void **state)
{
    (void)state;
    tc_u3v_desc_spec s = spec();
    tc_u3v_descriptors d;
    assert_int_equal(tc_u3v_desc_build(&s, &d), 0);
    const uint8_t *c = d.config;
    size_t total = (size_t)(c[2] | c[3] << 8);
    assert_int_equal(total, d.config_len);
    size_t pos = 0;
    int interfaces = 0, endpoints = 0, companions = 0;
    int control_if_at = -1, info_at = -1;
    while (pos < total) {
        assert_true(c[pos] >= 2 && pos + c[pos] <= total);
        if (c[pos + 1] == TC_USB_DT_INTERFACE) {
            interfaces++;
            if (c[pos + 5] == 0xEF && c[pos + 6] == 0x05 && c[pos + 7] == 0x00)
                control_if_at = (int)pos;
        }
        if (c[pos + 1] == TC_U3V_DT_CS_INTERFACE)
            info_at = (int)pos;
        if (c[pos + 1] == TC_USB_DT_ENDPOINT) {
            endpoints++;
            /* every endpoint is followed by its SuperSpeed companion */
            size_t next = pos + c[pos];
            assert_true(next < total);
            assert_int_equal(c[next + 1], TC_USB_DT_SS_EP_COMPANION);
            assert_int_equal(c[pos + 4] | c[pos + 5] << 8, 1024);
        }
        if (c[pos + 1] == TC_USB_DT_SS_EP_COMPANION)
            companions++;
        pos += c[pos];
    }
    assert_int_equal(pos, total);
    assert_int_equal(interfaces, 3);
    assert_int_equal(c[4], 3);
    assert_int_equal(endpoints, 4);
    assert_int_equal(companions, 4);
    /* The Device Info descriptor directly after the control interface: it is
     * that interface's libusb "extra", and byte 11 of it is the GUID index. */
    assert_true(control_if_at >= 0);
    assert_int_equal(info_at, control_if_at + 9);
    const uint8_t *extra = c + info_at;
    assert_int_equal(extra[0], TC_U3V_DEVICE_INFO_LEN);
    assert_int_equal(extra[2], TC_U3V_DT_DEVICE_INFO);
    assert_int_equal(extra[11], TC_U3V_STR_GUID);
    uint8_t str[64];
    int n = tc_u3v_desc_string(&d, extra[11], str, sizeof(str));
    /* "1D6B0104A001" in UTF-16LE */
    static const uint8_t guid[] = { 0x1A, 0x03, '1', 0, 'D', 0, '6', 0, 'B', 0, '0', 0, '1', 0,
                                    '0', 0, '4', 0, 'A', 0, '0', 0, '0', 0, '1', 0 };
    assert_int_equal(n, sizeof(guid));
    assert_memory_equal(str, guid, sizeof(guid));
    /* Control OUT and IN share endpoint number 1 (Aravis uses the first
     * endpoint's number for both directions). */
    assert_int_equal(c[info_at + 20 + 2], 0x01);
    assert_int_equal(c[info_at + 20 + 13 + 2], 0x81);
}

static void bos_descriptor(void **state)
{
    (void)state;
    static const uint8_t want[22] = {
        0x05, 0x0F, 0x16, 0x00, 0x02,                         /* BOS, 22 bytes, 2 caps */
        0x07, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00,             /* USB 2.0 extension */
        0x0A, 0x10, 0x03, 0x00, 0x0E, 0x00, 0x02, 0x0A, 0xFF, 0x07, /* SuperSpeed */
    };
    tc_u3v_desc_spec s = spec();
    tc_u3v_descriptors d;
    assert_int_equal(tc_u3v_desc_build(&s, &d), 0);
    assert_int_equal(d.bos_len, sizeof(want));
    assert_memory_equal(d.bos, want, sizeof(want));
}

static void strings(void **state)
{
    (void)state;
    tc_u3v_desc_spec s = spec();
    tc_u3v_descriptors d;
    assert_int_equal(tc_u3v_desc_build(&s, &d), 0);
    uint8_t out[256];
    static const uint8_t langid[] = { 0x04, 0x03, 0x09, 0x04 };
    assert_int_equal(tc_u3v_desc_string(&d, 0, out, sizeof(out)), 4);
    assert_memory_equal(out, langid, 4);
    static const uint8_t manu[] = { 0x10, 0x03, 't', 0, 'w', 0, 'i', 0, 'n', 0, 'c', 0, 'a', 0, 'm', 0 };
    assert_int_equal(tc_u3v_desc_string(&d, 1, out, sizeof(out)), sizeof(manu));
    assert_memory_equal(out, manu, sizeof(manu));
    static const uint8_t serial[] = { 0x12, 0x03, 'T', 0, 'C', 0, '0', 0, '0', 0, '0', 0, '0', 0,
                                      '0', 0, '1', 0 };
    assert_int_equal(tc_u3v_desc_string(&d, 3, out, sizeof(out)), sizeof(serial));
    assert_memory_equal(out, serial, sizeof(serial));
    static const uint8_t ifctl[] = { 0x18, 0x03, 'U', 0, '3', 0, 'V', 0, ' ', 0, 'C', 0, 'o', 0,
                                     'n', 0, 't', 0, 'r', 0, 'o', 0, 'l', 0 };
    assert_int_equal(tc_u3v_desc_string(&d, 8, out, sizeof(out)), sizeof(ifctl));
    assert_memory_equal(out, ifctl, sizeof(ifctl));
    /* A short request gets the start, bLength still the full length. */
    assert_int_equal(tc_u3v_desc_string(&d, 1, out, 2), 2);
    assert_int_equal(out[0], 0x10);
    /* No such strings. */
    assert_int_equal(tc_u3v_desc_string(&d, 11, out, sizeof(out)), -1);
    assert_int_equal(tc_u3v_desc_string(&d, 255, out, sizeof(out)), -1);
    /* Optional strings left out give index 0 in the Device Info. */
    s.family = NULL;
    s.device_version = "";
    assert_int_equal(tc_u3v_desc_build(&s, &d), 0);
    assert_int_equal(d.config[26 + 14], 0);
    assert_int_equal(d.config[26 + 15], 0);
    assert_int_equal(tc_u3v_desc_string(&d, 5, out, sizeof(out)), -1);
    /* Non-ASCII bytes become '?'; long strings are cut to 63 characters. */
    char longs[100];
    memset(longs, 'a', sizeof(longs) - 1);
    longs[99] = 0;
    longs[0] = (char)0xC3;
    s.product = longs;
    assert_int_equal(tc_u3v_desc_build(&s, &d), 0);
    assert_int_equal(tc_u3v_desc_string(&d, 2, out, sizeof(out)), 2 + 2 * 63);
    assert_int_equal(out[0], 128);
    assert_int_equal(out[2], '?');
    assert_int_equal(out[3], 0);
}

static void get_descriptor_requests(void **state)
{
    (void)state;
    tc_u3v_desc_spec s = spec();
    tc_u3v_descriptors d;
    assert_int_equal(tc_u3v_desc_build(&s, &d), 0);
    uint8_t out[512];
    /* The enumeration sequence: device 8 then 18, BOS 5 then all, config 9
     * then all, strings. */
    assert_int_equal(tc_u3v_desc_get(&d, 0x0100, out, 8), 8);
    assert_int_equal(out[7], 9);
    assert_int_equal(tc_u3v_desc_get(&d, 0x0100, out, 18), 18);
    assert_int_equal(tc_u3v_desc_get(&d, 0x0F00, out, 5), 5);
    assert_int_equal(out[2], 22);
    assert_int_equal(tc_u3v_desc_get(&d, 0x0F00, out, 255), 22);
    assert_int_equal(tc_u3v_desc_get(&d, 0x0200, out, 9), 9);
    assert_int_equal(tc_u3v_desc_get(&d, 0x0200, out, sizeof(out)), 116);
    assert_memory_equal(out, ss_config, 116);
    assert_int_equal(tc_u3v_desc_get(&d, 0x0300, out, 255), 4);
    assert_int_equal(tc_u3v_desc_get(&d, 0x0304, out, 255), 26);
    /* Stalled: other configurations, device qualifier, unknown types. */
    assert_int_equal(tc_u3v_desc_get(&d, 0x0201, out, 255), -1);
    assert_int_equal(tc_u3v_desc_get(&d, 0x0600, out, 255), -1);
    assert_int_equal(tc_u3v_desc_get(&d, 0x2100, out, 255), -1);
    assert_int_equal(tc_u3v_desc_get(&d, 0x0100, NULL, 0), 0);
}

static void high_speed_variant(void **state)
{
    (void)state;
    tc_u3v_desc_spec s = spec();
    s.speed = TC_USB_SPEED_HIGH;
    s.max_power_ma = 400;
    tc_u3v_descriptors d;
    assert_int_equal(tc_u3v_desc_build(&s, &d), 0);
    assert_int_equal(d.device[2], 0x10); /* bcdUSB 2.10 */
    assert_int_equal(d.device[3], 0x02);
    assert_int_equal(d.device[7], 64);
    assert_int_equal(d.config_len, 92);
    assert_int_equal(d.config[2], 92);
    assert_int_equal(d.config[8], 200); /* 400 mA in 2 mA units */
    /* first endpoint after the Device Info: 512-byte bulk, no companion */
    static const uint8_t ep[] = { 0x07, 0x05, 0x01, 0x02, 0x00, 0x02, 0x00,
                                  0x07, 0x05, 0x81, 0x02, 0x00, 0x02, 0x00 };
    assert_memory_equal(d.config + 46, ep, sizeof(ep));
}

static void bad_specs(void **state)
{
    (void)state;
    tc_u3v_descriptors d;
    tc_u3v_desc_spec s = spec();
    s.guid = NULL;
    assert_int_equal(tc_u3v_desc_build(&s, &d), TC_EINVAL);
    s = spec();
    s.serial = "";
    assert_int_equal(tc_u3v_desc_build(&s, &d), TC_EINVAL);
    s = spec();
    s.stream_max_burst = 16;
    assert_int_equal(tc_u3v_desc_build(&s, &d), TC_EINVAL);
    assert_int_equal(tc_u3v_desc_build(NULL, &d), TC_EINVAL);
}

static void guid_from_serial(void **state)
{
    (void)state;
    char a[13], b[13];
    tc_u3v_guid_from(0x1D6B, "TC000001", a);
    tc_u3v_guid_from(0x1D6B, "TC000002", b);
    assert_int_equal(strlen(a), 12);
    assert_memory_equal(a, "1D6B", 4);
    assert_string_not_equal(a, b);
    tc_u3v_guid_from(0x1D6B, "TC000001", b);
    assert_string_equal(a, b);
    /* FNV-1a of the empty string is 0x811C9DC5. */
    tc_u3v_guid_from(0xABCD, NULL, a);
    assert_string_equal(a, "ABCD811C9DC5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(device_descriptor),
        cmocka_unit_test(superspeed_configuration),
        cmocka_unit_test(configuration_structure),
        cmocka_unit_test(bos_descriptor),
        cmocka_unit_test(strings),
        cmocka_unit_test(get_descriptor_requests),
        cmocka_unit_test(high_speed_variant),
        cmocka_unit_test(bad_specs),
        cmocka_unit_test(guid_from_serial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
