/* USB descriptors of the USB3 Vision device (u3v_descriptors.h).
 * Field layouts: USB 3.2 section 9.6 (device, configuration, interface,
 * endpoint, SuperSpeed endpoint companion, BOS), USB IAD ECN, USB3 Vision 1.0
 * section 4.2.3 (Device Info descriptor). */
#include "u3v/u3v_descriptors.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "u3v/u3v_bootstrap.h"
#include "util/endian.h"

typedef struct writer {
    uint8_t *p;
    size_t len, cap;
} writer;

/* Append n bytes; the buffers are sized for the largest layout, so running
 * out is a bug in this file, not bad input. */
static uint8_t *put(writer *w, size_t n)
{
    if (w->len + n > w->cap)
        return NULL;
    uint8_t *at = w->p + w->len;
    w->len += n;
    return at;
}

static int put_interface(writer *w, uint8_t number, uint8_t n_endpoints, uint8_t protocol,
                         uint8_t i_interface)
{
    uint8_t *b = put(w, 9);
    if (!b)
        return -1;
    b[0] = 9;
    b[1] = TC_USB_DT_INTERFACE;
    b[2] = number;
    b[3] = 0; /* alternate setting */
    b[4] = n_endpoints;
    b[5] = TC_U3V_CLASS_MISC;
    b[6] = TC_U3V_SUBCLASS;
    b[7] = protocol;
    b[8] = i_interface;
    return 0;
}

static int put_bulk_endpoint(writer *w, const tc_u3v_desc_spec *s, uint8_t address, uint8_t burst)
{
    bool ss = s->speed == TC_USB_SPEED_SUPER;
    uint8_t *b = put(w, 7);
    if (!b)
        return -1;
    b[0] = 7;
    b[1] = TC_USB_DT_ENDPOINT;
    b[2] = address;
    b[3] = 0x02; /* bulk */
    tc_store_le16(b + 4, ss ? 1024 : 512);
    b[6] = 0; /* bInterval: unused for bulk IN, no NAK rate limit for OUT */
    if (!ss)
        return 0;
    b = put(w, 6);
    if (!b)
        return -1;
    b[0] = 6;
    b[1] = TC_USB_DT_SS_EP_COMPANION;
    b[2] = burst;
    b[3] = 0; /* bmAttributes: no streams */
    tc_store_le16(b + 4, 0); /* wBytesPerInterval: periodic endpoints only */
    return 0;
}

static int put_device_info(writer *w, const tc_u3v_descriptors *d)
{
    uint8_t *b = put(w, TC_U3V_DEVICE_INFO_LEN);
    if (!b)
        return -1;
    b[0] = TC_U3V_DEVICE_INFO_LEN;
    b[1] = TC_U3V_DT_CS_INTERFACE;
    b[2] = TC_U3V_DT_DEVICE_INFO;
    tc_store_le32(b + 3, TC_U3V_GENCP_VERSION); /* minor u16, major u16 */
    tc_store_le32(b + 7, TC_U3V_U3V_VERSION);
    b[11] = TC_U3V_STR_GUID; /* iDeviceGUID: the byte Aravis reads */
    b[12] = TC_U3V_STR_MANUFACTURER;
    b[13] = TC_U3V_STR_PRODUCT;
    b[14] = d->strings[TC_U3V_STR_FAMILY][0] ? TC_U3V_STR_FAMILY : 0;
    b[15] = d->strings[TC_U3V_STR_DEVICE_VERSION][0] ? TC_U3V_STR_DEVICE_VERSION : 0;
    b[16] = d->strings[TC_U3V_STR_MANUFACTURER_INFO][0] ? TC_U3V_STR_MANUFACTURER_INFO : 0;
    b[17] = TC_U3V_STR_SERIAL;
    b[18] = 0; /* iUserDefinedName: changes at run time, read it from the ABRM */
    b[19] = TC_U3V_SPEED_HIGH | TC_U3V_SPEED_SUPER; /* bmSpeedSupport */
    return 0;
}

static void keep_string(char *dst, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i < TC_U3V_STRING_MAX - 1; i++)
        dst[i] = src[i];
    dst[i] = 0;
}

static void build_device(const tc_u3v_desc_spec *s, uint8_t *b)
{
    bool ss = s->speed == TC_USB_SPEED_SUPER;
    b[0] = TC_U3V_DEVICE_DESC_LEN;
    b[1] = TC_USB_DT_DEVICE;
    tc_store_le16(b + 2, ss ? 0x0300 : 0x0210);
    b[4] = TC_U3V_CLASS_MISC; /* EF/02/01: the device uses an IAD */
    b[5] = 0x02;
    b[6] = 0x01;
    b[7] = ss ? 9 : 64; /* SuperSpeed: 2^9 = 512-byte ep0 packets */
    tc_store_le16(b + 8, s->vendor_id);
    tc_store_le16(b + 10, s->product_id);
    tc_store_le16(b + 12, s->bcd_device);
    b[14] = TC_U3V_STR_MANUFACTURER;
    b[15] = TC_U3V_STR_PRODUCT;
    b[16] = TC_U3V_STR_SERIAL;
    b[17] = 1; /* bNumConfigurations */
}

static int build_config(const tc_u3v_desc_spec *s, tc_u3v_descriptors *d)
{
    bool ss = s->speed == TC_USB_SPEED_SUPER;
    writer w = { d->config, 0, sizeof(d->config) };
    uint8_t *c = put(&w, 9);
    uint8_t *iad = put(&w, 8);
    if (!c || !iad)
        return -1;
    iad[0] = 8;
    iad[1] = TC_USB_DT_IAD;
    iad[2] = 0; /* bFirstInterface */
    iad[3] = 3; /* bInterfaceCount */
    iad[4] = TC_U3V_CLASS_MISC;
    iad[5] = TC_U3V_SUBCLASS;
    iad[6] = TC_U3V_PROTOCOL_CONTROL;
    iad[7] = TC_U3V_STR_PRODUCT; /* iFunction */
    if (put_interface(&w, 0, 2, TC_U3V_PROTOCOL_CONTROL, TC_U3V_STR_IF_CONTROL) ||
        put_device_info(&w, d) ||
        put_bulk_endpoint(&w, s, TC_U3V_EP_CONTROL_OUT, 0) ||
        put_bulk_endpoint(&w, s, TC_U3V_EP_CONTROL_IN, 0) ||
        put_interface(&w, 1, 1, TC_U3V_PROTOCOL_EVENT, TC_U3V_STR_IF_EVENT) ||
        put_bulk_endpoint(&w, s, TC_U3V_EP_EVENT_IN, 0) ||
        put_interface(&w, 2, 1, TC_U3V_PROTOCOL_STREAM, TC_U3V_STR_IF_STREAM) ||
        put_bulk_endpoint(&w, s, TC_U3V_EP_STREAM_IN, s->stream_max_burst))
        return -1;
    unsigned ma = s->max_power_ma ? s->max_power_ma : 400;
    unsigned units = ss ? (ma + 7) / 8 : (ma + 1) / 2; /* USB 3: 8 mA units; USB 2: 2 mA */
    c[0] = 9;
    c[1] = TC_USB_DT_CONFIG;
    tc_store_le16(c + 2, (uint16_t)w.len);
    c[4] = 3;    /* bNumInterfaces */
    c[5] = 1;    /* bConfigurationValue */
    c[6] = 0;    /* iConfiguration */
    c[7] = 0x80; /* bus powered (datasheet: USB power, max 400 mA) */
    c[8] = (uint8_t)(units > 255 ? 255 : units);
    d->config_len = w.len;
    return 0;
}

static void build_bos(tc_u3v_descriptors *d)
{
    uint8_t *b = d->bos;
    b[0] = 5;
    b[1] = TC_USB_DT_BOS;
    tc_store_le16(b + 2, TC_U3V_BOS_LEN);
    b[4] = 2; /* bNumDeviceCaps */
    /* USB 2.0 extension: no LPM (vhci disables it anyway). */
    b[5] = 7;
    b[6] = TC_USB_DT_DEVICE_CAPABILITY;
    b[7] = 0x02;
    tc_store_le32(b + 8, 0);
    /* SuperSpeed USB device capability. */
    b[12] = 10;
    b[13] = TC_USB_DT_DEVICE_CAPABILITY;
    b[14] = 0x03;
    b[15] = 0;                     /* bmAttributes: no LTM */
    tc_store_le16(b + 16, 0x000E); /* wSpeedsSupported: full, high, super */
    b[18] = 2;                     /* bFunctionalitySupport: everything from high speed up */
    b[19] = 10;                    /* bU1DevExitLat, us */
    tc_store_le16(b + 20, 0x07FF); /* wU2DevExitLat, us */
    d->bos_len = TC_U3V_BOS_LEN;
}

int tc_u3v_desc_build(const tc_u3v_desc_spec *s, tc_u3v_descriptors *d)
{
    if (!s || !d || !s->manufacturer || !*s->manufacturer || !s->product || !*s->product ||
        !s->serial || !*s->serial || !s->guid || !*s->guid || s->stream_max_burst > 15 ||
        (s->speed != TC_USB_SPEED_SUPER && s->speed != TC_USB_SPEED_HIGH))
        return TC_EINVAL;
    memset(d, 0, sizeof(*d));
    keep_string(d->strings[TC_U3V_STR_MANUFACTURER], s->manufacturer);
    keep_string(d->strings[TC_U3V_STR_PRODUCT], s->product);
    keep_string(d->strings[TC_U3V_STR_SERIAL], s->serial);
    keep_string(d->strings[TC_U3V_STR_GUID], s->guid);
    keep_string(d->strings[TC_U3V_STR_FAMILY], s->family);
    keep_string(d->strings[TC_U3V_STR_DEVICE_VERSION], s->device_version);
    keep_string(d->strings[TC_U3V_STR_MANUFACTURER_INFO], s->manufacturer_info);
    keep_string(d->strings[TC_U3V_STR_IF_CONTROL], "U3V Control");
    keep_string(d->strings[TC_U3V_STR_IF_EVENT], "U3V Event");
    keep_string(d->strings[TC_U3V_STR_IF_STREAM], "U3V Streaming");
    build_device(s, d->device);
    if (build_config(s, d) != 0)
        return TC_EINVAL;
    build_bos(d);
    return 0;
}

static int copy_out(const uint8_t *src, size_t len, uint8_t *out, size_t cap)
{
    size_t n = len < cap ? len : cap;
    if (n)
        memcpy(out, src, n);
    return (int)n;
}

int tc_u3v_desc_string(const tc_u3v_descriptors *d, unsigned index, uint8_t *out, size_t cap)
{
    uint8_t b[2 + 2 * TC_U3V_STRING_MAX];
    if (!d || (!out && cap))
        return -1;
    if (index == TC_U3V_STR_LANGID) {
        b[0] = 4;
        b[1] = TC_USB_DT_STRING;
        tc_store_le16(b + 2, 0x0409); /* English (United States) */
        return copy_out(b, 4, out, cap);
    }
    if (index >= TC_U3V_STR_COUNT || !d->strings[index][0])
        return -1;
    const char *s = d->strings[index];
    size_t n = strlen(s);
    b[0] = (uint8_t)(2 + 2 * n); /* n <= 63: fits */
    b[1] = TC_USB_DT_STRING;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        /* ASCII only: anything else becomes '?' rather than a wrong glyph. */
        tc_store_le16(b + 2 + 2 * i, ch < 0x80 ? ch : '?');
    }
    return copy_out(b, 2 + 2 * n, out, cap);
}

int tc_u3v_desc_get(const tc_u3v_descriptors *d, uint16_t w_value, uint8_t *out, size_t cap)
{
    unsigned type = w_value >> 8, index = w_value & 0xFF;
    if (!d || (!out && cap))
        return -1;
    switch (type) {
    case TC_USB_DT_DEVICE:
        return index == 0 ? copy_out(d->device, sizeof(d->device), out, cap) : -1;
    case TC_USB_DT_CONFIG:
        return index == 0 ? copy_out(d->config, d->config_len, out, cap) : -1;
    case TC_USB_DT_BOS:
        return index == 0 ? copy_out(d->bos, d->bos_len, out, cap) : -1;
    case TC_USB_DT_STRING:
        return tc_u3v_desc_string(d, index, out, cap);
    default:
        return -1;
    }
}

void tc_u3v_guid_from(uint16_t vendor_id, const char *serial, char out[13])
{
    /* FNV-1a: stable, and different serials give different GUIDs in
     * practice; the GUID only has to be unique among attached devices. */
    uint32_t h = 2166136261u;
    for (const char *p = serial ? serial : ""; *p; p++) {
        h ^= (uint8_t)*p;
        h *= 16777619u;
    }
    snprintf(out, 13, "%04X%08X", (unsigned)vendor_id, (unsigned)h);
}
