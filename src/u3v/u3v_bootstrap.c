/* The USB3 Vision device memory: ABRM, SBRM, SIRM, manifest, XML, and the
 * feature registers (u3v_bootstrap.h). Register layouts: GenCP 1.0 section 5
 * (ABRM), USB3 Vision 1.0 section 5.3 (SBRM, SIRM, manifest), checked against
 * what Aravis 0.8.26 reads in arvuvdevice.c (_bootstrap) and arvuvstream.c. */
#include "u3v/u3v_bootstrap.h"

#include <nettle/sha1.h>
#include <string.h>

#include "util/endian.h"

enum kind { K_U32, K_U64, K_STR, K_BLOB };
enum acc { A_RO, A_RW, A_WO };

/* Every bootstrap register, by what gives it its value. */
enum id {
    R_GENCP_VERSION, R_MANUFACTURER, R_MODEL, R_FAMILY, R_DEVICE_VERSION, R_MANUFACTURER_INFO,
    R_SERIAL, R_USER_NAME, R_CAPABILITY, R_RESPONSE_TIME, R_MANIFEST_ADDRESS, R_SBRM_ADDRESS,
    R_DEVICE_CONFIGURATION, R_HEARTBEAT, R_MESSAGE_CHANNEL, R_TIMESTAMP, R_TIMESTAMP_LATCH,
    R_TIMESTAMP_INCREMENT, R_ACCESS_PRIVILEGE, R_PROTOCOL_ENDIANNESS, R_IMPL_ENDIANNESS,
    R_U3V_VERSION, R_U3VCP_CAPABILITY, R_U3VCP_CONFIGURATION, R_MAX_CMD, R_MAX_ACK,
    R_STREAM_CHANNELS, R_SIRM_ADDRESS, R_SIRM_LENGTH, R_EIRM_ADDRESS, R_EIRM_LENGTH,
    R_IIDC2_ADDRESS, R_CURRENT_SPEED,
    R_SI_INFO, R_SI_CONTROL, R_SI_REQ_PAYLOAD, R_SI_REQ_LEADER, R_SI_REQ_TRAILER,
    R_SI_MAX_LEADER, R_SI_TRANSFER_SIZE, R_SI_TRANSFER_COUNT, R_SI_FINAL1, R_SI_FINAL2,
    R_SI_MAX_TRAILER,
    R_MANIFEST_COUNT, R_MANIFEST_ENTRY,
};

typedef struct breg {
    uint32_t address;
    uint8_t length;
    uint8_t kind, access, id;
} breg;

#define ABRM(off, len, k, a, i) { TC_U3V_ABRM_ADDRESS + (off), len, k, a, i }
#define SBRM(off, len, k, a, i) { TC_U3V_SBRM_ADDRESS + (off), len, k, a, i }
#define SIRM(off, len, k, a, i) { TC_U3V_SIRM_ADDRESS + (off), len, k, a, i }

/* Sorted by address; each region is contiguous. */
static const breg regs[] = {
    ABRM(TC_ABRM_GENCP_VERSION, 4, K_U32, A_RO, R_GENCP_VERSION),
    ABRM(TC_ABRM_MANUFACTURER_NAME, 64, K_STR, A_RO, R_MANUFACTURER),
    ABRM(TC_ABRM_MODEL_NAME, 64, K_STR, A_RO, R_MODEL),
    ABRM(TC_ABRM_FAMILY_NAME, 64, K_STR, A_RO, R_FAMILY),
    ABRM(TC_ABRM_DEVICE_VERSION, 64, K_STR, A_RO, R_DEVICE_VERSION),
    ABRM(TC_ABRM_MANUFACTURER_INFO, 64, K_STR, A_RO, R_MANUFACTURER_INFO),
    ABRM(TC_ABRM_SERIAL_NUMBER, 64, K_STR, A_RO, R_SERIAL),
    ABRM(TC_ABRM_USER_DEFINED_NAME, 64, K_STR, A_RW, R_USER_NAME),
    ABRM(TC_ABRM_DEVICE_CAPABILITY, 8, K_U64, A_RO, R_CAPABILITY),
    ABRM(TC_ABRM_MAX_DEVICE_RESPONSE_TIME, 4, K_U32, A_RO, R_RESPONSE_TIME),
    ABRM(TC_ABRM_MANIFEST_TABLE_ADDRESS, 8, K_U64, A_RO, R_MANIFEST_ADDRESS),
    ABRM(TC_ABRM_SBRM_ADDRESS, 8, K_U64, A_RO, R_SBRM_ADDRESS),
    ABRM(TC_ABRM_DEVICE_CONFIGURATION, 8, K_U64, A_RW, R_DEVICE_CONFIGURATION),
    ABRM(TC_ABRM_HEARTBEAT_TIMEOUT, 4, K_U32, A_RW, R_HEARTBEAT),
    ABRM(TC_ABRM_MESSAGE_CHANNEL_ID, 4, K_U32, A_RO, R_MESSAGE_CHANNEL),
    ABRM(TC_ABRM_TIMESTAMP, 8, K_U64, A_RO, R_TIMESTAMP),
    ABRM(TC_ABRM_TIMESTAMP_LATCH, 4, K_U32, A_WO, R_TIMESTAMP_LATCH),
    ABRM(TC_ABRM_TIMESTAMP_INCREMENT, 8, K_U64, A_RO, R_TIMESTAMP_INCREMENT),
    ABRM(TC_ABRM_ACCESS_PRIVILEGE, 4, K_U32, A_RO, R_ACCESS_PRIVILEGE),
    ABRM(TC_ABRM_PROTOCOL_ENDIANNESS, 4, K_U32, A_RO, R_PROTOCOL_ENDIANNESS),
    ABRM(TC_ABRM_IMPLEMENTATION_ENDIANNESS, 4, K_U32, A_RO, R_IMPL_ENDIANNESS),

    SBRM(TC_SBRM_U3V_VERSION, 4, K_U32, A_RO, R_U3V_VERSION),
    SBRM(TC_SBRM_U3VCP_CAPABILITY, 8, K_U64, A_RO, R_U3VCP_CAPABILITY),
    SBRM(TC_SBRM_U3VCP_CONFIGURATION, 8, K_U64, A_RW, R_U3VCP_CONFIGURATION),
    SBRM(TC_SBRM_MAX_CMD_TRANSFER, 4, K_U32, A_RO, R_MAX_CMD),
    SBRM(TC_SBRM_MAX_ACK_TRANSFER, 4, K_U32, A_RO, R_MAX_ACK),
    SBRM(TC_SBRM_NUM_STREAM_CHANNELS, 4, K_U32, A_RO, R_STREAM_CHANNELS),
    SBRM(TC_SBRM_SIRM_ADDRESS, 8, K_U64, A_RO, R_SIRM_ADDRESS),
    SBRM(TC_SBRM_SIRM_LENGTH, 4, K_U32, A_RO, R_SIRM_LENGTH),
    SBRM(TC_SBRM_EIRM_ADDRESS, 8, K_U64, A_RO, R_EIRM_ADDRESS),
    SBRM(TC_SBRM_EIRM_LENGTH, 4, K_U32, A_RO, R_EIRM_LENGTH),
    SBRM(TC_SBRM_IIDC2_ADDRESS, 8, K_U64, A_RO, R_IIDC2_ADDRESS),
    SBRM(TC_SBRM_CURRENT_SPEED, 4, K_U32, A_RO, R_CURRENT_SPEED),

    SIRM(TC_SIRM_INFO, 4, K_U32, A_RO, R_SI_INFO),
    SIRM(TC_SIRM_CONTROL, 4, K_U32, A_RW, R_SI_CONTROL),
    SIRM(TC_SIRM_REQ_PAYLOAD_SIZE, 8, K_U64, A_RO, R_SI_REQ_PAYLOAD),
    SIRM(TC_SIRM_REQ_LEADER_SIZE, 4, K_U32, A_RO, R_SI_REQ_LEADER),
    SIRM(TC_SIRM_REQ_TRAILER_SIZE, 4, K_U32, A_RO, R_SI_REQ_TRAILER),
    SIRM(TC_SIRM_MAX_LEADER_SIZE, 4, K_U32, A_RW, R_SI_MAX_LEADER),
    SIRM(TC_SIRM_PAYLOAD_TRANSFER_SIZE, 4, K_U32, A_RW, R_SI_TRANSFER_SIZE),
    SIRM(TC_SIRM_PAYLOAD_TRANSFER_COUNT, 4, K_U32, A_RW, R_SI_TRANSFER_COUNT),
    SIRM(TC_SIRM_FINAL_TRANSFER1_SIZE, 4, K_U32, A_RW, R_SI_FINAL1),
    SIRM(TC_SIRM_FINAL_TRANSFER2_SIZE, 4, K_U32, A_RW, R_SI_FINAL2),
    SIRM(TC_SIRM_MAX_TRAILER_SIZE, 4, K_U32, A_RW, R_SI_MAX_TRAILER),

    { TC_U3V_MANIFEST_ADDRESS, 8, K_U64, A_RO, R_MANIFEST_COUNT },
    { TC_U3V_MANIFEST_ADDRESS + 8, TC_U3V_MANIFEST_ENTRY_LEN, K_BLOB, A_RO, R_MANIFEST_ENTRY },
};
#define N_REGS (sizeof(regs) / sizeof(regs[0]))

#define DEVICE_CAPABILITY                                                                      \
    (TC_ABRM_CAP_USER_DEFINED_NAME | TC_ABRM_CAP_TIMESTAMP | TC_ABRM_CAP_FAMILY_NAME |         \
     TC_ABRM_CAP_SBRM | TC_ABRM_CAP_ENDIANNESS | TC_ABRM_CAP_WRITTEN_LENGTH)
#define ENDIANNESS_LITTLE 0xFFFFFFFFu /* GenCP: all ones little-endian, 0 big-endian */
#define HEARTBEAT_DEFAULT_MS 3000u

static const breg *find_reg(uint64_t address)
{
    size_t lo = 0, hi = N_REGS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (address < regs[mid].address)
            hi = mid;
        else if (address >= (uint64_t)regs[mid].address + regs[mid].length)
            lo = mid + 1;
        else
            return &regs[mid];
    }
    return NULL;
}

uint16_t tc_u3v_status_from_tc(int rc)
{
    switch (rc) {
    case TC_OK:
        return TC_U3V_SUCCESS;
    case TC_EADDRESS:
        return TC_U3V_INVALID_ADDRESS;
    case TC_EACCESS:
        return TC_U3V_ACCESS_DENIED;
    case TC_ERANGE:
    case TC_EINVAL:
        return TC_U3V_INVALID_PARAMETER;
    case TC_EBUSY:
        return TC_U3V_BUSY;
    default:
        return TC_U3V_GENERIC_ERROR;
    }
}

/* One identity string of the camera into a 64-byte register. */
static uint16_t camera_string(tc_u3v_bootstrap *bs, enum id which, uint8_t *out)
{
    tc_port_identity id;
    tc_port_identity_get(bs->dev, &id);
    const char *s = which == R_MANUFACTURER      ? id.vendor
                    : which == R_MODEL            ? id.model
                    : which == R_FAMILY           ? id.family
                    : which == R_DEVICE_VERSION   ? id.version
                    : which == R_MANUFACTURER_INFO ? id.manufacturer_info
                    : which == R_SERIAL           ? id.serial
                                                  : id.user_name;
    size_t n = strnlen(s, TC_STRING_MAX - 1);
    memcpy(out, s, n); /* the rest of the 64 bytes stays NUL */
    return TC_U3V_SUCCESS;
}

/* The current bytes of register r (r->length of them) into out. */
static uint16_t encode(tc_u3v_bootstrap *bs, const breg *r, uint8_t *out)
{
    uint64_t v = 0;
    uint16_t st = TC_U3V_SUCCESS;
    memset(out, 0, r->length);
    switch ((enum id)r->id) {
    case R_GENCP_VERSION: v = TC_U3V_GENCP_VERSION; break;
    case R_MANUFACTURER: return camera_string(bs, R_MANUFACTURER, out);
    case R_MODEL: return camera_string(bs, R_MODEL, out);
    case R_FAMILY: return camera_string(bs, R_FAMILY, out);
    case R_DEVICE_VERSION: return camera_string(bs, R_DEVICE_VERSION, out);
    case R_MANUFACTURER_INFO: return camera_string(bs, R_MANUFACTURER_INFO, out);
    case R_SERIAL: return camera_string(bs, R_SERIAL, out);
    case R_USER_NAME: return camera_string(bs, R_USER_NAME, out);
    case R_CAPABILITY: v = DEVICE_CAPABILITY; break;
    case R_RESPONSE_TIME: v = bs->max_response_ms; break;
    case R_MANIFEST_ADDRESS: v = TC_U3V_MANIFEST_ADDRESS; break;
    case R_SBRM_ADDRESS: v = TC_U3V_SBRM_ADDRESS; break;
    case R_DEVICE_CONFIGURATION: v = bs->device_configuration; break;
    case R_HEARTBEAT: v = bs->heartbeat_timeout_ms; break;
    case R_MESSAGE_CHANNEL: v = 0; break;
    case R_TIMESTAMP: v = (uint64_t)tc_port_timestamp_latched(bs->dev); break;
    case R_TIMESTAMP_LATCH: v = 0; break; /* write-only: reads as 0 */
    case R_TIMESTAMP_INCREMENT: v = 1; break; /* ns per tick */
    case R_ACCESS_PRIVILEGE: v = 0; break;
    case R_PROTOCOL_ENDIANNESS: v = ENDIANNESS_LITTLE; break;
    case R_IMPL_ENDIANNESS: v = ENDIANNESS_LITTLE; break;
    case R_U3V_VERSION: v = TC_U3V_U3V_VERSION; break;
    case R_U3VCP_CAPABILITY: v = TC_SBRM_CAP_SIRM; break;
    case R_U3VCP_CONFIGURATION: v = bs->u3vcp_configuration; break;
    case R_MAX_CMD: v = bs->max_cmd_transfer; break;
    case R_MAX_ACK: v = bs->max_ack_transfer; break;
    case R_STREAM_CHANNELS: v = 1; break;
    case R_SIRM_ADDRESS: v = TC_U3V_SIRM_ADDRESS; break;
    case R_SIRM_LENGTH: v = TC_U3V_SIRM_LENGTH; break;
    case R_EIRM_ADDRESS: v = 0; break;
    case R_EIRM_LENGTH: v = 0; break;
    case R_IIDC2_ADDRESS: v = 0; break;
    case R_CURRENT_SPEED: v = bs->current_speed; break;
    case R_SI_INFO: v = (uint64_t)bs->alignment_log2 << 24; break;
    case R_SI_CONTROL: v = bs->si_control; break;
    case R_SI_REQ_PAYLOAD: v = tc_port_payload_size(bs->dev); break;
    case R_SI_REQ_LEADER: v = TC_U3V_LEADER_SIZE; break;
    case R_SI_REQ_TRAILER: v = TC_U3V_TRAILER_SIZE; break;
    case R_SI_MAX_LEADER: v = bs->si_max_leader; break;
    case R_SI_TRANSFER_SIZE: v = bs->si_transfer_size; break;
    case R_SI_TRANSFER_COUNT: v = bs->si_transfer_count; break;
    case R_SI_FINAL1: v = bs->si_final1; break;
    case R_SI_FINAL2: v = bs->si_final2; break;
    case R_SI_MAX_TRAILER: v = bs->si_max_trailer; break;
    case R_MANIFEST_COUNT: v = 1; break;
    case R_MANIFEST_ENTRY:
        memcpy(out, bs->manifest_entry, TC_U3V_MANIFEST_ENTRY_LEN);
        return TC_U3V_SUCCESS;
    }
    if (st == TC_U3V_SUCCESS)
        tc_store_uint(out, r->length, 0, v);
    return st;
}

static bool in_xml(const tc_u3v_bootstrap *bs, uint64_t a)
{
    return a >= TC_U3V_XML_ADDRESS && a - TC_U3V_XML_ADDRESS < bs->xml_len;
}

static bool in_feature_space(uint64_t a)
{
    return a >= TC_U3V_FEATURE_SPACE_START && a < TC_U3V_FEATURE_SPACE_END;
}

static uint16_t bootstrap_read(tc_u3v_bootstrap *bs, uint64_t address, uint8_t *buf, size_t len)
{
    uint64_t pos = address, end = address + len;
    while (pos < end) {
        uint8_t *dst = buf + (pos - address);
        if (in_xml(bs, pos)) {
            uint64_t from = pos - TC_U3V_XML_ADDRESS;
            uint64_t n = bs->xml_len - from;
            if (n > end - pos)
                n = end - pos;
            memcpy(dst, bs->xml + from, (size_t)n);
            pos += n;
            continue;
        }
        const breg *r = find_reg(pos);
        if (!r)
            return TC_U3V_INVALID_ADDRESS;
        uint8_t tmp[TC_U3V_MANIFEST_ENTRY_LEN];
        uint16_t st = encode(bs, r, tmp);
        if (st != TC_U3V_SUCCESS)
            return st;
        uint64_t from = pos - r->address;
        uint64_t n = r->length - from;
        if (n > end - pos)
            n = end - pos;
        memcpy(dst, tmp + from, (size_t)n);
        pos += n;
    }
    return TC_U3V_SUCCESS;
}

uint16_t tc_u3v_bootstrap_read(tc_u3v_bootstrap *bs, uint64_t address, uint8_t *buf, size_t len)
{
    if (!bs || (!buf && len))
        return TC_U3V_GENERIC_ERROR;
    if (address + len < address)
        return TC_U3V_INVALID_ADDRESS;
    if (len == 0)
        return TC_U3V_SUCCESS;
    if (in_feature_space(address)) {
        if (address + len > TC_U3V_FEATURE_SPACE_END)
            return TC_U3V_INVALID_ADDRESS;
        return tc_u3v_status_from_tc(tc_port_read(bs->dev, address, buf, len, 0));
    }
    return bootstrap_read(bs, address, buf, len);
}

static bool is_sirm_host_register(const breg *r)
{
    return r->address >= TC_U3V_SIRM_ADDRESS + TC_SIRM_MAX_LEADER_SIZE &&
           r->address < TC_U3V_SIRM_ADDRESS + TC_U3V_SIRM_LENGTH;
}

/* Apply a validated write of n bytes (n == r->length except for strings). */
static uint16_t apply(tc_u3v_bootstrap *bs, const breg *r, const uint8_t *p, size_t n)
{
    if (r->kind == K_STR) { /* only the user-defined name is writable */
        char s[TC_U3V_MANIFEST_ENTRY_LEN + 1];
        size_t k = 0;
        while (k < n && p[k])
            k++;
        memcpy(s, p, k);
        s[k] = 0;
        return tc_u3v_status_from_tc(tc_port_set_user_name(bs->dev, s));
    }
    uint64_t v = tc_load_uint(p, r->length, 0);
    uint32_t v32 = (uint32_t)v;
    switch ((enum id)r->id) {
    case R_USER_NAME:
        return TC_U3V_GENERIC_ERROR; /* a string: handled above */
    case R_DEVICE_CONFIGURATION: bs->device_configuration = v; return TC_U3V_SUCCESS;
    case R_HEARTBEAT: bs->heartbeat_timeout_ms = v32; return TC_U3V_SUCCESS;
    case R_TIMESTAMP_LATCH:
        /* Bit 0 latches the running timestamp into the Timestamp register. */
        if (v32 & 1)
            tc_port_timestamp_latch(bs->dev);
        return TC_U3V_SUCCESS;
    case R_U3VCP_CONFIGURATION: bs->u3vcp_configuration = v; return TC_U3V_SUCCESS;
    case R_SI_CONTROL: {
        bool enable = v32 & TC_SIRM_CONTROL_STREAM_ENABLE;
        if (enable && !(bs->si_control & TC_SIRM_CONTROL_STREAM_ENABLE)) {
            tc_u3v_stream_plan plan;
            if (tc_u3v_bootstrap_stream_plan(bs, &plan) != 0)
                return TC_U3V_GENERIC_ERROR;
            uint16_t st = tc_u3v_plan_check(&plan);
            if (st != TC_U3V_SUCCESS)
                return st;
            /* The layout the host set up is for this payload: kept, so a
             * frame is checked against it with no device lock or look-up. */
            bs->stream_payload = plan.payload_size;
            bs->stream_enabled_at = (uint64_t)tc_port_timestamp(bs->dev);
        }
        bs->si_control = enable ? TC_SIRM_CONTROL_STREAM_ENABLE : 0;
        return TC_U3V_SUCCESS;
    }
    case R_SI_MAX_LEADER: bs->si_max_leader = v32; return TC_U3V_SUCCESS;
    case R_SI_TRANSFER_SIZE: bs->si_transfer_size = v32; return TC_U3V_SUCCESS;
    case R_SI_TRANSFER_COUNT: bs->si_transfer_count = v32; return TC_U3V_SUCCESS;
    case R_SI_FINAL1: bs->si_final1 = v32; return TC_U3V_SUCCESS;
    case R_SI_FINAL2: bs->si_final2 = v32; return TC_U3V_SUCCESS;
    case R_SI_MAX_TRAILER: bs->si_max_trailer = v32; return TC_U3V_SUCCESS;
    default:
        return TC_U3V_WRITE_PROTECT; /* validated away before; kept for safety */
    }
}

static uint16_t bootstrap_write(tc_u3v_bootstrap *bs, uint64_t address, const uint8_t *buf,
                                size_t len)
{
    uint64_t end = address + len;
    /* Check the whole span first so a bad tail does not half-apply. */
    for (uint64_t pos = address; pos < end;) {
        if (in_xml(bs, pos))
            return TC_U3V_WRITE_PROTECT;
        const breg *r = find_reg(pos);
        if (!r)
            return TC_U3V_INVALID_ADDRESS;
        if (pos != r->address || (end - pos < r->length && r->kind != K_STR))
            return TC_U3V_BAD_ALIGNMENT;
        if (r->access == A_RO)
            return TC_U3V_WRITE_PROTECT;
        /* The transfer plan may not change under a running stream. */
        if (is_sirm_host_register(r) && (bs->si_control & TC_SIRM_CONTROL_STREAM_ENABLE))
            return TC_U3V_ACCESS_DENIED;
        pos += r->length;
    }
    for (uint64_t pos = address; pos < end;) {
        const breg *r = find_reg(pos);
        size_t n = end - pos < r->length ? (size_t)(end - pos) : r->length;
        uint16_t st = apply(bs, r, buf + (pos - address), n);
        if (st != TC_U3V_SUCCESS)
            return st;
        pos += r->length;
    }
    return TC_U3V_SUCCESS;
}

static uint16_t feature_write(tc_u3v_bootstrap *bs, uint64_t address, const uint8_t *buf,
                              size_t len)
{
    /* Tell alignment and write protection apart before the core says
     * "no" in its own terms (it folds both into TC_EADDRESS/TC_EACCESS). */
    uint64_t end = address + len;
    for (uint64_t pos = address; pos < end;) {
        tc_port_reg r;
        if (tc_port_register(pos, &r) != 0)
            return TC_U3V_INVALID_ADDRESS;
        if (r.type == TC_FT_REGISTER) /* bytes: any part, judged by the core */
            break;
        if (pos != r.address || (end - pos < r.length && r.type != TC_FT_STRING))
            return TC_U3V_BAD_ALIGNMENT;
        if (r.access == TC_RO)
            return TC_U3V_WRITE_PROTECT;
        pos += r.length;
    }
    return tc_u3v_status_from_tc(tc_port_write(bs->dev, address, buf, len, 0));
}

uint16_t tc_u3v_bootstrap_write(tc_u3v_bootstrap *bs, uint64_t address, const uint8_t *buf,
                                size_t len)
{
    if (!bs || !buf)
        return TC_U3V_GENERIC_ERROR;
    if (len == 0)
        return TC_U3V_INVALID_PARAMETER;
    if (address + len < address)
        return TC_U3V_INVALID_ADDRESS;
    if (in_feature_space(address)) {
        if (address + len > TC_U3V_FEATURE_SPACE_END)
            return TC_U3V_INVALID_ADDRESS;
        return feature_write(bs, address, buf, len);
    }
    return bootstrap_write(bs, address, buf, len);
}

static uint16_t target_read(void *ctx, uint64_t address, uint8_t *buf, size_t len)
{
    return tc_u3v_bootstrap_read(ctx, address, buf, len);
}

static uint16_t target_write(void *ctx, uint64_t address, const uint8_t *buf, size_t len)
{
    return tc_u3v_bootstrap_write(ctx, address, buf, len);
}

void tc_u3v_bootstrap_target(tc_u3v_bootstrap *bs, tc_u3v_cp_target *t)
{
    t->ctx = bs;
    t->read = target_read;
    t->write = target_write;
    t->max_cmd_transfer = bs->max_cmd_transfer;
    t->max_ack_transfer = bs->max_ack_transfer;
}

bool tc_u3v_bootstrap_stream_enabled(const tc_u3v_bootstrap *bs)
{
    return bs && (bs->si_control & TC_SIRM_CONTROL_STREAM_ENABLE);
}

static void fill_plan(const tc_u3v_bootstrap *bs, uint64_t payload, tc_u3v_stream_plan *plan)
{
    plan->payload_size = payload;
    plan->alignment = 1u << bs->alignment_log2;
    plan->max_leader = bs->si_max_leader;
    plan->max_trailer = bs->si_max_trailer;
    plan->transfer_size = bs->si_transfer_size;
    plan->transfer_count = bs->si_transfer_count;
    plan->final1_size = bs->si_final1;
    plan->final2_size = bs->si_final2;
}

int tc_u3v_bootstrap_stream_plan(tc_u3v_bootstrap *bs, tc_u3v_stream_plan *plan)
{
    fill_plan(bs, tc_port_payload_size(bs->dev), plan);
    return 0;
}

int tc_u3v_bootstrap_frame_plan(tc_u3v_bootstrap *bs, const tc_port_frame *f,
                                tc_u3v_stream_plan *plan)
{
    if (!tc_u3v_bootstrap_stream_enabled(bs))
        return -1;
    fill_plan(bs, bs->stream_payload, plan); /* per frame: nothing looked up */
    /* a frame of an earlier acquisition must not open the new stream */
    return f->size == plan->payload_size && f->timestamp_ns >= bs->stream_enabled_at ? 0 : -1;
}

void tc_u3v_bootstrap_reset(tc_u3v_bootstrap *bs)
{
    bs->device_configuration = 0;
    bs->u3vcp_configuration = 0;
    bs->heartbeat_timeout_ms = HEARTBEAT_DEFAULT_MS;
    bs->si_control = 0;
    bs->si_max_leader = bs->si_max_trailer = 0;
    bs->si_transfer_size = bs->si_transfer_count = 0;
    bs->si_final1 = bs->si_final2 = 0;
}

/* The number after ` name="` in the XML's first element, or 0. */
static unsigned xml_attribute(const char *xml, size_t len, const char *name)
{
    size_t nl = strlen(name);
    /* The attributes are on the RegisterDescription element near the top. */
    size_t limit = len < 4096 ? len : 4096;
    for (size_t i = 0; i + nl + 3 <= limit; i++) {
        if (xml[i] != ' ' || memcmp(xml + i + 1, name, nl) != 0 || xml[i + 1 + nl] != '=' ||
            xml[i + 2 + nl] != '"')
            continue;
        unsigned v = 0;
        for (size_t j = i + 3 + nl; j < limit && xml[j] >= '0' && xml[j] <= '9' && v < 100000;
             j++)
            v = v * 10 + (unsigned)(xml[j] - '0');
        return v;
    }
    return 0;
}

static void build_manifest_entry(tc_u3v_bootstrap *bs)
{
    uint8_t *e = bs->manifest_entry;
    memset(e, 0, TC_U3V_MANIFEST_ENTRY_LEN);
    /* File version: the XML's own MajorVersion.MinorVersion.SubMinorVersion. */
    tc_store_le16(e + 0, (uint16_t)xml_attribute(bs->xml, bs->xml_len, "SubMinorVersion"));
    e[2] = (uint8_t)xml_attribute(bs->xml, bs->xml_len, "MinorVersion");
    e[3] = (uint8_t)xml_attribute(bs->xml, bs->xml_len, "MajorVersion");
    /* Format info: schema major/minor in the top bytes, bits 10..15 file
     * schema (0 raw XML, 1 zip), bits 0..9 file type (0 device XML). */
    uint32_t schema_major = xml_attribute(bs->xml, bs->xml_len, "SchemaMajorVersion") & 0xFF;
    uint32_t schema_minor = xml_attribute(bs->xml, bs->xml_len, "SchemaMinorVersion") & 0xFF;
    tc_store_le32(e + 4, schema_major << 24 | schema_minor << 16);
    tc_store_le64(e + 8, TC_U3V_XML_ADDRESS);
    tc_store_le64(e + 16, bs->xml_len);
    memcpy(e + 24, bs->xml_sha1, sizeof(bs->xml_sha1));
    /* e[44..63] reserved, zero */
}

int tc_u3v_bootstrap_init(tc_u3v_bootstrap *bs, tc_device *dev,
                          const tc_u3v_bootstrap_config *cfg)
{
    if (!bs || !dev)
        return TC_EINVAL;
    memset(bs, 0, sizeof(*bs));
    tc_u3v_bootstrap_config c = { 0 };
    if (cfg)
        c = *cfg;
    bs->dev = dev;
    bs->max_ack_transfer = c.max_ack_transfer ? c.max_ack_transfer : 16384;
    /* At least a 64-byte register per read; at most what the 16-bit count
     * field of READMEM can ask for. */
    if (bs->max_ack_transfer < 128)
        bs->max_ack_transfer = 128;
    if (bs->max_ack_transfer > 65536)
        bs->max_ack_transfer = 65536;
    bs->max_cmd_transfer = c.max_cmd_transfer ? c.max_cmd_transfer : 16384 + 1024;
    /* Aravis sends WRITEMEM chunks of max_ack - 12 data bytes: 20 bytes of
     * header and address make the command max_ack + 8. */
    if (bs->max_cmd_transfer < bs->max_ack_transfer + 8)
        bs->max_cmd_transfer = bs->max_ack_transfer + 8;
    bs->max_response_ms = c.max_response_ms ? c.max_response_ms : 200;
    bs->alignment_log2 = c.alignment_log2 ? c.alignment_log2 : 10;
    if (bs->alignment_log2 > 20)
        bs->alignment_log2 = 20;
    bs->current_speed = c.current_speed ? c.current_speed : TC_U3V_SPEED_SUPER;
    tc_u3v_bootstrap_reset(bs);

    bs->xml = tc_port_xml(dev, 0, &bs->xml_len);
    if (!bs->xml || bs->xml_len == 0)
        return TC_ENOMEM;
    struct sha1_ctx sha;
    sha1_init(&sha);
    sha1_update(&sha, bs->xml_len, (const uint8_t *)bs->xml);
    sha1_digest(&sha, SHA1_DIGEST_SIZE, bs->xml_sha1);
    build_manifest_entry(bs);
    return 0;
}
