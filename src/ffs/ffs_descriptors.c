/* FunctionFS descriptor and string blobs (ffs_descriptors.h). */
#include "ffs/ffs_descriptors.h"

#include <string.h>

#include "util/endian.h"

#define FFS_DESCRIPTORS_MAGIC_V2 3u
#define FFS_STRINGS_MAGIC 2u
#define FFS_HAS_FS_DESC 1u
#define FFS_HAS_HS_DESC 2u
#define FFS_HAS_SS_DESC 4u
#define FFS_DESC_HEADER_LEN 24u /* magic, length, flags, fs/hs/ss counts */

/* The function's descriptors of one speed: everything in the configuration
 * after its own 9-byte descriptor, minus the Device Info descriptor unless
 * asked for, string indices renumbered, bulk packets cut to `fs_packet`
 * bytes when non-zero. Returns the descriptor count, or -1. */
static int copy_function(uint8_t *out, size_t cap, size_t *used, const tc_u3v_descriptors *d,
                         bool with_device_info, unsigned fs_packet)
{
    int count = 0;
    size_t pos = d->config_len >= 9 ? d->config[0] : d->config_len;
    while (pos < d->config_len) {
        size_t len = d->config[pos];
        if (len < 2 || pos + len > d->config_len)
            return -1;
        const uint8_t *src = d->config + pos;
        pos += len;
        if (src[1] == TC_U3V_DT_CS_INTERFACE && !with_device_info)
            continue;
        if (*used + len > cap)
            return -1;
        uint8_t *dst = out + *used;
        memcpy(dst, src, len);
        *used += len;
        count++;
        if (src[1] == TC_USB_DT_IAD && len >= 8)
            dst[7] = src[7] ? TC_FFS_STR_FUNCTION : 0;
        if (src[1] == TC_USB_DT_INTERFACE && len >= 9) {
            static const uint8_t by_protocol[3] = { TC_FFS_STR_IF_CONTROL, TC_FFS_STR_IF_EVENT,
                                                    TC_FFS_STR_IF_STREAM };
            dst[8] = src[8] && src[7] < 3 ? by_protocol[src[7]] : 0;
        }
        if (src[1] == TC_USB_DT_ENDPOINT && len >= 7 && fs_packet)
            tc_store_le16(dst + 4, (uint16_t)fs_packet);
    }
    return count;
}

size_t tc_ffs_build_descriptors(uint8_t *out, size_t cap, const tc_u3v_descriptors *ss,
                                const tc_u3v_descriptors *hs, bool with_device_info)
{
    if (cap < FFS_DESC_HEADER_LEN)
        return 0;
    size_t used = FFS_DESC_HEADER_LEN;
    int fs_n = copy_function(out, cap, &used, hs, with_device_info, 64);
    int hs_n = fs_n < 0 ? -1 : copy_function(out, cap, &used, hs, with_device_info, 0);
    int ss_n = hs_n < 0 ? -1 : copy_function(out, cap, &used, ss, with_device_info, 0);
    if (ss_n < 0)
        return 0;
    tc_store_le32(out, FFS_DESCRIPTORS_MAGIC_V2);
    tc_store_le32(out + 4, (uint32_t)used);
    tc_store_le32(out + 8, FFS_HAS_FS_DESC | FFS_HAS_HS_DESC | FFS_HAS_SS_DESC);
    tc_store_le32(out + 12, (uint32_t)fs_n);
    tc_store_le32(out + 16, (uint32_t)hs_n);
    tc_store_le32(out + 20, (uint32_t)ss_n);
    return used;
}

size_t tc_ffs_build_strings(uint8_t *out, size_t cap, const tc_u3v_descriptors *d)
{
    const char *s[TC_FFS_STR_COUNT] = {
        d->strings[TC_U3V_STR_PRODUCT], d->strings[TC_U3V_STR_IF_CONTROL],
        d->strings[TC_U3V_STR_IF_EVENT], d->strings[TC_U3V_STR_IF_STREAM],
    };
    size_t used = 16 + 2; /* header, then the language code */
    if (cap < used)
        return 0;
    for (unsigned i = 0; i < TC_FFS_STR_COUNT; i++) {
        size_t n = strlen(s[i]) + 1; /* NUL-terminated UTF-8 (ours are ASCII) */
        if (used + n > cap)
            return 0;
        memcpy(out + used, s[i], n);
        used += n;
    }
    tc_store_le32(out, FFS_STRINGS_MAGIC);
    tc_store_le32(out + 4, (uint32_t)used);
    tc_store_le32(out + 8, TC_FFS_STR_COUNT);
    tc_store_le32(out + 12, 1);
    tc_store_le16(out + 16, 0x0409);
    return used;
}
