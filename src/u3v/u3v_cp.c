/* USB3 Vision control channel codec and one-command server (u3v_cp.h).
 * Layouts: USB3 Vision 1.0 section 5.5 and GenCP 1.0 chapter 4, as Aravis
 * 0.8.26 speaks them (arvuvcpprivate.h, arvuvdevice.c). */
#include "u3v/u3v_cp.h"

#include <string.h>

#include "util/endian.h"

int tc_u3v_cp_parse_header(const uint8_t *buf, size_t len, tc_u3v_cp_cmd *cmd)
{
    if (len < 4)
        return TC_U3V_NEED_MORE;
    /* Judge the prefix as soon as it is there: no point waiting for more
     * bytes of something that is not U3VCP. */
    if (tc_load_le32(buf) != TC_U3V_CP_PREFIX)
        return TC_U3V_MALFORMED;
    if (len < TC_U3V_CP_HEADER_LEN)
        return TC_U3V_NEED_MORE;
    memset(cmd, 0, sizeof(*cmd));
    cmd->flags = tc_load_le16(buf + 4);
    cmd->command = tc_load_le16(buf + 6);
    cmd->length = tc_load_le16(buf + 8);
    cmd->request_id = tc_load_le16(buf + 10);
    cmd->scd_status = TC_U3V_NOT_IMPLEMENTED;
    return (int)TC_U3V_CP_HEADER_LEN;
}

int tc_u3v_cp_parse(const uint8_t *buf, size_t len, tc_u3v_cp_cmd *cmd)
{
    int rc = tc_u3v_cp_parse_header(buf, len, cmd);
    if (rc < 0)
        return rc;
    size_t total = TC_U3V_CP_HEADER_LEN + cmd->length;
    if (len < total)
        return TC_U3V_NEED_MORE;
    const uint8_t *scd = buf + TC_U3V_CP_HEADER_LEN;
    cmd->scd = scd;
    switch (cmd->command) {
    case TC_U3V_READMEM_CMD:
        if (cmd->length != TC_U3V_READMEM_SCD_LEN) {
            cmd->scd_status = TC_U3V_INVALID_HEADER;
            break;
        }
        cmd->address = tc_load_le64(scd);
        /* scd[8..9] is reserved: ignored, as GenCP asks of receivers. */
        cmd->count = tc_load_le16(scd + 10);
        cmd->scd_status = TC_U3V_SUCCESS;
        break;
    case TC_U3V_WRITEMEM_CMD:
        if (cmd->length < TC_U3V_WRITEMEM_SCD_MIN) {
            cmd->scd_status = TC_U3V_INVALID_HEADER;
            break;
        }
        cmd->address = tc_load_le64(scd);
        cmd->data = scd + TC_U3V_WRITEMEM_SCD_MIN;
        cmd->data_len = cmd->length - TC_U3V_WRITEMEM_SCD_MIN;
        cmd->scd_status = TC_U3V_SUCCESS;
        break;
    default:
        cmd->scd_status = TC_U3V_NOT_IMPLEMENTED;
        break;
    }
    return (int)total;
}

size_t tc_u3v_cp_build_ack(uint8_t *out, size_t cap, uint16_t status, uint16_t ack_id,
                           uint16_t request_id, const uint8_t *scd, uint16_t scd_len)
{
    size_t total = TC_U3V_CP_HEADER_LEN + (size_t)scd_len;
    if (!out || cap < total || (scd_len && !scd))
        return 0;
    tc_store_le32(out, TC_U3V_CP_PREFIX);
    tc_store_le16(out + 4, status);
    tc_store_le16(out + 6, ack_id);
    tc_store_le16(out + 8, scd_len);
    tc_store_le16(out + 10, request_id);
    /* memmove: the READMEM path reads straight into the ack buffer. */
    if (scd_len)
        memmove(out + TC_U3V_CP_HEADER_LEN, scd, scd_len);
    return total;
}

size_t tc_u3v_cp_build_readmem_ack(uint8_t *out, size_t cap, uint16_t status, uint16_t request_id,
                                   const uint8_t *data, uint16_t len)
{
    /* A failed read carries no data (GenCP: length 0 when status != 0). */
    if (status != TC_U3V_SUCCESS)
        len = 0;
    return tc_u3v_cp_build_ack(out, cap, status, TC_U3V_READMEM_ACK, request_id, data, len);
}

size_t tc_u3v_cp_build_writemem_ack(uint8_t *out, size_t cap, uint16_t status,
                                    uint16_t request_id, uint16_t bytes_written)
{
    uint8_t scd[TC_U3V_WRITEMEM_ACK_SCD_LEN];
    tc_store_le16(scd, 0);
    tc_store_le16(scd + 2, bytes_written);
    return tc_u3v_cp_build_ack(out, cap, status, TC_U3V_WRITEMEM_ACK, request_id, scd,
                               sizeof(scd));
}

size_t tc_u3v_cp_build_pending_ack(uint8_t *out, size_t cap, uint16_t request_id,
                                   uint16_t timeout_ms)
{
    uint8_t scd[TC_U3V_PENDING_ACK_SCD_LEN];
    tc_store_le16(scd, 0);
    tc_store_le16(scd + 2, timeout_ms);
    return tc_u3v_cp_build_ack(out, cap, TC_U3V_SUCCESS, TC_U3V_PENDING_ACK, request_id, scd,
                               sizeof(scd));
}

/* The ack of a command that failed before reaching the target. */
static size_t error_ack(const tc_u3v_cp_cmd *c, uint16_t status, uint8_t *ack, size_t cap)
{
    if (c->command == TC_U3V_WRITEMEM_CMD)
        return tc_u3v_cp_build_writemem_ack(ack, cap, status, c->request_id, 0);
    return tc_u3v_cp_build_ack(ack, cap, status, (uint16_t)(c->command + 1), c->request_id, NULL,
                               0);
}

static size_t serve_readmem(const tc_u3v_cp_target *t, const tc_u3v_cp_cmd *c, uint8_t *ack,
                            size_t cap)
{
    size_t room = cap > TC_U3V_CP_HEADER_LEN ? cap - TC_U3V_CP_HEADER_LEN : 0;
    size_t max_data = t->max_ack_transfer > TC_U3V_CP_HEADER_LEN
                          ? t->max_ack_transfer - TC_U3V_CP_HEADER_LEN : 0;
    if (c->count == 0 || c->count > max_data || c->count > room)
        return error_ack(c, TC_U3V_INVALID_PARAMETER, ack, cap);
    /* Read straight into the ack's data field. */
    uint16_t st = t->read(t->ctx, c->address, ack + TC_U3V_CP_HEADER_LEN, c->count);
    if (st != TC_U3V_SUCCESS)
        return error_ack(c, st, ack, cap);
    return tc_u3v_cp_build_readmem_ack(ack, cap, TC_U3V_SUCCESS, c->request_id,
                                       ack + TC_U3V_CP_HEADER_LEN, c->count);
}

static size_t serve_writemem(const tc_u3v_cp_target *t, const tc_u3v_cp_cmd *c, uint8_t *ack,
                             size_t cap)
{
    if (c->data_len == 0)
        return error_ack(c, TC_U3V_INVALID_PARAMETER, ack, cap);
    uint16_t st = t->write(t->ctx, c->address, c->data, c->data_len);
    /* data_len <= 0xFFFF - 8: the length field is 16 bits. */
    return tc_u3v_cp_build_writemem_ack(ack, cap, st, c->request_id,
                                        st == TC_U3V_SUCCESS ? (uint16_t)c->data_len : 0);
}

size_t tc_u3v_cp_serve(const tc_u3v_cp_target *t, const uint8_t *req, size_t req_len,
                       uint8_t *ack, size_t ack_cap)
{
    tc_u3v_cp_cmd c;
    if (!t || !t->read || !t->write || !req || !ack)
        return 0;
    int rc = tc_u3v_cp_parse(req, req_len, &c);
    if (rc == TC_U3V_NEED_MORE) {
        /* A transfer is a whole command. Shorter than a header: nothing
         * to answer to. Header complete but SCD cut short: answer it. */
        if (tc_u3v_cp_parse_header(req, req_len, &c) < 0)
            return 0;
        if (!(c.flags & TC_U3V_FLAG_REQUEST_ACK))
            return 0;
        return error_ack(&c, TC_U3V_INVALID_HEADER, ack, ack_cap);
    }
    if (rc < 0)
        return 0;
    size_t n = 0;
    if (c.scd_status != TC_U3V_SUCCESS)
        n = error_ack(&c, c.scd_status, ack, ack_cap);
    else if (t->max_cmd_transfer && req_len > t->max_cmd_transfer)
        n = error_ack(&c, TC_U3V_INVALID_PARAMETER, ack, ack_cap);
    else if (c.command == TC_U3V_READMEM_CMD)
        n = serve_readmem(t, &c, ack, ack_cap);
    else
        n = serve_writemem(t, &c, ack, ack_cap);
    return (c.flags & TC_U3V_FLAG_REQUEST_ACK) ? n : 0;
}

const char *tc_u3v_status_name(uint16_t status)
{
    static const struct {
        uint16_t code;
        const char *name;
    } names[] = {
        { TC_U3V_SUCCESS, "SUCCESS" },
        { TC_U3V_NOT_IMPLEMENTED, "NOT_IMPLEMENTED" },
        { TC_U3V_INVALID_PARAMETER, "INVALID_PARAMETER" },
        { TC_U3V_INVALID_ADDRESS, "INVALID_ADDRESS" },
        { TC_U3V_WRITE_PROTECT, "WRITE_PROTECT" },
        { TC_U3V_BAD_ALIGNMENT, "BAD_ALIGNMENT" },
        { TC_U3V_ACCESS_DENIED, "ACCESS_DENIED" },
        { TC_U3V_BUSY, "BUSY" },
        { TC_U3V_MSG_TIMEOUT, "MSG_TIMEOUT" },
        { TC_U3V_INVALID_HEADER, "INVALID_HEADER" },
        { TC_U3V_WRONG_CONFIG, "WRONG_CONFIG" },
        { TC_U3V_GENERIC_ERROR, "GENERIC_ERROR" },
        { TC_U3V_RESEND_NOT_SUPPORTED, "RESEND_NOT_SUPPORTED" },
        { TC_U3V_DSI_ENDPOINT_HALTED, "DSI_ENDPOINT_HALTED" },
        { TC_U3V_SI_PAYLOAD_SIZE_NOT_ALIGNED, "SI_PAYLOAD_SIZE_NOT_ALIGNED" },
        { TC_U3V_SI_REGISTERS_INCONSISTENT, "SI_REGISTERS_INCONSISTENT" },
        { TC_U3V_DATA_DISCARDED, "DATA_DISCARDED" },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].code == status)
            return names[i].name;
    return "UNKNOWN";
}
