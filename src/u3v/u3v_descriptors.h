/* USB descriptors of the USB3 Vision device, built as byte arrays from a
 * small spec, for any port that answers GET_DESCRIPTOR itself (USB/IP now,
 * a raw gadget later).
 *
 * Layout of the configuration (USB 3.2 chapter 9, USB3 Vision 1.0 section
 * 4.2); SuperSpeed adds a companion after every endpoint:
 *   configuration (9)
 *   IAD (8)               first interface 0, 3 interfaces, EF/05/00
 *   interface 0 (9)       EF/05/00 control, 2 endpoints
 *     U3V Device Info (20) class-specific 0x24/0x01, directly after the
 *                          interface: libusb files it as that interface's
 *                          "extra", where Aravis reads the GUID string
 *                          index at byte 11
 *     bulk OUT 0x01 (7) [+ companion (6)]
 *     bulk IN  0x81 (7) [+ companion (6)]  same number: Aravis uses the
 *                          first endpoint's number for both directions
 *   interface 1 (9)       EF/05/01 event, 1 endpoint
 *     bulk IN  0x82 (7) [+ companion (6)]
 *   interface 2 (9)       EF/05/02 streaming, 1 endpoint
 *     bulk IN  0x83 (7) [+ companion (6), max burst from the spec]
 * SuperSpeed: 116 bytes; high speed (wMaxPacketSize 512, no companions): 92.
 *
 * Strings are ASCII in the spec and UTF-16LE on the wire, LANGID 0x0409.
 * No allocation: everything lives in tc_u3v_descriptors. */
#ifndef TC_U3V_DESCRIPTORS_H
#define TC_U3V_DESCRIPTORS_H

#include <stddef.h>
#include <stdint.h>

#define TC_USB_DT_DEVICE 0x01
#define TC_USB_DT_CONFIG 0x02
#define TC_USB_DT_STRING 0x03
#define TC_USB_DT_INTERFACE 0x04
#define TC_USB_DT_ENDPOINT 0x05
#define TC_USB_DT_IAD 0x0B
#define TC_USB_DT_BOS 0x0F
#define TC_USB_DT_DEVICE_CAPABILITY 0x10
#define TC_USB_DT_SS_EP_COMPANION 0x30
#define TC_U3V_DT_CS_INTERFACE 0x24
#define TC_U3V_DT_DEVICE_INFO 0x01

#define TC_U3V_CLASS_MISC 0xEF
#define TC_U3V_SUBCLASS 0x05
#define TC_U3V_PROTOCOL_CONTROL 0x00
#define TC_U3V_PROTOCOL_EVENT 0x01
#define TC_U3V_PROTOCOL_STREAM 0x02

/* Endpoint addresses (device side). */
#define TC_U3V_EP_CONTROL_OUT 0x01
#define TC_U3V_EP_CONTROL_IN 0x81
#define TC_U3V_EP_EVENT_IN 0x82
#define TC_U3V_EP_STREAM_IN 0x83

/* String indices. */
enum {
    TC_U3V_STR_LANGID = 0,
    TC_U3V_STR_MANUFACTURER = 1, /* also the Device Info vendor name */
    TC_U3V_STR_PRODUCT = 2,      /* also the Device Info model name */
    TC_U3V_STR_SERIAL = 3,       /* also the Device Info serial number */
    TC_U3V_STR_GUID = 4,
    TC_U3V_STR_FAMILY = 5,
    TC_U3V_STR_DEVICE_VERSION = 6,
    TC_U3V_STR_MANUFACTURER_INFO = 7,
    TC_U3V_STR_IF_CONTROL = 8,
    TC_U3V_STR_IF_EVENT = 9,
    TC_U3V_STR_IF_STREAM = 10,
    TC_U3V_STR_COUNT = 11,
};

#define TC_U3V_DEVICE_DESC_LEN 18
#define TC_U3V_DEVICE_INFO_LEN 20
#define TC_U3V_CONFIG_MAX 128
#define TC_U3V_BOS_LEN 22
#define TC_U3V_STRING_MAX 64 /* characters kept per string (incl. NUL) */

typedef enum tc_usb_speed {
    TC_USB_SPEED_SUPER = 0, /* bcdUSB 3.00, bMaxPacketSize0 9, 1024-byte bulk, companions */
    TC_USB_SPEED_HIGH = 1,  /* bcdUSB 2.10, bMaxPacketSize0 64, 512-byte bulk */
} tc_usb_speed;

typedef struct tc_u3v_desc_spec {
    uint16_t vendor_id, product_id, bcd_device;
    tc_usb_speed speed;
    uint8_t stream_max_burst;  /* SuperSpeed companion bMaxBurst of the stream endpoint, 0..15 */
    uint16_t max_power_ma;     /* divided by 8 (SS) or 2 (HS) into bMaxPower; 0: 400 mA */
    /* ASCII strings; NULL or "" gives no string (index 0) where optional.
     * Longer strings are cut to TC_U3V_STRING_MAX - 1 characters. */
    const char *manufacturer, *product, *serial, *guid;
    const char *family, *device_version, *manufacturer_info;
} tc_u3v_desc_spec;

typedef struct tc_u3v_descriptors {
    uint8_t device[TC_U3V_DEVICE_DESC_LEN];
    uint8_t config[TC_U3V_CONFIG_MAX];
    size_t config_len;
    uint8_t bos[TC_U3V_BOS_LEN];
    size_t bos_len;
    char strings[TC_U3V_STR_COUNT][TC_U3V_STRING_MAX]; /* [0] unused (LANGID) */
} tc_u3v_descriptors;

/* Build every descriptor from the spec. Returns 0, or TC_EINVAL when a
 * mandatory string (manufacturer, product, serial, GUID) is missing or the
 * burst is out of range. */
int tc_u3v_desc_build(const tc_u3v_desc_spec *spec, tc_u3v_descriptors *d);

/* String descriptor `index` (0: the LANGID list) into out[0..cap). Returns
 * the bytes copied: min(cap, its length); a short buffer gets the start of
 * the descriptor with bLength still the full length, as a device answers a
 * short GET_DESCRIPTOR. -1 when there is no such string. */
int tc_u3v_desc_string(const tc_u3v_descriptors *d, unsigned index, uint8_t *out, size_t cap);

/* The descriptor a standard GET_DESCRIPTOR(wValue) asks for: type in the high
 * byte, index in the low byte (device, configuration 0, BOS, string). Copies
 * at most `cap` (the request's wLength) bytes; returns the bytes copied, or
 * -1 when the device has no such descriptor (the port stalls then). */
int tc_u3v_desc_get(const tc_u3v_descriptors *d, uint16_t w_value, uint8_t *out, size_t cap);

/* The U3V Device GUID string for a vendor and serial: 4 hex digits of the
 * vendor id and 8 of a hash of the serial (12 characters + NUL). */
void tc_u3v_guid_from(uint16_t vendor_id, const char *serial, char out[13]);

#endif
