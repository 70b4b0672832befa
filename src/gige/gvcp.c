/* GVCP codec (gvcp.h). */
#include "gige/gvcp.h"

#include "util/endian.h"

int tc_gvcp_parse(const uint8_t *p, size_t n, tc_gvcp_cmd *cmd)
{
    if (n < TC_GVCP_HEADER || p[0] != TC_GVCP_KEY)
        return -1;
    cmd->flags = p[1];
    cmd->command = tc_load_be16(p + 2);
    cmd->length = tc_load_be16(p + 4);
    cmd->req_id = tc_load_be16(p + 6);
    cmd->payload = p + TC_GVCP_HEADER;
    if (cmd->length > n - TC_GVCP_HEADER || cmd->length % 4 != 0)
        return TC_GEV_INVALID_HEADER;
    return 0;
}

size_t tc_gvcp_ack_header(uint8_t *out, uint16_t status, uint16_t ack_command, uint16_t length,
                          uint16_t req_id)
{
    tc_store_be16(out, status);
    tc_store_be16(out + 2, ack_command);
    tc_store_be16(out + 4, length);
    tc_store_be16(out + 6, req_id);
    return TC_GVCP_HEADER;
}

int tc_gvcp_parse_readmem(const tc_gvcp_cmd *c, tc_gvcp_readmem *out)
{
    if (c->length != 8)
        return TC_GEV_INVALID_PARAMETER;
    out->address = tc_load_be32(c->payload);
    out->count = tc_load_be16(c->payload + 6);
    if (out->address % 4 != 0)
        return TC_GEV_BAD_ALIGNMENT;
    if (out->count == 0 || out->count % 4 != 0 || out->count > TC_GVCP_MAX_MEM)
        return TC_GEV_INVALID_PARAMETER;
    return 0;
}

int tc_gvcp_parse_writemem(const tc_gvcp_cmd *c, tc_gvcp_writemem *out)
{
    if (c->length < 8 || c->length > 4 + TC_GVCP_MAX_MEM)
        return TC_GEV_INVALID_PARAMETER;
    out->address = tc_load_be32(c->payload);
    out->data = c->payload + 4;
    out->count = (uint16_t)(c->length - 4);
    if (out->address % 4 != 0)
        return TC_GEV_BAD_ALIGNMENT;
    return 0;
}

int tc_gvcp_parse_resend(const tc_gvcp_cmd *c, tc_gvcp_resend *out)
{
    out->extended = (c->flags & TC_GVCP_FLAG_EXTENDED_IDS) != 0;
    if (out->extended) {
        if (c->length != 20)
            return TC_GEV_INVALID_PARAMETER;
        out->channel = tc_load_be16(c->payload);
        out->first_packet = tc_load_be32(c->payload + 4);
        out->last_packet = tc_load_be32(c->payload + 8);
        out->block_id = tc_load_be64(c->payload + 12);
    } else {
        if (c->length != 12)
            return TC_GEV_INVALID_PARAMETER;
        out->channel = tc_load_be16(c->payload);
        out->block_id = tc_load_be16(c->payload + 2);
        out->first_packet = tc_load_be32(c->payload + 4) & 0xFFFFFF;
        out->last_packet = tc_load_be32(c->payload + 8) & 0xFFFFFF;
    }
    if (out->first_packet > out->last_packet)
        return TC_GEV_INVALID_PARAMETER;
    return 0;
}

size_t tc_gvcp_pending_ack(uint8_t *out, uint16_t req_id, uint16_t ms)
{
    tc_gvcp_ack_header(out, TC_GEV_SUCCESS, TC_GVCP_PENDING_ACK, 4, req_id);
    tc_store_be16(out + 8, 0);
    tc_store_be16(out + 10, ms);
    return 12;
}
