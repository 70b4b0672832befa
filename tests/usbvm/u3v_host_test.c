/* The project's own USB3 Vision host, on libusb: run inside the QEMU guest
 * against the FunctionFS port (`twincam gadget`), which Aravis 0.8 cannot
 * open (no Device Info descriptor through FunctionFS on Linux 6.1, so no
 * GUID). It speaks GenCP and reads the stream the way a U3V host does, and
 * checks what it gets against an in-process camera of the same serial and
 * seed (the reference):
 *   - SuperSpeed, the U3V interfaces and their bulk endpoints;
 *   - ABRM identity and versions, SBRM transfer limits, the manifest, the
 *     whole GenICam XML byte for byte, error statuses (unmapped address,
 *     read-only register), feature writes read back;
 *   - SIRM programmed as Aravis does, stream enabled, frames streamed:
 *     leader and trailer fields, and the payload byte for byte against the
 *     reference's frame for an AOI and for the full 4056x3040 frame;
 *   - frames/s and MB/s of full frames.
 * `--raw-bulk SECONDS` instead reads the first bulk IN endpoint of the
 * device VID:PID as fast as it can (the reference rate of the USB stack,
 * measured against the kernel's SourceSink function).
 *
 * usage: u3v_host_test [--frames N] [--serial S] [--seed N]
 *        u3v_host_test --raw-bulk SECONDS VID PID [BUS]
 * Prints one line per check; exit 0 when all passed. */
#include <inttypes.h>
#include <libusb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/regmap.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"
#include "u3v/u3v_bootstrap.h"
#include "u3v/u3v_cp.h"
#include "u3v/u3v_device.h"
#include "u3v/u3v_stream.h"
#include "util/endian.h"

static int failures;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        bool ok_ = (cond);                                 \
        printf("%s: ", ok_ ? "ok" : "FAIL");               \
        printf(__VA_ARGS__);                               \
        printf("\n");                                      \
        fflush(stdout);                                    \
        if (!ok_)                                          \
            failures++;                                    \
    } while (0)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- device and endpoints ---- */

typedef struct host {
    libusb_context *usb;
    libusb_device_handle *h;
    uint8_t ctrl_out, ctrl_in, stream_in;
    int ctrl_if, stream_if;
    uint16_t request_id;
    uint32_t max_cmd, max_ack;
    uint32_t expect_w, expect_h; /* the image size the host configured */
    unsigned pending_acks;        /* PENDING_ACKs received, all commands */
} host;

/* Find the U3V interfaces (EF/05/00 control, EF/05/02 stream) and their
 * bulk endpoints: the UDC chose the numbers, so they are read, never
 * assumed. */
static bool find_endpoints(host *H)
{
    struct libusb_config_descriptor *cfg;
    if (libusb_get_active_config_descriptor(libusb_get_device(H->h), &cfg) != 0)
        return false;
    H->ctrl_if = H->stream_if = -1;
    for (int i = 0; i < cfg->bNumInterfaces; i++) {
        const struct libusb_interface_descriptor *d = &cfg->interface[i].altsetting[0];
        if (d->bInterfaceClass != 0xEF || d->bInterfaceSubClass != 0x05)
            continue;
        for (int e = 0; e < d->bNumEndpoints; e++) {
            const struct libusb_endpoint_descriptor *ep = &d->endpoint[e];
            if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
                continue;
            if (d->bInterfaceProtocol == 0 && !(ep->bEndpointAddress & 0x80))
                H->ctrl_out = ep->bEndpointAddress;
            else if (d->bInterfaceProtocol == 0)
                H->ctrl_in = ep->bEndpointAddress;
            else if (d->bInterfaceProtocol == 2)
                H->stream_in = ep->bEndpointAddress;
        }
        if (d->bInterfaceProtocol == 0)
            H->ctrl_if = d->bInterfaceNumber;
        if (d->bInterfaceProtocol == 2)
            H->stream_if = d->bInterfaceNumber;
    }
    libusb_free_config_descriptor(cfg);
    return H->ctrl_if >= 0 && H->stream_if >= 0 && H->ctrl_out && H->ctrl_in && H->stream_in;
}

/* ---- GenCP, host side (USB3 Vision 1.0 chapter 5) ---- */

/* One command, its ack (PENDING_ACK waited through). Returns the ack's
 * status, or -1 on a USB error; the ack's SCD goes to scd[0..*scd_len). */
static int gencp(host *H, uint16_t command, const uint8_t *cmd_scd, uint16_t cmd_len,
                 uint8_t *scd, size_t cap, size_t *scd_len)
{
    static uint8_t out[70000], in[70000];
    uint16_t id = ++H->request_id;
    tc_store_le32(out, TC_U3V_CP_PREFIX);
    tc_store_le16(out + 4, TC_U3V_FLAG_REQUEST_ACK);
    tc_store_le16(out + 6, command);
    tc_store_le16(out + 8, cmd_len);
    tc_store_le16(out + 10, id);
    memcpy(out + 12, cmd_scd, cmd_len);
    int n = 0;
    if (libusb_bulk_transfer(H->h, H->ctrl_out, out, 12 + cmd_len, &n, 2000) != 0)
        return -1;
    for (;;) {
        int r = libusb_bulk_transfer(H->h, H->ctrl_in, in, (int)H->max_ack, &n, 5000);
        if (r != 0 || n < 12 || tc_load_le32(in) != TC_U3V_CP_PREFIX || tc_load_le16(in + 10) != id)
            return -1;
        uint16_t status = tc_load_le16(in + 4), ack = tc_load_le16(in + 6), len = tc_load_le16(in + 8);
        if (ack == TC_U3V_PENDING_ACK) {
            H->pending_acks++;
            continue;
        }
        if ((size_t)n < 12u + len)
            return -1;
        if (scd) {
            *scd_len = len < cap ? len : cap;
            memcpy(scd, in + 12, *scd_len);
        }
        return status;
    }
}

static int readmem(host *H, uint64_t address, uint8_t *buf, uint16_t count)
{
    uint8_t scd[12];
    tc_store_le64(scd, address);
    tc_store_le16(scd + 8, 0);
    tc_store_le16(scd + 10, count);
    size_t got = 0;
    int st = gencp(H, TC_U3V_READMEM_CMD, scd, 12, buf, count, &got);
    return st == 0 && got != count ? -1 : st;
}

static int writemem(host *H, uint64_t address, const uint8_t *data, uint16_t len)
{
    uint8_t scd[8 + 1024];
    if (len > 1024)
        return -1;
    tc_store_le64(scd, address);
    memcpy(scd + 8, data, len);
    uint8_t ack[4];
    size_t got = 0;
    return gencp(H, TC_U3V_WRITEMEM_CMD, scd, (uint16_t)(8 + len), ack, sizeof(ack), &got);
}

static uint64_t read_u64(host *H, uint64_t a)
{
    uint8_t b[8] = { 0 };
    readmem(H, a, b, 8);
    return tc_load_le64(b);
}

static uint32_t read_u32(host *H, uint64_t a)
{
    uint8_t b[4] = { 0 };
    readmem(H, a, b, 4);
    return tc_load_le32(b);
}

static int write_u32(host *H, uint64_t a, uint32_t v)
{
    uint8_t b[4];
    tc_store_le32(b, v);
    return writemem(H, a, b, 4);
}

/* ---- features: set on the reference, copy its register bytes ---- */

static const tc_register *feature_register(const char *name)
{
    unsigned n;
    const tc_register *all = tc_regmap_all(&n);
    for (unsigned i = 0; i < n; i++)
        if (all[i].index == 0 && !strcmp(all[i].feature->name, name))
            return &all[i];
    return NULL;
}

/* Set `name` to `text` on the reference camera, then write the same
 * register bytes to the device and read them back. */
static bool set_both(host *H, tc_camera *ref, const char *name, const char *text)
{
    const tc_register *r = feature_register(name);
    uint8_t want[1024], got[1024];
    if (!r || r->length > sizeof(want) || tc_set_from_text(ref, name, text) != 0 ||
        tc_register_read(ref, r->address, want, r->length, 0) != 0)
        return false;
    if (writemem(H, r->address, want, (uint16_t)r->length) != 0)
        return false;
    return readmem(H, r->address, got, (uint16_t)r->length) == 0 &&
           !memcmp(want, got, r->length);
}

static int execute(host *H, const char *name)
{
    const tc_register *r = feature_register(name);
    uint8_t one[8] = { 1 }; /* little-endian 1 in a register of 4 or 8 bytes */
    return r && r->length <= sizeof(one) ? writemem(H, r->address, one, (uint16_t)r->length)
             : -1;
}

/* ---- checks ---- */

static void check_bootstrap(host *H, tc_camera *ref)
{
    uint8_t b[64];
    CHECK(read_u32(H, TC_ABRM_GENCP_VERSION) == TC_U3V_GENCP_VERSION, "ABRM GenCP version 1.0");
    char vendor[64], serial[64];
    tc_get_string(ref, "DeviceVendorName", vendor, sizeof(vendor));
    tc_get_string(ref, "DeviceSerialNumber", serial, sizeof(serial));
    memset(b, 0, sizeof(b));
    int st = readmem(H, TC_ABRM_MANUFACTURER_NAME, b, 64);
    CHECK(st == 0 && !strcmp((char *)b, vendor), "ABRM manufacturer name '%.64s' (want '%s')", b, vendor);
    memset(b, 0, sizeof(b));
    st = readmem(H, TC_ABRM_SERIAL_NUMBER, b, 64);
    CHECK(st == 0 && !strcmp((char *)b, serial), "ABRM serial number '%.64s'", b);
    uint64_t sbrm = read_u64(H, TC_ABRM_SBRM_ADDRESS);
    CHECK(sbrm == TC_U3V_SBRM_ADDRESS, "SBRM at 0x%" PRIx64, sbrm);
    CHECK(read_u32(H, sbrm + TC_SBRM_U3V_VERSION) == TC_U3V_U3V_VERSION, "USB3 Vision version 1.0");
    uint32_t max_cmd = read_u32(H, sbrm + TC_SBRM_MAX_CMD_TRANSFER);
    uint32_t max_ack = read_u32(H, sbrm + TC_SBRM_MAX_ACK_TRANSFER);
    CHECK(max_ack >= 1024 && max_cmd >= max_ack, "transfer limits: command %u B, ack %u B", max_cmd,
          max_ack);
    if (max_ack >= 1024 && max_ack <= 65536)
        H->max_ack = max_ack;
    if (max_cmd >= 1024)
        H->max_cmd = max_cmd;
    uint32_t speed = read_u32(H, sbrm + TC_SBRM_CURRENT_SPEED);
    CHECK(speed == TC_U3V_SPEED_SUPER, "SBRM current speed: SuperSpeed (0x%x)", speed);

    /* Error statuses. */
    st = readmem(H, 0x0FFFFFF0u, b, 4);
    CHECK(st == TC_U3V_INVALID_ADDRESS, "READMEM of an unmapped address: status 0x%04x", st);
    st = write_u32(H, TC_ABRM_GENCP_VERSION, 0);
    CHECK(st == TC_U3V_WRITE_PROTECT, "WRITEMEM to a read-only register: status 0x%04x", st);
    CHECK(read_u32(H, TC_ABRM_GENCP_VERSION) == TC_U3V_GENCP_VERSION, "... and nothing changed");
}

static void check_xml(host *H, tc_camera *ref)
{
    uint64_t manifest = read_u64(H, TC_ABRM_MANIFEST_TABLE_ADDRESS);
    uint64_t entries = read_u64(H, manifest);
    uint8_t entry[64];
    int st = readmem(H, manifest + 8, entry, 64);
    uint64_t address = tc_load_le64(entry + 8), size = tc_load_le64(entry + 16);
    CHECK(st == 0 && entries == 1 && size > 1000 && size < (1u << 24),
          "manifest: %" PRIu64 " entry, XML at 0x%" PRIx64 ", %" PRIu64 " B", entries, address, size);
    if (st != 0 || size == 0 || size >= (1u << 24))
        return;
    uint8_t *xml = malloc(size);
    double t0 = now_s();
    uint64_t off = 0;
    uint16_t chunk = (uint16_t)(H->max_ack - 12);
    while (off < size && st == 0) {
        uint16_t n = size - off < chunk ? (uint16_t)(size - off) : chunk;
        st = readmem(H, address + off, xml + off, n);
        off += n;
    }
    double dt = now_s() - t0;
    size_t want_len;
    const char *want = tc_camera_genicam_xml(ref, 0, &want_len);
    CHECK(st == 0 && want && want_len == size && !memcmp(xml, want, size),
          "GenICam XML read through the manifest equals the camera's (%" PRIu64 " B in %.2f s)", size,
          dt);
    free(xml);
}

typedef struct stream_cfg {
    uint64_t payload;
    uint32_t max_leader, max_trailer, transfer_size, transfer_count, final1;
} stream_cfg;

/* Program SIRM as Aravis 0.8.26 does and enable the stream. */
static bool stream_enable(host *H, stream_cfg *s)
{
    uint64_t sirm = read_u64(H, TC_U3V_SBRM_ADDRESS + TC_SBRM_SIRM_ADDRESS);
    uint32_t info = read_u32(H, sirm + TC_SIRM_INFO);
    uint32_t align = 1u << (info >> 24);
    tc_u3v_stream_plan p;
    s->payload = read_u64(H, sirm + TC_SIRM_REQ_PAYLOAD_SIZE);
    uint32_t leader = read_u32(H, sirm + TC_SIRM_REQ_LEADER_SIZE);
    uint32_t trailer = read_u32(H, sirm + TC_SIRM_REQ_TRAILER_SIZE);
    tc_u3v_plan_like_aravis(&p, s->payload, align);
    s->max_leader = (leader + align - 1) / align * align;
    s->max_trailer = (trailer + align - 1) / align * align;
    s->transfer_size = p.transfer_size;
    s->transfer_count = p.transfer_count;
    s->final1 = p.final1_size;
    return write_u32(H, sirm + TC_SIRM_MAX_LEADER_SIZE, s->max_leader) == 0 &&
           write_u32(H, sirm + TC_SIRM_MAX_TRAILER_SIZE, s->max_trailer) == 0 &&
           write_u32(H, sirm + TC_SIRM_PAYLOAD_TRANSFER_SIZE, s->transfer_size) == 0 &&
           write_u32(H, sirm + TC_SIRM_PAYLOAD_TRANSFER_COUNT, s->transfer_count) == 0 &&
           write_u32(H, sirm + TC_SIRM_FINAL_TRANSFER1_SIZE, s->final1) == 0 &&
           write_u32(H, sirm + TC_SIRM_FINAL_TRANSFER2_SIZE, 0) == 0 &&
           write_u32(H, sirm + TC_SIRM_CONTROL, TC_SIRM_CONTROL_STREAM_ENABLE) == 0;
}

static void stream_disable(host *H)
{
    uint64_t sirm = read_u64(H, TC_U3V_SBRM_ADDRESS + TC_SBRM_SIRM_ADDRESS);
    write_u32(H, sirm + TC_SIRM_CONTROL, 0);
}

/* Read one frame: leader, payload transfers, trailer. Returns the payload
 * bytes received, or -1; fills the leader's block id, format and size. */
static int64_t read_frame(host *H, const stream_cfg *s, uint8_t *payload, uint64_t *block,
                          uint32_t *format, uint32_t *w, uint32_t *h, uint16_t *trailer_status)
{
    static uint8_t lt[65536];
    int n = 0;
    for (int tries = 0;; tries++) {
        if (libusb_bulk_transfer(H->h, H->stream_in, lt, (int)s->max_leader, &n, 120000) != 0 || n < 52 ||
            tc_load_le32(lt) != TC_U3V_LEADER_PREFIX)
            return -1;
        *block = tc_load_le64(lt + 8);
        *format = tc_load_le32(lt + 28);
        *w = tc_load_le32(lt + 32);
        *h = tc_load_le32(lt + 36);
        /* A leader of the previous stream: the device abandoned that frame
         * when the stream was disabled, but its leader had already gone
         * into the controller's FIFO (dummy_hcd emulates a 64-byte one, as
         * real UDCs have). A host resynchronises on the next leader, as
         * Aravis does; so does this one, and says so. */
        if (*w == H->expect_w && *h == H->expect_h)
            break;
        printf("note: skipped a leader left from the previous stream (block %" PRIu64 ", %ux%u)\n",
               *block, *w, *h);
        if (tries == 2)
            return -1;
    }
    uint64_t got = 0;
    for (uint32_t k = 0; k <= s->transfer_count; k++) {
        uint32_t size = k < s->transfer_count ? s->transfer_size : s->final1;
        if (!size)
            continue;
        if (libusb_bulk_transfer(H->h, H->stream_in, payload + got, (int)size, &n, 120000) != 0)
            return -1;
        got += (uint64_t)n;
    }
    if (libusb_bulk_transfer(H->h, H->stream_in, lt, (int)s->max_trailer, &n, 120000) != 0 || n < 32 ||
        tc_load_le32(lt) != TC_U3V_TRAILER_PREFIX || tc_load_le64(lt + 8) != *block)
        return -1;
    *trailer_status = tc_load_le16(lt + 16);
    return (int64_t)got;
}

/* Stream `frames` frames with the current settings and compare the first
 * with the reference camera's next frame. Block ids run on from camera
 * open, and the temporal noise is keyed on them: with `same_block` both
 * cameras must be at the same block (fresh ones are), otherwise the
 * comparison needs the temporal noise off. */
static void check_stream(host *H, tc_camera *ref, const char *what, int frames, bool same_block)
{
    stream_cfg s;
    int64_t w64 = 0, h64 = 0;
    tc_get_int(ref, "Width", &w64);
    tc_get_int(ref, "Height", &h64);
    H->expect_w = (uint32_t)w64;
    H->expect_h = (uint32_t)h64;
    CHECK(stream_enable(H, &s), "%s: SIRM programmed (payload %" PRIu64 " B = %u x %u + %u), stream enabled",
          what, s.payload, s.transfer_count, s.transfer_size, s.final1);
    uint8_t *buf = malloc(s.payload + 1024 * 1024);
    /* AcquisitionStart is a slow command (TC_FF_SLOW): announced with a
     * PENDING_ACK before its ack, on every U3V port */
    unsigned pend0 = H->pending_acks;
    CHECK(execute(H, "AcquisitionStart") == 0, "%s: AcquisitionStart", what);
    CHECK(H->pending_acks == pend0 + 1, "%s: AcquisitionStart announced by one PENDING_ACK (%u)", what,
          H->pending_acks - pend0);
    double t0 = now_s(), t1 = t0;
    uint64_t bytes = 0;
    int good = 0;
    for (int i = 0; i < frames; i++) {
        uint64_t block = 0;
        uint32_t fmt = 0, w = 0, h = 0;
        uint16_t ts = 0xFFFF;
        int64_t n = read_frame(H, &s, buf, &block, &fmt, &w, &h, &ts);
        if (i == 0)
            t1 = now_s(); /* rate from the first frame on: rendering the first is start-up */
        else if (n == (int64_t)s.payload && ts == 0)
            bytes += (uint64_t)n;
        CHECK(n == (int64_t)s.payload && ts == 0, "%s: frame %d: block %" PRIu64 ", %ux%u, format 0x%08x, %" PRId64 " B, trailer status 0x%04x",
              what, i, block, w, h, fmt, n, ts);
        if (n != (int64_t)s.payload)
            break;
        good++;
        if (i == 0) {
            tc_frame f;
            int rc = tc_start(ref);
            if (rc == 0)
                rc = tc_wait_frame(ref, &f, 600000);
            CHECK(rc == 0 && f.size == s.payload && f.width == w && f.height == h &&
                      f.pixel_format == fmt && (!same_block || f.block_id == block) &&
                      !memcmp(f.data, buf, f.size),
                  "%s: block %" PRIu64 " equals the in-process camera's block %" PRIu64 " (same serial, seed and settings)",
                  what, block, rc == 0 ? f.block_id : 0);
            if (rc == 0)
                tc_release_frame(ref, &f);
            tc_stop(ref);
        }
    }
    double t2 = now_s();
    CHECK(execute(H, "AcquisitionStop") == 0, "%s: AcquisitionStop", what);
    stream_disable(H);
    if (good > 1)
        printf("rate: %s: %d frames after the first in %.2f s: %.3f frames/s, %.2f MB/s\n", what,
               good - 1, t2 - t1, (good - 1) / (t2 - t1), (double)bytes / 1e6 / (t2 - t1));
    free(buf);
}

/* The device vid:pid, on USB bus `bus` when bus > 0 (the same gadget can
 * show up twice: on dummy_hcd and through USB/IP on vhci_hcd). */
static libusb_device_handle *open_on_bus(libusb_context *usb, uint16_t vid, uint16_t pid, int bus)
{
    libusb_device **list;
    libusb_device_handle *h = NULL;
    ssize_t n = libusb_get_device_list(usb, &list);
    for (ssize_t i = 0; i < n && !h; i++) {
        struct libusb_device_descriptor d;
        if (libusb_get_device_descriptor(list[i], &d) == 0 && d.idVendor == vid && d.idProduct == pid &&
            (bus <= 0 || libusb_get_bus_number(list[i]) == bus) && libusb_open(list[i], &h) != 0)
            h = NULL;
    }
    if (n >= 0)
        libusb_free_device_list(list, 1);
    return h;
}

static int raw_bulk(double seconds, uint16_t vid, uint16_t pid, int bus)
{
    libusb_context *usb;
    if (libusb_init(&usb) != 0)
        return 1;
    libusb_device_handle *h = open_on_bus(usb, vid, pid, bus);
    if (!h) {
        printf("FAIL: no device %04x:%04x (bus %d)\n", vid, pid, bus);
        return 1;
    }
    struct libusb_config_descriptor *cfg;
    uint8_t ep = 0;
    int intf = 0;
    if (libusb_get_active_config_descriptor(libusb_get_device(h), &cfg) == 0) {
        for (int i = 0; i < cfg->bNumInterfaces && !ep; i++) {
            const struct libusb_interface_descriptor *d = &cfg->interface[i].altsetting[0];
            for (int e = 0; e < d->bNumEndpoints && !ep; e++)
                if ((d->endpoint[e].bmAttributes & 3) == LIBUSB_TRANSFER_TYPE_BULK &&
                    (d->endpoint[e].bEndpointAddress & 0x80)) {
                    ep = d->endpoint[e].bEndpointAddress;
                    intf = d->bInterfaceNumber;
                }
        }
        libusb_free_config_descriptor(cfg);
    }
    libusb_set_auto_detach_kernel_driver(h, 1);
    if (!ep || libusb_claim_interface(h, intf) != 0) {
        printf("FAIL: no bulk IN endpoint to read\n");
        return 1;
    }
    static uint8_t buf[1 << 20];
    uint64_t total = 0;
    int n = 0, rc = 0;
    double t0 = now_s();
    while (now_s() - t0 < seconds && (rc = libusb_bulk_transfer(h, ep, buf, sizeof(buf), &n, 5000)) == 0)
        total += (uint64_t)n;
    double dt = now_s() - t0;
    printf("raw bulk: endpoint 0x%02x, speed %d: %" PRIu64 " B in %.2f s = %.2f MB/s%s\n", ep,
           libusb_get_device_speed(libusb_get_device(h)), total, dt, (double)total / 1e6 / dt,
           rc ? " (stopped by an error)" : "");
    libusb_release_interface(h, intf);
    libusb_close(h);
    libusb_exit(usb);
    return total ? 0 : 1;
}

int main(int argc, char **argv)
{
    int frames = 3;
    const char *serial = NULL;
    unsigned long long seed = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--raw-bulk") && i + 3 < argc)
            return raw_bulk(atof(argv[i + 1]), (uint16_t)strtoul(argv[i + 2], NULL, 16),
                            (uint16_t)strtoul(argv[i + 3], NULL, 16), i + 4 < argc ? atoi(argv[i + 4]) : 0);
        else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
            frames = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--serial") && i + 1 < argc)
            serial = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "usage: %s [--frames N] [--serial S] [--seed N] | --raw-bulk SECONDS VID PID [BUS]\n",
                    argv[0]);
            return 2;
        }
    }
    host H = { .max_ack = 1024, .max_cmd = 1024 };
    if (libusb_init(&H.usb) != 0)
        return 1;
    H.h = libusb_open_device_with_vid_pid(H.usb, TC_U3V_VENDOR_ID, TC_U3V_PRODUCT_ID);
    CHECK(H.h != NULL, "device %04x:%04x found and opened", TC_U3V_VENDOR_ID, TC_U3V_PRODUCT_ID);
    if (!H.h)
        return 1;
    int speed = libusb_get_device_speed(libusb_get_device(H.h));
    CHECK(speed == LIBUSB_SPEED_SUPER, "enumerated at SuperSpeed (libusb speed %d)", speed);
    CHECK(find_endpoints(&H), "U3V interfaces: control %d (OUT 0x%02x, IN 0x%02x), stream %d (IN 0x%02x)",
          H.ctrl_if, H.ctrl_out, H.ctrl_in, H.stream_if, H.stream_in);
    if (libusb_claim_interface(H.h, H.ctrl_if) != 0 || libusb_claim_interface(H.h, H.stream_if) != 0) {
        CHECK(false, "claim the control and stream interfaces");
        return 1;
    }
    libusb_clear_halt(H.h, H.stream_in); /* as Aravis does before streaming */

    tc_options o;
    tc_options_init(&o);
    o.serial = serial;
    o.noise_seed = seed;
    tc_camera *ref = NULL;
    if (tc_camera_open(&o, &ref) != 0) {
        CHECK(false, "open the in-process reference camera");
        return 1;
    }
    check_bootstrap(&H, ref);
    check_xml(&H, ref);

    /* Same seed on both, and no self-heating (the dark current then depends
     * on nothing but the settings): frames must agree bit for bit. */
    char seed_text[32];
    snprintf(seed_text, sizeof(seed_text), "%llu", seed);
    CHECK(set_both(&H, ref, "TwinNoiseSeed", seed_text) && set_both(&H, ref, "TwinSelfHeating", "false"),
          "TwinNoiseSeed=%s, TwinSelfHeating=false written and read back", seed_text);
    bool aoi = set_both(&H, ref, "Width", "1200") && set_both(&H, ref, "Height", "800") &&
               set_both(&H, ref, "OffsetX", "1000") && set_both(&H, ref, "OffsetY", "1000") &&
               set_both(&H, ref, "PixelFormat", "BayerGR12p");
    CHECK(aoi, "AOI 1200x800+1000+1000 BayerGR12p written and read back");
    /* A refused write leaves the value as it was. */
    const tc_register *wr = feature_register("Width");
    uint8_t bad[8] = { 0 }, back[8] = { 0 };
    tc_store_le32(bad, 4057);
    int st = wr ? writemem(&H, wr->address, bad, (uint16_t)wr->length) : -1;
    int rd = wr ? readmem(&H, wr->address, back, (uint16_t)wr->length) : -1;
    CHECK(st == TC_U3V_INVALID_PARAMETER && rd == 0 && tc_load_le32(back) == 1200,
          "Width=4057 refused (status 0x%04x), Width still %u", st, tc_load_le32(back));
    if (aoi)
        check_stream(&H, ref, "AOI 1200x800 BayerGR12p", 2, true);
    /* The device has run on while its stream was stopped: its block ids
     * are ahead of the reference's, so the next comparison is without
     * temporal noise (fixed-pattern noise, from the serial, stays). */
    bool full = set_both(&H, ref, "TwinNoiseEnable", "false") && set_both(&H, ref, "OffsetX", "0") && set_both(&H, ref, "OffsetY", "0") &&
                set_both(&H, ref, "Width", "4056") && set_both(&H, ref, "Height", "3040") &&
                set_both(&H, ref, "PixelFormat", "BayerGR8");
    CHECK(full, "TwinNoiseEnable=false, full frame 4056x3040 BayerGR8 written and read back");
    if (full)
        check_stream(&H, ref, "full 4056x3040 BayerGR8", frames, false);

    tc_camera_close(ref);
    libusb_release_interface(H.h, H.ctrl_if);
    libusb_release_interface(H.h, H.stream_if);
    libusb_close(H.h);
    libusb_exit(H.usb);
    printf("%s: %d failed\n", failures ? "FAIL" : "PASS", failures);
    return failures ? 1 : 0;
}
