/* USB/IP codec against bytes typed from the kernel's
 * Documentation/usb/usbip_protocol.rst and tools/usb/usbip (all header fields
 * big-endian, setup packet raw): OP_REQ/REP_DEVLIST, OP_REQ/REP_IMPORT,
 * CMD_SUBMIT parsing (control and bulk, OUT data, ISO descriptors, truncated
 * and hostile inputs), RET_SUBMIT (actual_length clamp), CMD_UNLINK and
 * RET_UNLINK. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guard.h"
#include "usbip/usbip_proto.h"

static const tc_usbip_interface u3v_ifs[3] = {
    { 0xEF, 0x05, 0x00 }, { 0xEF, 0x05, 0x01 }, { 0xEF, 0x05, 0x02 },
};

static tc_usbip_device device(void)
{
    tc_usbip_device d = {
        .path = "/sys/devices/platform/twincam/usb1/1-1", .busid = "1-1",
        .busnum = 1, .devnum = 2, .speed = TC_USBIP_SPEED_SUPER,
        .id_vendor = 0x1D6B, .id_product = 0x0104, .bcd_device = 0x0320,
        .device_class = 0xEF, .device_subclass = 0x02, .device_protocol = 0x01,
        .configuration_value = 1, .num_configurations = 1, .num_interfaces = 3,
        .interfaces = u3v_ifs,
    };
    return d;
}

/* The 312-byte device record for device(), typed field by field. */
static void expected_record(uint8_t *r)
{
    memset(r, 0, 312);
    memcpy(r, "/sys/devices/platform/twincam/usb1/1-1", 38); /* path[256] */
    memcpy(r + 256, "1-1", 3);                               /* busid[32] */
    static const uint8_t tail[] = {
        0x00, 0x00, 0x00, 0x01, /* busnum */
        0x00, 0x00, 0x00, 0x02, /* devnum */
        0x00, 0x00, 0x00, 0x05, /* speed: super */
        0x1D, 0x6B,             /* idVendor */
        0x01, 0x04,             /* idProduct */
        0x03, 0x20,             /* bcdDevice */
        0xEF, 0x02, 0x01,       /* class, subclass, protocol */
        0x01, 0x01, 0x03,       /* bConfigurationValue, bNumConfigurations, bNumInterfaces */
    };
    memcpy(r + 288, tail, sizeof(tail));
}

static void op_req_devlist(void **state)
{
    (void)state;
    static const uint8_t v[] = { 0x01, 0x11, 0x80, 0x05, 0x00, 0x00, 0x00, 0x00 };
    tc_usbip_op_req req;
    for (size_t n = 0; n < sizeof(v); n++) {
        guarded g = guard_copy(v, n);
        assert_int_equal(tc_usbip_parse_op_req(g.data, n, &req), TC_USBIP_NEED_MORE);
        guard_free(&g);
    }
    guarded g = guard_copy(v, sizeof(v));
    assert_int_equal(tc_usbip_parse_op_req(g.data, sizeof(v), &req), 8);
    guard_free(&g);
    assert_int_equal(req.version, 0x0111);
    assert_int_equal(req.code, TC_USBIP_OP_REQ_DEVLIST);
    assert_int_equal(req.status, 0);
    /* Version is reported, not judged. */
    static const uint8_t v2[] = { 0x01, 0x06, 0x80, 0x05, 0x00, 0x00, 0x00, 0x00 };
    assert_int_equal(tc_usbip_parse_op_req(v2, sizeof(v2), &req), 8);
    assert_int_equal(req.version, 0x0106);
    /* Unknown code. */
    static const uint8_t v3[] = { 0x01, 0x11, 0x80, 0x04, 0x00, 0x00, 0x00, 0x00 };
    assert_int_equal(tc_usbip_parse_op_req(v3, sizeof(v3), &req), TC_USBIP_MALFORMED);
}

static void op_req_import(void **state)
{
    (void)state;
    uint8_t v[40] = { 0x01, 0x11, 0x80, 0x03, 0x00, 0x00, 0x00, 0x00, '1', '-', '1' };
    tc_usbip_op_req req;
    for (size_t n = 0; n < sizeof(v); n++) {
        guarded g = guard_copy(v, n);
        assert_int_equal(tc_usbip_parse_op_req(g.data, n, &req), TC_USBIP_NEED_MORE);
        guard_free(&g);
    }
    guarded g = guard_copy(v, sizeof(v));
    assert_int_equal(tc_usbip_parse_op_req(g.data, sizeof(v), &req), 40);
    guard_free(&g);
    assert_int_equal(req.code, TC_USBIP_OP_REQ_IMPORT);
    assert_string_equal(req.busid, "1-1");
    /* A busid with no NUL in its 32 bytes. */
    memset(v + 8, 'x', 32);
    assert_int_equal(tc_usbip_parse_op_req(v, sizeof(v), &req), TC_USBIP_MALFORMED);
    /* 31 characters and a NUL is the longest valid one. */
    v[39] = 0;
    assert_int_equal(tc_usbip_parse_op_req(v, sizeof(v), &req), 40);
    assert_int_equal(strlen(req.busid), 31);
}

static void op_rep_devlist(void **state)
{
    (void)state;
    uint8_t want[336];
    static const uint8_t head[] = {
        0x01, 0x11, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, /* version, OP_REP_DEVLIST, status 0 */
        0x00, 0x00, 0x00, 0x01,                         /* one device */
    };
    memcpy(want, head, sizeof(head));
    expected_record(want + 12);
    static const uint8_t ifs[] = { 0xEF, 0x05, 0x00, 0x00, 0xEF, 0x05, 0x01, 0x00,
                                   0xEF, 0x05, 0x02, 0x00 };
    memcpy(want + 324, ifs, sizeof(ifs));
    tc_usbip_device d = device();
    uint8_t out[400];
    assert_int_equal(tc_usbip_build_rep_devlist(out, sizeof(out), &d, 1), sizeof(want));
    assert_memory_equal(out, want, sizeof(want));
    assert_int_equal(tc_usbip_build_rep_devlist(out, 335, &d, 1), 0);
    /* No devices: header and a zero count. */
    static const uint8_t empty[] = { 0x01, 0x11, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0, 0 };
    assert_int_equal(tc_usbip_build_rep_devlist(out, sizeof(out), NULL, 0), sizeof(empty));
    assert_memory_equal(out, empty, sizeof(empty));
    /* Interfaces announced but missing. */
    d.interfaces = NULL;
    assert_int_equal(tc_usbip_build_rep_devlist(out, sizeof(out), &d, 1), 0);
}

static void op_rep_import(void **state)
{
    (void)state;
    uint8_t want[320];
    static const uint8_t head[] = { 0x01, 0x11, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00 };
    memcpy(want, head, sizeof(head));
    expected_record(want + 8); /* no interface entries in IMPORT */
    tc_usbip_device d = device();
    uint8_t out[400];
    assert_int_equal(tc_usbip_build_rep_import(out, sizeof(out), 0, &d), sizeof(want));
    assert_memory_equal(out, want, sizeof(want));
    /* Refused import: status 1 and nothing else. */
    static const uint8_t refused[] = { 0x01, 0x11, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01 };
    assert_int_equal(tc_usbip_build_rep_import(out, sizeof(out), 1, NULL), sizeof(refused));
    assert_memory_equal(out, refused, sizeof(refused));
    assert_int_equal(tc_usbip_build_rep_import(out, 319, 0, &d), 0);
    /* A busid longer than the field is cut, keeping the NUL. */
    d.busid = "0123456789012345678901234567890123456789";
    assert_int_equal(tc_usbip_build_rep_import(out, sizeof(out), 0, &d), 320);
    assert_int_equal(out[8 + 256 + 30], '0');
    assert_int_equal(out[8 + 256 + 31], 0);
}

/* GET_DESCRIPTOR(device, 18) on ep0, as vhci sends it. */
static const uint8_t submit_get_device[48] = {
    0x00, 0x00, 0x00, 0x01, /* CMD_SUBMIT */
    0x00, 0x00, 0x00, 0x05, /* seqnum */
    0x00, 0x01, 0x00, 0x02, /* devid: bus 1, dev 2 */
    0x00, 0x00, 0x00, 0x01, /* direction: in */
    0x00, 0x00, 0x00, 0x00, /* ep 0 */
    0x00, 0x00, 0x02, 0x00, /* transfer_flags: URB_DIR_IN */
    0x00, 0x00, 0x00, 0x12, /* transfer_buffer_length 18 */
    0x00, 0x00, 0x00, 0x00, /* start_frame */
    0x00, 0x00, 0x00, 0x00, /* number_of_packets (vhci: 0) */
    0x00, 0x00, 0x00, 0x00, /* interval */
    0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00, /* setup, raw little-endian */
};

static void cmd_submit_control_in(void **state)
{
    (void)state;
    tc_usbip_cmd c;
    for (size_t n = 0; n < sizeof(submit_get_device); n++) {
        guarded g = guard_copy(submit_get_device, n);
        assert_int_equal(tc_usbip_parse_cmd(g.data, n, &c), TC_USBIP_NEED_MORE);
        guard_free(&g);
    }
    guarded g = guard_copy(submit_get_device, sizeof(submit_get_device));
    assert_int_equal(tc_usbip_parse_cmd(g.data, 48, &c), 48);
    guard_free(&g);
    assert_int_equal(c.command, TC_USBIP_CMD_SUBMIT);
    assert_int_equal(c.seqnum, 5);
    assert_int_equal(c.devid, 0x00010002);
    assert_int_equal(c.direction, TC_USBIP_DIR_IN);
    assert_int_equal(c.ep, 0);
    assert_int_equal(c.transfer_flags, 0x200);
    assert_int_equal(c.transfer_buffer_length, 18);
    assert_int_equal(c.number_of_packets, 0);
    static const uint8_t setup[8] = { 0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00 };
    assert_memory_equal(c.setup, setup, 8);
    assert_int_equal(c.payload_len, 0); /* IN: no data follows */
    assert_null(c.data);
}

static void cmd_submit_bulk_out(void **state)
{
    (void)state;
    /* A U3V READMEM command (24 bytes) to bulk OUT endpoint 1. */
    uint8_t v[48 + 24 + 3] = {
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x00, /* direction: out */
        0x00, 0x00, 0x00, 0x01, /* ep 1 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, /* 24 bytes */
        0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, /* number_of_packets: doc's "none" */
        0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
        0x55, 0x33, 0x56, 0x43, 0x00, 0x40, 0x00, 0x08, 0x0C, 0x00, 0x01, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00,
        0xAA, 0xBB, 0xCC, /* the next command's first bytes */
    };
    tc_usbip_cmd c;
    assert_int_equal(tc_usbip_parse_cmd_header(v, 48, &c), 48);
    assert_int_equal(c.payload_len, 24);
    for (size_t n = 48; n < 72; n++) {
        guarded g = guard_copy(v, n);
        assert_int_equal(tc_usbip_parse_cmd(g.data, n, &c), TC_USBIP_NEED_MORE);
        guard_free(&g);
    }
    assert_int_equal(tc_usbip_parse_cmd(v, sizeof(v), &c), 72);
    assert_int_equal(c.seqnum, 0x100);
    assert_int_equal(c.ep, 1);
    assert_int_equal(c.direction, TC_USBIP_DIR_OUT);
    assert_int_equal(c.data_len, 24);
    assert_ptr_equal(c.data, v + 48);
    assert_null(c.iso);
}

static void cmd_submit_iso_and_hostile(void **state)
{
    (void)state;
    uint8_t v[48 + 2 * 16];
    memcpy(v, submit_get_device, 48);
    v[19] = 3;                 /* ep 3, IN */
    v[35] = 2;                 /* two ISO packets: descriptors follow */
    memset(v + 48, 0x11, 32);
    tc_usbip_cmd c;
    assert_int_equal(tc_usbip_parse_cmd(v, 48 + 31, &c), TC_USBIP_NEED_MORE);
    assert_int_equal(tc_usbip_parse_cmd(v, sizeof(v), &c), 80);
    assert_int_equal(c.iso_len, 32);
    assert_ptr_equal(c.iso, v + 48);

    uint8_t h[48];
    /* Unknown command: judged from its first 4 bytes. */
    memcpy(h, submit_get_device, 48);
    h[3] = 3; /* RET_SUBMIT is not something a host sends */
    assert_int_equal(tc_usbip_parse_cmd(h, 4, &c), TC_USBIP_MALFORMED);
    assert_int_equal(tc_usbip_parse_cmd(h, 3, &c), TC_USBIP_NEED_MORE);
    /* Direction 2, endpoint 16. */
    memcpy(h, submit_get_device, 48);
    h[15] = 2;
    assert_int_equal(tc_usbip_parse_cmd(h, 48, &c), TC_USBIP_MALFORMED);
    memcpy(h, submit_get_device, 48);
    h[19] = 16;
    assert_int_equal(tc_usbip_parse_cmd(h, 48, &c), TC_USBIP_MALFORMED);
    /* A "negative" length and one past 64 MiB. */
    memcpy(h, submit_get_device, 48);
    h[24] = 0xFF;
    assert_int_equal(tc_usbip_parse_cmd(h, 48, &c), TC_USBIP_MALFORMED);
    h[24] = 0x04;
    h[25] = 0x00;
    h[26] = 0x00;
    h[27] = 0x01;
    assert_int_equal(tc_usbip_parse_cmd(h, 48, &c), TC_USBIP_MALFORMED);
    /* Exactly 64 MiB OUT is accepted (needs the data). */
    h[27] = 0x00;
    h[15] = 0;
    assert_int_equal(tc_usbip_parse_cmd(h, 48, &c), TC_USBIP_NEED_MORE);
    assert_int_equal(c.payload_len, 64u << 20);
    /* Too many ISO packets. */
    memcpy(h, submit_get_device, 48);
    h[34] = 0x04;
    h[35] = 0x01; /* 1025 */
    assert_int_equal(tc_usbip_parse_cmd(h, 48, &c), TC_USBIP_MALFORMED);
}

static void ret_submit(void **state)
{
    (void)state;
    tc_usbip_cmd c;
    assert_int_equal(tc_usbip_parse_cmd(submit_get_device, 48, &c), 48);
    static const uint8_t want[48] = {
        0x00, 0x00, 0x00, 0x03, /* RET_SUBMIT */
        0x00, 0x00, 0x00, 0x05, /* seqnum echoed */
        0x00, 0x00, 0x00, 0x00, /* devid 0 */
        0x00, 0x00, 0x00, 0x00, /* direction 0 */
        0x00, 0x00, 0x00, 0x00, /* ep 0 */
        0x00, 0x00, 0x00, 0x00, /* status 0 */
        0x00, 0x00, 0x00, 0x12, /* actual_length 18 */
        0x00, 0x00, 0x00, 0x00, /* start_frame */
        0x00, 0x00, 0x00, 0x00, /* number_of_packets echoed */
        0x00, 0x00, 0x00, 0x00, /* error_count */
        0, 0, 0, 0, 0, 0, 0, 0, /* padding */
    };
    uint8_t out[48];
    uint32_t actual = 116; /* more than asked for: clamped to 18 */
    assert_int_equal(tc_usbip_build_ret_submit(out, sizeof(out), &c, 0, &actual), 48);
    assert_int_equal(actual, 18);
    assert_memory_equal(out, want, sizeof(want));
    /* A stall: status -32, nothing transferred. */
    actual = 0;
    assert_int_equal(tc_usbip_build_ret_submit(out, sizeof(out), &c, TC_USBIP_ST_EPIPE, &actual),
                     48);
    static const uint8_t stall[8] = { 0xFF, 0xFF, 0xFF, 0xE0, 0x00, 0x00, 0x00, 0x00 };
    assert_memory_equal(out + 20, stall, 8);
    /* number_of_packets is echoed as received (0xFFFFFFFF here). */
    uint8_t v[48];
    memcpy(v, submit_get_device, 48);
    memset(v + 32, 0xFF, 4);
    assert_int_equal(tc_usbip_parse_cmd(v, 48, &c), 48);
    actual = 4;
    assert_int_equal(tc_usbip_build_ret_submit(out, sizeof(out), &c, 0, &actual), 48);
    static const uint8_t npk[4] = { 0xFF, 0xFF, 0xFF, 0xFF };
    assert_memory_equal(out + 32, npk, 4);
    assert_int_equal(tc_usbip_build_ret_submit(out, 47, &c, 0, &actual), 0);
}

static void unlink_and_ret_unlink(void **state)
{
    (void)state;
    static const uint8_t v[48] = {
        0x00, 0x00, 0x00, 0x02, /* CMD_UNLINK */
        0x00, 0x00, 0x00, 0x09, /* its own seqnum */
        0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x07, /* victim seqnum */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    };
    tc_usbip_cmd c;
    for (size_t n = 0; n < sizeof(v); n++) {
        guarded g = guard_copy(v, n);
        assert_int_equal(tc_usbip_parse_cmd(g.data, n, &c), TC_USBIP_NEED_MORE);
        guard_free(&g);
    }
    assert_int_equal(tc_usbip_parse_cmd(v, sizeof(v), &c), 48);
    assert_int_equal(c.command, TC_USBIP_CMD_UNLINK);
    assert_int_equal(c.seqnum, 9);
    assert_int_equal(c.unlink_seqnum, 7);
    assert_int_equal(c.payload_len, 0);
    /* Victim still pending: -ECONNRESET. */
    static const uint8_t pending[48] = {
        0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0xFF, 0xFF, 0xFF, 0x98, /* -104 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    };
    uint8_t out[48];
    assert_int_equal(tc_usbip_build_ret_unlink(out, sizeof(out), &c, TC_USBIP_ST_ECONNRESET), 48);
    assert_memory_equal(out, pending, sizeof(pending));
    /* Already answered: 0. */
    assert_int_equal(tc_usbip_build_ret_unlink(out, sizeof(out), &c, 0), 48);
    assert_int_equal(out[20] | out[21] | out[22] | out[23], 0);
    assert_int_equal(tc_usbip_build_ret_unlink(out, 47, &c, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(op_req_devlist),
        cmocka_unit_test(op_req_import),
        cmocka_unit_test(op_rep_devlist),
        cmocka_unit_test(op_rep_import),
        cmocka_unit_test(cmd_submit_control_in),
        cmocka_unit_test(cmd_submit_bulk_out),
        cmocka_unit_test(cmd_submit_iso_and_hostile),
        cmocka_unit_test(ret_submit),
        cmocka_unit_test(unlink_and_ret_unlink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
