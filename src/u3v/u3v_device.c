/* Frame sending and command logging shared by the USB3 Vision ports
 * (u3v_device.h). */
#include "u3v/u3v_device.h"

#include <stdio.h>

#include "u3v/u3v_cp.h"

int tc_u3v_send_frame(const tc_port_frame *f, tc_u3v_stream_plan *plan, tc_u3v_transfer_fn xfer,
                      void *ctx)
{
    uint8_t buf[64];
    tc_u3v_image_info info;
    tc_u3v_image_info_from_frame(f, &info);
    size_t n = tc_u3v_build_leader(buf, sizeof(buf), &info);
    int rc = xfer(ctx, buf, n, plan->max_leader);
    if (rc)
        return rc;
    plan->payload_size = f->size;
    uint64_t k = 0, off;
    uint32_t len;
    while (tc_u3v_plan_next(plan, &k, &off, &len)) {
        /* k has moved past the transfer just planned: k-1 is its index. */
        size_t host_len = k - 1 < plan->transfer_count ? plan->transfer_size
                          : k - 1 == plan->transfer_count ? plan->final1_size
                                                          : plan->final2_size;
        tc_port_pace(f, off + len); /* once its last row has been read out */
        rc = xfer(ctx, f->data + off, len, host_len);
        if (rc)
            return rc;
    }
    n = tc_u3v_build_trailer(buf, sizeof(buf), f->block_id, TC_U3V_SUCCESS, f->size, f->height);
    return xfer(ctx, buf, n, plan->max_trailer);
}

void tc_u3v_describe_command(tc_u3v_bootstrap *bs, const uint8_t *req, size_t req_len,
                             const uint8_t *ack, size_t ack_len, bool stream_before,
                             char *out, size_t cap)
{
    tc_u3v_cp_cmd cmd, a;
    out[0] = 0;
    if (tc_u3v_cp_parse(req, req_len, &cmd) < 0)
        return;
    uint16_t status = ack_len && tc_u3v_cp_parse_header(ack, ack_len, &a) >= 0 ? a.flags : 0;
    bool stream_after = tc_u3v_bootstrap_stream_enabled(bs);
    int w = 0;
    if (cmd.command == TC_U3V_WRITEMEM_CMD) {
        tc_port_reg r;
        const char *name = tc_port_register(cmd.address, &r) == 0 &&
                                   cmd.address >= TC_U3V_FEATURE_SPACE_START &&
                                   cmd.address < TC_U3V_FEATURE_SPACE_END
                               ? r.name
                               : NULL;
        if (status != TC_U3V_SUCCESS)
            w = snprintf(out, cap, "write 0x%06llx%s%s%s refused: %s",
                         (unsigned long long)cmd.address, name ? " (" : "", name ? name : "",
                         name ? ")" : "", tc_u3v_status_name(status));
        else if (name && r.type == TC_FT_COMMAND && !(r.flags & TC_FF_QUIET))
            w = snprintf(out, cap, "%s executed", name);
    } else if (status != TC_U3V_SUCCESS && ack_len) {
        w = snprintf(out, cap, "command 0x%04x at 0x%06llx: %s", cmd.command,
                     (unsigned long long)cmd.address, tc_u3v_status_name(status));
    }
    if (w < 0 || (size_t)w >= cap || stream_before == stream_after)
        return;
    const char *sep = w ? "; " : "";
    tc_u3v_stream_plan p;
    if (stream_after && tc_u3v_bootstrap_stream_plan(bs, &p) == 0)
        snprintf(out + w, cap - (size_t)w,
                 "%sstream enabled: payload %llu B in %u x %u + %u + %u, leader %u, trailer %u", sep,
                 (unsigned long long)p.payload_size, p.transfer_count, p.transfer_size,
                 p.final1_size, p.final2_size, p.max_leader, p.max_trailer);
    else
        snprintf(out + w, cap - (size_t)w, "%sstream %s", sep, stream_after ? "enabled" : "disabled");
}

int tc_u3v_descriptors_for_camera(tc_device *dev, tc_usb_speed speed, tc_u3v_descriptors *d)
{
    tc_port_identity id;
    tc_port_identity_get(dev, &id);
    char guid[13];
    tc_u3v_guid_from(TC_U3V_VENDOR_ID, id.serial, guid);
    unsigned major = 0, minor = 0;
    sscanf(id.version, "%u.%u", &major, &minor);
    tc_u3v_desc_spec spec = {
        .vendor_id = TC_U3V_VENDOR_ID, .product_id = TC_U3V_PRODUCT_ID,
        /* bcdDevice: the firmware's major.minor as BCD */
        .bcd_device = (uint16_t)((major % 100 / 10) << 12 | (major % 10) << 8 |
                                 (minor % 100 / 10) << 4 | (minor % 10)),
        .speed = speed, .stream_max_burst = 15,
        .manufacturer = id.vendor, .product = id.model, .serial = id.serial, .guid = guid,
        .family = id.family, .device_version = id.version, .manufacturer_info = id.manufacturer_info,
    };
    return tc_u3v_desc_build(&spec, d);
}

bool tc_u3v_slow_command(const uint8_t *req, size_t len, uint16_t *request_id)
{
    tc_u3v_cp_cmd pc;
    if (tc_u3v_cp_parse(req, len, &pc) <= 0 || pc.command != TC_U3V_WRITEMEM_CMD ||
        pc.scd_status != TC_U3V_SUCCESS || !(pc.flags & TC_U3V_FLAG_REQUEST_ACK) || !pc.data_len)
        return false;
    *request_id = pc.request_id;
    return (tc_port_span_flags(pc.address, pc.data_len) & TC_FF_SLOW) != 0;
}
