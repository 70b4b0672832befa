/* USB/IP message codec (usbip_proto.h). Layouts: the kernel's
 * Documentation/usb/usbip_protocol.rst (struct usbip_header_basic,
 * usbip_header_cmd_submit, ...) and tools/usb/usbip/src/usbip_network.h
 * (op_common, usbip_usb_device, usbip_usb_interface). */
#include "usbip/usbip_proto.h"

#include <stdbool.h>
#include <string.h>

#include "util/endian.h"

int tc_usbip_parse_op_req(const uint8_t *buf, size_t len, tc_usbip_op_req *req)
{
    if (len < TC_USBIP_OP_HEADER_LEN)
        return TC_USBIP_NEED_MORE;
    memset(req, 0, sizeof(*req));
    req->version = tc_load_be16(buf);
    req->code = tc_load_be16(buf + 2);
    req->status = tc_load_be32(buf + 4);
    if (req->code == TC_USBIP_OP_REQ_DEVLIST)
        return (int)TC_USBIP_OP_HEADER_LEN;
    if (req->code != TC_USBIP_OP_REQ_IMPORT)
        return TC_USBIP_MALFORMED;
    if (len < TC_USBIP_OP_HEADER_LEN + TC_USBIP_BUSID_LEN)
        return TC_USBIP_NEED_MORE;
    const uint8_t *b = buf + TC_USBIP_OP_HEADER_LEN;
    /* The tool sends a NUL-padded string; one filling all 32 bytes is not
     * a busid it could have written. */
    if (!memchr(b, 0, TC_USBIP_BUSID_LEN))
        return TC_USBIP_MALFORMED;
    memcpy(req->busid, b, TC_USBIP_BUSID_LEN);
    return (int)(TC_USBIP_OP_HEADER_LEN + TC_USBIP_BUSID_LEN);
}

static void put_op_header(uint8_t *p, uint16_t code, uint32_t status)
{
    tc_store_be16(p, TC_USBIP_VERSION);
    tc_store_be16(p + 2, code);
    tc_store_be32(p + 4, status);
}

/* A NUL-padded fixed field; the string is cut so one NUL always remains. */
static void put_padded(uint8_t *p, size_t width, const char *s)
{
    memset(p, 0, width);
    size_t n = s ? strnlen(s, width - 1) : 0;
    if (n)
        memcpy(p, s, n);
}

static void put_device(uint8_t *p, const tc_usbip_device *d)
{
    put_padded(p, TC_USBIP_PATH_LEN, d->path);
    p += TC_USBIP_PATH_LEN;
    put_padded(p, TC_USBIP_BUSID_LEN, d->busid);
    p += TC_USBIP_BUSID_LEN;
    tc_store_be32(p, d->busnum);
    tc_store_be32(p + 4, d->devnum);
    tc_store_be32(p + 8, d->speed);
    tc_store_be16(p + 12, d->id_vendor);
    tc_store_be16(p + 14, d->id_product);
    tc_store_be16(p + 16, d->bcd_device);
    p[18] = d->device_class;
    p[19] = d->device_subclass;
    p[20] = d->device_protocol;
    p[21] = d->configuration_value;
    p[22] = d->num_configurations;
    p[23] = d->num_interfaces;
}

size_t tc_usbip_build_rep_devlist(uint8_t *out, size_t cap, const tc_usbip_device *devs,
                                  unsigned n)
{
    size_t total = TC_USBIP_OP_HEADER_LEN + 4;
    if (!out || (n && !devs))
        return 0;
    for (unsigned i = 0; i < n; i++) {
        if (devs[i].num_interfaces > TC_USBIP_MAX_INTERFACES ||
            (devs[i].num_interfaces && !devs[i].interfaces))
            return 0;
        total += TC_USBIP_DEVICE_LEN + (size_t)devs[i].num_interfaces * TC_USBIP_INTERFACE_LEN;
    }
    if (cap < total)
        return 0;
    put_op_header(out, TC_USBIP_OP_REP_DEVLIST, 0);
    tc_store_be32(out + TC_USBIP_OP_HEADER_LEN, n);
    uint8_t *p = out + TC_USBIP_OP_HEADER_LEN + 4;
    for (unsigned i = 0; i < n; i++) {
        put_device(p, &devs[i]);
        p += TC_USBIP_DEVICE_LEN;
        for (unsigned j = 0; j < devs[i].num_interfaces; j++) {
            p[0] = devs[i].interfaces[j].class_;
            p[1] = devs[i].interfaces[j].subclass;
            p[2] = devs[i].interfaces[j].protocol;
            p[3] = 0; /* padding */
            p += TC_USBIP_INTERFACE_LEN;
        }
    }
    return total;
}

size_t tc_usbip_build_rep_import(uint8_t *out, size_t cap, uint32_t status,
                                 const tc_usbip_device *dev)
{
    size_t total = TC_USBIP_OP_HEADER_LEN + (status == 0 ? TC_USBIP_DEVICE_LEN : 0);
    if (!out || cap < total || (status == 0 && !dev))
        return 0;
    put_op_header(out, TC_USBIP_OP_REP_IMPORT, status);
    if (status == 0)
        put_device(out + TC_USBIP_OP_HEADER_LEN, dev);
    return total;
}

static bool is_iso(uint32_t number_of_packets)
{
    /* vhci sends 0 for bulk/control; the protocol document says
     * 0xFFFFFFFF. Both mean "not isochronous". */
    return number_of_packets != 0 && number_of_packets != 0xFFFFFFFFu;
}

int tc_usbip_parse_cmd_header(const uint8_t *buf, size_t len, tc_usbip_cmd *cmd)
{
    if (len < 4)
        return TC_USBIP_NEED_MORE;
    uint32_t command = tc_load_be32(buf);
    /* Judge the command as soon as it is there: a stream out of step
     * cannot be resynchronised anyway. */
    if (command != TC_USBIP_CMD_SUBMIT && command != TC_USBIP_CMD_UNLINK)
        return TC_USBIP_MALFORMED;
    if (len < TC_USBIP_HEADER_LEN)
        return TC_USBIP_NEED_MORE;
    memset(cmd, 0, sizeof(*cmd));
    cmd->command = command;
    cmd->seqnum = tc_load_be32(buf + 4);
    cmd->devid = tc_load_be32(buf + 8);
    cmd->direction = tc_load_be32(buf + 12);
    cmd->ep = tc_load_be32(buf + 16);
    if (cmd->direction > TC_USBIP_DIR_IN || cmd->ep > 15)
        return TC_USBIP_MALFORMED;
    if (command == TC_USBIP_CMD_UNLINK) {
        cmd->unlink_seqnum = tc_load_be32(buf + 20);
        /* buf[24..47] is padding. */
        return (int)TC_USBIP_HEADER_LEN;
    }
    cmd->transfer_flags = tc_load_be32(buf + 20);
    cmd->transfer_buffer_length = tc_load_be32(buf + 24);
    cmd->start_frame = (int32_t)tc_load_be32(buf + 28);
    cmd->number_of_packets = tc_load_be32(buf + 32);
    cmd->interval = (int32_t)tc_load_be32(buf + 36);
    memcpy(cmd->setup, buf + 40, sizeof(cmd->setup));
    /* The field is signed in the kernel: a "negative" length is hostile too. */
    if (cmd->transfer_buffer_length > TC_USBIP_MAX_TRANSFER)
        return TC_USBIP_MALFORMED;
    if (is_iso(cmd->number_of_packets) && cmd->number_of_packets > TC_USBIP_MAX_ISO_PACKETS)
        return TC_USBIP_MALFORMED;
    if (cmd->direction == TC_USBIP_DIR_OUT)
        cmd->data_len = cmd->transfer_buffer_length;
    if (is_iso(cmd->number_of_packets))
        cmd->iso_len = (size_t)cmd->number_of_packets * TC_USBIP_ISO_DESC_LEN;
    cmd->payload_len = cmd->data_len + cmd->iso_len;
    return (int)TC_USBIP_HEADER_LEN;
}

int tc_usbip_parse_cmd(const uint8_t *buf, size_t len, tc_usbip_cmd *cmd)
{
    int rc = tc_usbip_parse_cmd_header(buf, len, cmd);
    if (rc < 0)
        return rc;
    /* payload_len <= 64 MiB + 16 KiB: the sum fits an int. */
    size_t total = TC_USBIP_HEADER_LEN + cmd->payload_len;
    if (len < total)
        return TC_USBIP_NEED_MORE;
    const uint8_t *p = buf + TC_USBIP_HEADER_LEN;
    cmd->data = cmd->data_len ? p : NULL;
    cmd->iso = cmd->iso_len ? p + cmd->data_len : NULL;
    return (int)total;
}

static void put_basic(uint8_t *p, uint32_t command, uint32_t seqnum)
{
    /* Replies carry devid, direction and ep as 0, as the kernel's stub does. */
    memset(p, 0, TC_USBIP_HEADER_LEN);
    tc_store_be32(p, command);
    tc_store_be32(p + 4, seqnum);
}

size_t tc_usbip_build_ret_submit(uint8_t *out, size_t cap, const tc_usbip_cmd *req,
                                 int32_t status, uint32_t *actual_length)
{
    if (!out || !req || !actual_length || cap < TC_USBIP_HEADER_LEN)
        return 0;
    if (*actual_length > req->transfer_buffer_length)
        *actual_length = req->transfer_buffer_length;
    put_basic(out, TC_USBIP_RET_SUBMIT, req->seqnum);
    tc_store_be32(out + 20, (uint32_t)status);
    tc_store_be32(out + 24, *actual_length);
    tc_store_be32(out + 28, is_iso(req->number_of_packets) ? (uint32_t)req->start_frame : 0);
    tc_store_be32(out + 32, req->number_of_packets);
    tc_store_be32(out + 36, 0); /* error_count */
    /* out[40..47] padding, zero */
    return TC_USBIP_HEADER_LEN;
}

size_t tc_usbip_build_ret_unlink(uint8_t *out, size_t cap, const tc_usbip_cmd *req,
                                 int32_t status)
{
    if (!out || !req || cap < TC_USBIP_HEADER_LEN)
        return 0;
    put_basic(out, TC_USBIP_RET_UNLINK, req->seqnum);
    tc_store_be32(out + 20, (uint32_t)status);
    return TC_USBIP_HEADER_LEN;
}
