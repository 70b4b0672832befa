/* libFuzzer harness: a hostile USB/IP client. The input is one TCP stream as
 * a server reads it: an operation request, then (after an import) URB
 * commands back to back. Each parse runs on an exact-size heap copy so ASan
 * sees any read past the end.
 *
 * Checks beyond "no crash, no UB": parsers never consume more than they were
 * given, a header parse and a whole parse agree, OUT data and ISO slices lie
 * inside the input, RET_SUBMIT never reports more than the request's
 * transfer_buffer_length, and replies echo the seqnum; the replies to the
 * operation echo the requested busid. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usbip/usbip_proto.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *copy(const uint8_t *data, size_t len)
{
    uint8_t *b = malloc(len ? len : 1);
    if (!b)
        abort();
    if (len)
        memcpy(b, data, len);
    return b;
}

static void check_op(const uint8_t *data, size_t size, size_t *pos)
{
    uint8_t *b = copy(data, size);
    tc_usbip_op_req req;
    int rc = tc_usbip_parse_op_req(b, size, &req);
    if (rc > (int)size || (rc < 0 && rc != TC_USBIP_NEED_MORE && rc != TC_USBIP_MALFORMED))
        abort();
    if (rc > 0) {
        static const tc_usbip_interface ifs[3] = { { 0xEF, 5, 0 }, { 0xEF, 5, 1 }, { 0xEF, 5, 2 } };
        tc_usbip_device d = { .path = "/sys/devices/platform/twincam/usb1/1-1",
                              .busid = req.code == TC_USBIP_OP_REQ_IMPORT ? req.busid : "1-1",
                              .busnum = 1, .devnum = 2, .speed = TC_USBIP_SPEED_SUPER,
                              .num_interfaces = 3, .interfaces = ifs };
        uint8_t out[512];
        size_t n = req.code == TC_USBIP_OP_REQ_IMPORT
                       ? tc_usbip_build_rep_import(out, sizeof(out), 0, &d)
                       : tc_usbip_build_rep_devlist(out, sizeof(out), &d, 1);
        if (n != (req.code == TC_USBIP_OP_REQ_IMPORT ? 320u : 336u))
            abort();
        /* The busid field holds the request's busid, NUL-terminated. */
        size_t at = TC_USBIP_OP_HEADER_LEN + (req.code == TC_USBIP_OP_REQ_IMPORT ? 0 : 4) +
                    TC_USBIP_PATH_LEN;
        if (strncmp((const char *)out + at, d.busid, TC_USBIP_BUSID_LEN) != 0 ||
            out[at + TC_USBIP_BUSID_LEN - 1] != 0)
            abort();
        *pos = (size_t)rc;
    }
    free(b);
}

static int check_cmd(const uint8_t *data, size_t len)
{
    uint8_t *b = copy(data, len);
    tc_usbip_cmd h, c;
    int rh = tc_usbip_parse_cmd_header(b, len, &h);
    int rc = tc_usbip_parse_cmd(b, len, &c);
    if (rc > (int)len || rh > (int)len)
        abort();
    /* A whole parse fails as the header parse does, or waits for the
     * payload the header announced. */
    if (rh < 0 && rc != rh)
        abort();
    if (rh >= 0 && (rh != (int)TC_USBIP_HEADER_LEN || (rc < 0 && rc != TC_USBIP_NEED_MORE)))
        abort();
    if (rc > 0) {
        if ((size_t)rc != TC_USBIP_HEADER_LEN + c.payload_len || c.payload_len != h.payload_len)
            abort();
        if (c.data && (c.data < b + TC_USBIP_HEADER_LEN || c.data + c.data_len > b + rc))
            abort();
        if (c.iso && (c.iso < b + TC_USBIP_HEADER_LEN || c.iso + c.iso_len > b + rc))
            abort();
        uint8_t out[48];
        if (c.command == TC_USBIP_CMD_SUBMIT) {
            /* Claim as much as the fuzzer's bytes say; the builder clamps. */
            uint32_t actual = len >= 4 ? be32(b) ^ c.seqnum : 0;
            if (tc_usbip_build_ret_submit(out, sizeof(out), &c, 0, &actual) != 48)
                abort();
            if (actual > c.transfer_buffer_length || be32(out + 24) != actual)
                abort();
        } else {
            if (tc_usbip_build_ret_unlink(out, sizeof(out), &c, TC_USBIP_ST_ECONNRESET) != 48)
                abort();
        }
        if (be32(out + 4) != c.seqnum || be32(out) != c.command + 2)
            abort();
    }
    free(b);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pos = 0;
    check_op(data, size, &pos);
    /* Then URB traffic, as after an import (also when the op did not
     * parse: the parser must cope with anything). */
    while (pos < size) {
        int rc = check_cmd(data + pos, size - pos);
        if (rc <= 0)
            break;
        pos += (size_t)rc;
    }
    return 0;
}
