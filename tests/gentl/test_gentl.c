/* A GenTL consumer, written from the standard's call sequences: it loads
 * twincam.cti with dlopen as any consumer does (the path in TWINCAM_CTI),
 * resolves the functions by name, and walks open TL -> enumerate -> open
 * device -> XML through the port URL -> features through the port ->
 * announce, queue, start -> events -> buffer info -> stop -> close; then the
 * hostile and threaded cases. Frames are compared byte for byte with the
 * in-process library's for the same serial, seed and settings. */
#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gentl/gentl_abi.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"

#define GENTL_FUNCTIONS(X) \
    X(GCInitLib) X(GCCloseLib) X(GCGetInfo) X(GCGetLastError) X(GCReadPort) X(GCWritePort) \
    X(GCGetPortURL) X(GCGetPortInfo) X(GCGetNumPortURLs) X(GCGetPortURLInfo) X(GCRegisterEvent) \
    X(GCUnregisterEvent) X(EventGetData) X(EventGetDataInfo) X(EventGetInfo) X(EventFlush) \
    X(EventKill) X(TLOpen) X(TLClose) X(TLGetInfo) X(TLGetNumInterfaces) X(TLGetInterfaceID) \
    X(TLGetInterfaceInfo) X(TLOpenInterface) X(TLUpdateInterfaceList) X(IFClose) X(IFGetInfo) \
    X(IFGetNumDevices) X(IFGetDeviceID) X(IFUpdateDeviceList) X(IFGetDeviceInfo) X(IFOpenDevice) \
    X(IFGetParentTL) X(DevGetPort) X(DevGetNumDataStreams) X(DevGetDataStreamID) \
    X(DevOpenDataStream) X(DevGetInfo) X(DevClose) X(DevGetParentIF) X(DSAnnounceBuffer) \
    X(DSAllocAndAnnounceBuffer) X(DSFlushQueue) X(DSStartAcquisition) X(DSStopAcquisition) \
    X(DSGetInfo) X(DSGetBufferID) X(DSClose) X(DSRevokeBuffer) X(DSQueueBuffer) X(DSGetBufferInfo) \
    X(DSGetBufferChunkData) X(DSGetParentDev) X(DSGetNumBufferParts) X(DSGetBufferPartInfo) \
    X(GCReadPortStacked) X(GCWritePortStacked)

static struct {
#define DECLARE(fn) __typeof__(fn) *fn;
    GENTL_FUNCTIONS(DECLARE)
} gt;

static void *lib;

static void load(void)
{
    if (lib)
        return;
    const char *path = getenv("TWINCAM_CTI");
    assert_non_null(path);
    lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        fail_msg("dlopen %s: %s", path, dlerror());
#define RESOLVE(fn) \
    gt.fn = (__typeof__(fn) *)dlsym(lib, #fn); \
    if (!gt.fn) \
        fail_msg("%s is not exported", #fn);
    GENTL_FUNCTIONS(RESOLVE)
}

/* The modules a test opens. */
typedef struct rig {
    TL_HANDLE tl;
    IF_HANDLE iface;
    DEV_HANDLE dev;
    PORT_HANDLE port;
    char *xml;
    size_t xml_len;
} rig;

static char *read_url_xml(PORT_HANDLE port, size_t *len_out, char *url_out, size_t url_cap)
{
    uint32_t n = 0;
    assert_int_equal(gt.GCGetNumPortURLs(port, &n), GC_ERR_SUCCESS);
    assert_int_equal(n, 1);
    /* size query, then copy */
    INFO_DATATYPE type = -1;
    size_t size = 0;
    assert_int_equal(gt.GCGetPortURLInfo(port, 0, URL_INFO_URL, &type, NULL, &size), GC_ERR_SUCCESS);
    assert_int_equal(type, INFO_DATATYPE_STRING);
    char url[256];
    assert_true(size > 0 && size <= sizeof(url));
    assert_int_equal(gt.GCGetPortURLInfo(port, 0, URL_INFO_URL, &type, url, &size), GC_ERR_SUCCESS);
    assert_int_equal(strlen(url) + 1, size);
    /* "Local:name;address;length", hexadecimal, as consumers parse it */
    char name[128];
    unsigned long long address, length;
    assert_int_equal(sscanf(url, "Local:%127[^;];%llx;%llx", name, &address, &length), 3);
    assert_true(length > 100 && length < 4u << 20);
    uint64_t reg = 0, fsize = 0;
    size = sizeof(reg);
    assert_int_equal(gt.GCGetPortURLInfo(port, 0, URL_INFO_FILE_REGISTER_ADDRESS, &type, &reg, &size), 0);
    size = sizeof(fsize);
    assert_int_equal(gt.GCGetPortURLInfo(port, 0, URL_INFO_FILE_SIZE, &type, &fsize, &size), 0);
    assert_int_equal(reg, address);
    assert_int_equal(fsize, length);
    char *xml = calloc(1, length + 1);
    assert_non_null(xml);
    size = length;
    assert_int_equal(gt.GCReadPort(port, address, xml, &size), GC_ERR_SUCCESS);
    assert_int_equal(size, length);
    if (url_out)
        snprintf(url_out, url_cap, "%s", url);
    *len_out = length;
    return xml;
}

static void open_rig(rig *r, const char *cameras)
{
    load();
    setenv("TWINCAM_GENTL_CAMERAS", cameras, 1);
    memset(r, 0, sizeof(*r));
    assert_int_equal(gt.GCInitLib(), GC_ERR_SUCCESS);
    assert_int_equal(gt.TLOpen(&r->tl), GC_ERR_SUCCESS);
    bool8_t changed;
    assert_int_equal(gt.TLUpdateInterfaceList(r->tl, &changed, 100), GC_ERR_SUCCESS);
    uint32_t n = 0;
    assert_int_equal(gt.TLGetNumInterfaces(r->tl, &n), GC_ERR_SUCCESS);
    assert_int_equal(n, 1);
    char id[64];
    size_t size = sizeof(id);
    assert_int_equal(gt.TLGetInterfaceID(r->tl, 0, id, &size), GC_ERR_SUCCESS);
    assert_int_equal(gt.TLOpenInterface(r->tl, id, &r->iface), GC_ERR_SUCCESS);
    assert_int_equal(gt.IFUpdateDeviceList(r->iface, &changed, 100), GC_ERR_SUCCESS);
    assert_true(changed);
    assert_int_equal(gt.IFGetNumDevices(r->iface, &n), GC_ERR_SUCCESS);
    assert_true(n >= 1);
    size = sizeof(id);
    assert_int_equal(gt.IFGetDeviceID(r->iface, 0, id, &size), GC_ERR_SUCCESS);
    assert_int_equal(gt.IFOpenDevice(r->iface, id, DEVICE_ACCESS_EXCLUSIVE, &r->dev), GC_ERR_SUCCESS);
    assert_int_equal(gt.DevGetPort(r->dev, &r->port), GC_ERR_SUCCESS);
    r->xml = read_url_xml(r->port, &r->xml_len, NULL, 0);
}

static void close_rig(rig *r)
{
    assert_int_equal(gt.DevClose(r->dev), GC_ERR_SUCCESS);
    assert_int_equal(gt.IFClose(r->iface), GC_ERR_SUCCESS);
    assert_int_equal(gt.TLClose(r->tl), GC_ERR_SUCCESS);
    assert_int_equal(gt.GCCloseLib(), GC_ERR_SUCCESS);
    free(r->xml);
}

/* A feature's register, from the XML as a consumer's GenApi finds it. */
static void reg_of(const char *xml, const char *feature, uint64_t *address, size_t *len)
{
    char key[96];
    snprintf(key, sizeof(key), "Name=\"%sReg\"", feature);
    const char *p = strstr(xml, key);
    if (!p) {
        snprintf(key, sizeof(key), "<StringReg Name=\"%s\"", feature);
        p = strstr(xml, key);
    }
    if (!p)
        fail_msg("no register node for %s", feature);
    const char *a = strstr(p, "<Address>"), *l = strstr(p, "<Length>");
    assert_non_null(a);
    assert_non_null(l);
    *address = strtoull(a + 9, NULL, 0);
    *len = strtoul(l + 8, NULL, 0);
}

static int64_t enum_value(const char *xml, const char *feature, const char *entry)
{
    char key[96];
    snprintf(key, sizeof(key), "<Enumeration Name=\"%s\"", feature);
    const char *p = strstr(xml, key);
    assert_non_null(p);
    snprintf(key, sizeof(key), "<EnumEntry Name=\"%s\"", entry);
    p = strstr(p, key);
    assert_non_null(p);
    return strtoll(strstr(p, "<Value>") + 7, NULL, 0);
}

static GC_ERROR set_int(rig *r, const char *feature, int64_t v)
{
    uint64_t a;
    size_t len;
    reg_of(r->xml, feature, &a, &len);
    uint8_t b[8];
    for (size_t i = 0; i < 8; i++)
        b[i] = (uint8_t)((uint64_t)v >> (8 * i)); /* the port is little-endian */
    return gt.GCWritePort(r->port, a, b, &len);
}

static int64_t get_int(rig *r, const char *feature)
{
    uint64_t a;
    size_t len;
    reg_of(r->xml, feature, &a, &len);
    uint8_t b[8] = { 0 };
    assert_int_equal(gt.GCReadPort(r->port, a, b, &len), GC_ERR_SUCCESS);
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return (int64_t)v;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the library, the System, the Interface ---- */

static void library_and_info(void **state)
{
    (void)state;
    load();
    TL_HANDLE tl;
    assert_int_equal(gt.TLOpen(&tl), GC_ERR_NOT_INITIALIZED);
    assert_int_equal(gt.GCInitLib(), GC_ERR_SUCCESS);
    assert_int_equal(gt.GCInitLib(), GC_ERR_RESOURCE_IN_USE);
    /* size query, short buffer, copy */
    INFO_DATATYPE type;
    size_t size = 0;
    assert_int_equal(gt.GCGetInfo(TL_INFO_ID, &type, NULL, &size), GC_ERR_SUCCESS);
    assert_int_equal(type, INFO_DATATYPE_STRING);
    assert_int_equal(size, strlen("twincam") + 1);
    char text[64];
    size_t short_size = 3;
    assert_int_equal(gt.GCGetInfo(TL_INFO_ID, &type, text, &short_size), GC_ERR_BUFFER_TOO_SMALL);
    GC_ERROR code;
    char why[256];
    size_t wlen = sizeof(why);
    assert_int_equal(gt.GCGetLastError(&code, why, &wlen), GC_ERR_SUCCESS);
    assert_int_equal(code, GC_ERR_BUFFER_TOO_SMALL);
    assert_true(strlen(why) > 0);
    size = sizeof(text);
    assert_int_equal(gt.GCGetInfo(TL_INFO_ID, &type, text, &size), GC_ERR_SUCCESS);
    assert_string_equal(text, "twincam");
    uint32_t major = 0, minor = 0;
    size = sizeof(major);
    assert_int_equal(gt.GCGetInfo(TL_INFO_GENTL_VER_MAJOR, &type, &major, &size), GC_ERR_SUCCESS);
    assert_int_equal(type, INFO_DATATYPE_UINT32);
    size = sizeof(minor);
    assert_int_equal(gt.GCGetInfo(TL_INFO_GENTL_VER_MINOR, &type, &minor, &size), GC_ERR_SUCCESS);
    assert_int_equal(major * 100 + minor, 105);
    size = sizeof(text);
    assert_int_equal(gt.GCGetInfo(TL_INFO_PATHNAME, &type, text, &size) == GC_ERR_SUCCESS ||
                         size > sizeof(text), 1);
    assert_int_equal(gt.GCGetInfo(12345, &type, text, &size), GC_ERR_INVALID_PARAMETER);

    assert_int_equal(gt.TLOpen(&tl), GC_ERR_SUCCESS);
    TL_HANDLE tl2;
    assert_int_equal(gt.TLOpen(&tl2), GC_ERR_RESOURCE_IN_USE);
    assert_int_equal(gt.TLClose(tl), GC_ERR_SUCCESS);
    assert_int_equal(gt.TLClose(tl), GC_ERR_INVALID_HANDLE); /* stale */
    assert_int_equal(gt.GCCloseLib(), GC_ERR_SUCCESS);
    assert_int_equal(gt.GCCloseLib(), GC_ERR_NOT_INITIALIZED);
}

static void config_and_enumeration(void **state)
{
    (void)state;
    rig r;
    /* two valid cameras, one item that does not parse */
    open_rig(&r, "TCA0001:seed=5:deterministic, TCB0002:state=/nonexistent-dir ,bad:colour=3");
    uint32_t n;
    assert_int_equal(gt.IFGetNumDevices(r.iface, &n), GC_ERR_SUCCESS);
    assert_int_equal(n, 2);
    char id[64];
    size_t size = sizeof(id);
    assert_int_equal(gt.IFGetDeviceID(r.iface, 1, id, &size), GC_ERR_SUCCESS);
    assert_string_equal(id, "TCB0002");
    assert_int_equal(gt.IFGetDeviceID(r.iface, 2, id, &size), GC_ERR_INVALID_INDEX);
    INFO_DATATYPE type;
    int32_t status;
    size = sizeof(status);
    assert_int_equal(gt.IFGetDeviceInfo(r.iface, "TCA0001", DEVICE_INFO_ACCESS_STATUS, &type, &status, &size), 0);
    assert_int_equal(status, DEVICE_ACCESS_STATUS_OPEN_READWRITE);
    size = sizeof(status);
    assert_int_equal(gt.IFGetDeviceInfo(r.iface, "TCB0002", DEVICE_INFO_ACCESS_STATUS, &type, &status, &size), 0);
    assert_int_equal(status, DEVICE_ACCESS_STATUS_READWRITE);
    assert_int_equal(gt.IFGetDeviceInfo(r.iface, "nope", DEVICE_INFO_ID, &type, id, &size), GC_ERR_INVALID_ID);
    DEV_HANDLE again;
    assert_int_equal(gt.IFOpenDevice(r.iface, "TCA0001", DEVICE_ACCESS_EXCLUSIVE, &again), GC_ERR_RESOURCE_IN_USE);
    /* the camera's own serial register says who it is */
    char serial[65] = { 0 };
    uint64_t a;
    size_t len;
    reg_of(r.xml, "DeviceSerialNumber", &a, &len);
    assert_int_equal(gt.GCReadPort(r.port, a, serial, &len), GC_ERR_SUCCESS);
    assert_string_equal(serial, "TCA0001");
    uint64_t freq;
    size = sizeof(freq);
    assert_int_equal(gt.DevGetInfo(r.dev, DEVICE_INFO_TIMESTAMP_FREQUENCY, &type, &freq, &size), 0);
    assert_int_equal(freq, 1000000000u);

    /* The Interface nodemap: DeviceSelector picks what DeviceID shows. */
    size_t ixml_len;
    char url[256];
    char *ixml = read_url_xml(r.iface, &ixml_len, url, sizeof(url));
    assert_non_null(strstr(url, "Local:twincam_Interface.xml;"));
    char portname[64];
    size = sizeof(portname);
    assert_int_equal(gt.GCGetPortInfo(r.iface, PORT_INFO_PORTNAME, &type, portname, &size), 0);
    char key[96];
    snprintf(key, sizeof(key), "<Port Name=\"%s\"", portname);
    assert_non_null(strstr(ixml, key));
    uint64_t sel_a, id_a;
    size_t sel_len, id_len;
    reg_of(ixml, "DeviceSelector", &sel_a, &sel_len);
    const char *p = strstr(ixml, "<StringReg Name=\"DeviceID\"");
    assert_non_null(p);
    id_a = strtoull(strstr(p, "<Address>") + 9, NULL, 0);
    id_len = 64;
    uint32_t one = 1;
    size = sizeof(one);
    assert_int_equal(gt.GCWritePort(r.iface, sel_a, &one, &size), GC_ERR_SUCCESS);
    char dev_id[64];
    assert_int_equal(gt.GCReadPort(r.iface, id_a, dev_id, &id_len), GC_ERR_SUCCESS);
    assert_string_equal(dev_id, "TCB0002");
    uint32_t two = 2; /* beyond the last device */
    size = sizeof(two);
    assert_int_equal(gt.GCWritePort(r.iface, sel_a, &two, &size), GC_ERR_INVALID_VALUE);
    free(ixml);

    /* the System's nodemap names its port as its XML does */
    size_t txml_len;
    char *txml = read_url_xml(r.tl, &txml_len, NULL, 0);
    size = sizeof(portname);
    assert_int_equal(gt.GCGetPortInfo(r.tl, PORT_INFO_PORTNAME, &type, portname, &size), 0);
    snprintf(key, sizeof(key), "<Port Name=\"%s\"", portname);
    assert_non_null(strstr(txml, key));
    free(txml);
    close_rig(&r);
}

/* Without the variable, the cameras come from $XDG_CONFIG_HOME/twincam/gentl.conf. */
static void config_file(void **state)
{
    (void)state;
    load();
    char dir[] = "/tmp/twincam-gentl-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/twincam", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/twincam/gentl.conf", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# test rig\nTCF0001:seed=2   # left camera\n\nTCF0002:deterministic\nnot a camera\n", f);
    fclose(f);
    unsetenv("TWINCAM_GENTL_CAMERAS");
    setenv("XDG_CONFIG_HOME", dir, 1);
    TL_HANDLE tl;
    IF_HANDLE ifh;
    assert_int_equal(gt.GCInitLib(), 0);
    assert_int_equal(gt.TLOpen(&tl), 0);
    assert_int_equal(gt.TLOpenInterface(tl, "twincam-inproc", &ifh), 0);
    uint32_t n = 0;
    assert_int_equal(gt.IFGetNumDevices(ifh, &n), 0);
    assert_int_equal(n, 2);
    char id[64];
    size_t size = sizeof(id);
    assert_int_equal(gt.IFGetDeviceID(ifh, 0, id, &size), 0);
    assert_string_equal(id, "TCF0001");
    size = sizeof(id);
    assert_int_equal(gt.IFGetDeviceID(ifh, 1, id, &size), 0);
    assert_string_equal(id, "TCF0002");
    assert_int_equal(gt.GCCloseLib(), 0);
    unsetenv("XDG_CONFIG_HOME");
    unlink(path);
    snprintf(path, sizeof(path), "%s/twincam", dir);
    rmdir(path);
    rmdir(dir);
}

/* ---- the remote device: XML and features through the port ---- */

static void remote_xml_and_features(void **state)
{
    (void)state;
    rig r;
    open_rig(&r, "TC000001:deterministic");
    /* the XML is the camera's own, in the byte order of the port */
    tc_camera *cam;
    assert_int_equal(tc_camera_open(NULL, &cam), 0);
    size_t len;
    const char *lib_xml = tc_camera_genicam_xml(cam, 0, &len);
    assert_int_equal(len, r.xml_len);
    assert_memory_equal(lib_xml, r.xml, len);
    tc_camera_close(cam);
    INFO_DATATYPE type;
    char name[64];
    size_t size = sizeof(name);
    assert_int_equal(gt.GCGetPortInfo(r.port, PORT_INFO_PORTNAME, &type, name, &size), 0);
    char key[96];
    snprintf(key, sizeof(key), "<Port Name=\"%s\"", name);
    assert_non_null(strstr(r.xml, key));
    bool8_t le = 0;
    size = sizeof(le);
    assert_int_equal(gt.GCGetPortInfo(r.port, PORT_INFO_LITTLE_ENDIAN, &type, &le, &size), 0);
    assert_true(le);
    assert_non_null(strstr(r.xml, "<Endianess>LittleEndian</Endianess>"));

    /* set and read back through the port */
    int64_t gr12 = enum_value(r.xml, "PixelFormat", "BayerGR12");
    int64_t payload8 = get_int(&r, "PayloadSize");
    assert_int_equal(set_int(&r, "PixelFormat", gr12), GC_ERR_SUCCESS);
    assert_int_equal(get_int(&r, "PixelFormat"), gr12);
    assert_int_equal(get_int(&r, "PayloadSize"), payload8 * 2);
    assert_int_equal(set_int(&r, "Width", 648), GC_ERR_SUCCESS);
    assert_int_equal(get_int(&r, "Width"), 648);
    /* a refused write: an error code and the camera's reason */
    assert_int_equal(set_int(&r, "Width", 100000), GC_ERR_INVALID_VALUE);
    GC_ERROR code;
    char why[256];
    size_t wlen = sizeof(why);
    assert_int_equal(gt.GCGetLastError(&code, why, &wlen), GC_ERR_SUCCESS);
    assert_int_equal(code, GC_ERR_INVALID_VALUE);
    assert_non_null(strstr(why, "Width"));
    assert_int_equal(get_int(&r, "Width"), 648);
    /* no register there */
    uint8_t b[4];
    size = 4;
    assert_int_equal(gt.GCReadPort(r.port, 0x4, b, &size), GC_ERR_INVALID_ADDRESS);
    /* stacked */
    uint64_t wa, ha;
    size_t wl, hl;
    reg_of(r.xml, "Width", &wa, &wl);
    reg_of(r.xml, "Height", &ha, &hl);
    uint32_t w = 0, h = 0;
    PORT_REGISTER_STACK_ENTRY e[2] = { { wa, &w, sizeof(w) }, { ha, &h, sizeof(h) } };
    size_t n = 2;
    assert_int_equal(gt.GCReadPortStacked(r.port, e, &n), GC_ERR_SUCCESS);
    assert_int_equal(n, 2);
    assert_int_equal(w, 648);
    assert_int_equal(h, get_int(&r, "Height"));
    close_rig(&r);
}

/* ---- streaming ---- */

static BUFFER_HANDLE wait_buffer(DS_HANDLE ds, EVENT_HANDLE ev)
{
    EVENT_NEW_BUFFER_DATA d;
    size_t size = sizeof(d);
    GC_ERROR rc = gt.EventGetData(ev, &d, &size, 20000);
    assert_int_equal(rc, GC_ERR_SUCCESS);
    assert_int_equal(size, sizeof(d));
    /* the standard's way to read the handle out of the event data */
    INFO_DATATYPE type;
    BUFFER_HANDLE h = NULL;
    size = sizeof(h);
    assert_int_equal(gt.EventGetDataInfo(ev, &d, sizeof(d), EVENT_DATA_ID, &type, &h, &size), 0);
    assert_ptr_equal(h, d.BufferHandle);
    (void)ds;
    return h;
}

static size_t binfo_size(DS_HANDLE ds, BUFFER_HANDLE b, BUFFER_INFO_CMD cmd)
{
    size_t v = 0, size = sizeof(v);
    INFO_DATATYPE type;
    assert_int_equal(gt.DSGetBufferInfo(ds, b, cmd, &type, &v, &size), GC_ERR_SUCCESS);
    assert_int_equal(type, INFO_DATATYPE_SIZET);
    return v;
}

static uint64_t binfo_u64(DS_HANDLE ds, BUFFER_HANDLE b, BUFFER_INFO_CMD cmd)
{
    uint64_t v = 0;
    size_t size = sizeof(v);
    INFO_DATATYPE type;
    assert_int_equal(gt.DSGetBufferInfo(ds, b, cmd, &type, &v, &size), GC_ERR_SUCCESS);
    assert_int_equal(type, INFO_DATATYPE_UINT64);
    return v;
}

static bool binfo_bool(DS_HANDLE ds, BUFFER_HANDLE b, BUFFER_INFO_CMD cmd)
{
    bool8_t v = 0;
    size_t size = sizeof(v);
    INFO_DATATYPE type;
    assert_int_equal(gt.DSGetBufferInfo(ds, b, cmd, &type, &v, &size), GC_ERR_SUCCESS);
    assert_int_equal(type, INFO_DATATYPE_BOOL8);
    return v != 0;
}

static void *binfo_ptr(DS_HANDLE ds, BUFFER_HANDLE b, BUFFER_INFO_CMD cmd)
{
    void *v = NULL;
    size_t size = sizeof(v);
    INFO_DATATYPE type;
    assert_int_equal(gt.DSGetBufferInfo(ds, b, cmd, &type, &v, &size), GC_ERR_SUCCESS);
    return v;
}

static void execute(rig *r, const char *command)
{
    assert_int_equal(set_int(r, command, 1), GC_ERR_SUCCESS);
}

enum { N_BUF = 3, N_FRAMES = 6, W = 1032, H = 256 }; /* Width: 24 + 12 k */

static void stream_frames(void **state)
{
    (void)state;
    rig r;
    open_rig(&r, "TCS0001:seed=11:deterministic");
    assert_int_equal(set_int(&r, "Width", W), 0);
    assert_int_equal(set_int(&r, "Height", H), 0);
    int64_t fmt = enum_value(r.xml, "PixelFormat", "BayerGR10g40IDS");
    assert_int_equal(set_int(&r, "PixelFormat", fmt), 0);
    size_t payload = (size_t)get_int(&r, "PayloadSize");

    char sid[32];
    size_t size = sizeof(sid);
    uint32_t n;
    assert_int_equal(gt.DevGetNumDataStreams(r.dev, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(gt.DevGetDataStreamID(r.dev, 0, sid, &size), 0);
    DS_HANDLE ds;
    assert_int_equal(gt.DevOpenDataStream(r.dev, sid, &ds), GC_ERR_SUCCESS);
    INFO_DATATYPE type;
    size_t ds_payload = 0;
    size = sizeof(ds_payload);
    assert_int_equal(gt.DSGetInfo(ds, STREAM_INFO_PAYLOAD_SIZE, &type, &ds_payload, &size), 0);
    assert_int_equal(ds_payload, payload);

    /* two buffers of ours, one of the producer's */
    uint8_t *mine[2];
    BUFFER_HANDLE b[N_BUF];
    int tags[N_BUF];
    for (int i = 0; i < 2; i++) {
        mine[i] = malloc(payload);
        assert_int_equal(gt.DSAnnounceBuffer(ds, mine[i], payload, &tags[i], &b[i]), GC_ERR_SUCCESS);
    }
    assert_int_equal(gt.DSAllocAndAnnounceBuffer(ds, payload, &tags[2], &b[2]), GC_ERR_SUCCESS);
    for (int i = 0; i < N_BUF; i++)
        assert_int_equal(gt.DSQueueBuffer(ds, b[i]), GC_ERR_SUCCESS);
    assert_int_equal(gt.DSQueueBuffer(ds, b[0]), GC_ERR_RESOURCE_IN_USE);
    EVENT_HANDLE ev;
    assert_int_equal(gt.GCRegisterEvent(ds, EVENT_NEW_BUFFER, &ev), GC_ERR_SUCCESS);
    /* the DataStream's own nodemap counts them */
    size_t sxml_len;
    char *sxml = read_url_xml(ds, &sxml_len, NULL, 0);
    uint64_t count_a;
    size_t count_len;
    reg_of(sxml, "StreamAnnouncedBufferCount", &count_a, &count_len);
    uint32_t count = 0;
    assert_int_equal(gt.GCReadPort(ds, count_a, &count, &count_len), GC_ERR_SUCCESS);
    assert_int_equal(count, N_BUF);
    free(sxml);

    /* the same camera in process, for the bytes */
    tc_options o;
    tc_options_init(&o);
    o.serial = "TCS0001";
    o.noise_seed = 11;
    o.deterministic = true;
    tc_camera *cam;
    assert_int_equal(tc_camera_open(&o, &cam), 0);
    assert_int_equal(tc_set_int(cam, "Width", W), 0);
    assert_int_equal(tc_set_int(cam, "Height", H), 0);
    assert_int_equal(tc_set_string(cam, "PixelFormat", "BayerGR10g40IDS"), 0);
    assert_int_equal(tc_start(cam), 0);

    assert_int_equal(gt.DSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, GENTL_INFINITE), GC_ERR_SUCCESS);
    assert_int_equal(gt.DSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, GENTL_INFINITE), GC_ERR_RESOURCE_IN_USE);
    assert_int_equal(set_int(&r, "TLParamsLocked", 1), 0);
    execute(&r, "AcquisitionStart");
    uint64_t last_id = 0, last_ts = 0;
    for (int k = 0; k < N_FRAMES; k++) {
        BUFFER_HANDLE got = wait_buffer(ds, ev);
        int i = got == b[0] ? 0 : got == b[1] ? 1 : got == b[2] ? 2 : -1;
        assert_true(i >= 0);
        assert_int_equal(i, k % N_BUF); /* queue order */
        assert_ptr_equal(binfo_ptr(ds, got, BUFFER_INFO_USER_PTR), &tags[i]);
        uint8_t *base = binfo_ptr(ds, got, BUFFER_INFO_BASE);
        if (i < 2)
            assert_ptr_equal(base, mine[i]);
        assert_int_equal(binfo_size(ds, got, BUFFER_INFO_SIZE_FILLED), payload);
        assert_int_equal(binfo_size(ds, got, BUFFER_INFO_WIDTH), W);
        assert_int_equal(binfo_size(ds, got, BUFFER_INFO_HEIGHT), H);
        assert_int_equal(binfo_size(ds, got, BUFFER_INFO_XOFFSET), get_int(&r, "OffsetX"));
        assert_int_equal(binfo_size(ds, got, BUFFER_INFO_PAYLOADTYPE), PAYLOAD_TYPE_IMAGE);
        assert_int_equal(binfo_u64(ds, got, BUFFER_INFO_PIXELFORMAT), (uint64_t)fmt);
        assert_int_equal(binfo_u64(ds, got, BUFFER_INFO_PIXELFORMAT_NAMESPACE), PIXELFORMAT_NAMESPACE_PFNC_32BIT);
        assert_false(binfo_bool(ds, got, BUFFER_INFO_IS_INCOMPLETE));
        assert_true(binfo_bool(ds, got, BUFFER_INFO_NEW_DATA));
        uint64_t id = binfo_u64(ds, got, BUFFER_INFO_FRAMEID);
        uint64_t ts = binfo_u64(ds, got, BUFFER_INFO_TIMESTAMP_NS);
        assert_int_equal(binfo_u64(ds, got, BUFFER_INFO_TIMESTAMP), ts); /* 1 GHz ticks */
        if (k) {
            assert_int_equal(id, last_id + 1);
            assert_true(ts > last_ts);
        }
        last_id = id;
        last_ts = ts;
        /* the same bytes the in-process library delivers */
        tc_frame f;
        assert_int_equal(tc_wait_frame(cam, &f, 20000), 0);
        assert_int_equal(f.block_id, id);
        assert_int_equal(f.timestamp_ns, ts);
        assert_int_equal(f.size, payload);
        assert_memory_equal(f.data, base, payload);
        tc_release_frame(cam, &f);
        assert_int_equal(gt.DSQueueBuffer(ds, got), GC_ERR_SUCCESS);
    }
    execute(&r, "AcquisitionStop");
    assert_int_equal(gt.DSStopAcquisition(ds, ACQ_STOP_FLAGS_DEFAULT), GC_ERR_SUCCESS);
    assert_int_equal(gt.DSStopAcquisition(ds, ACQ_STOP_FLAGS_DEFAULT), GC_ERR_NOT_AVAILABLE);
    tc_camera_close(cam);
    uint64_t delivered = 0;
    size = sizeof(delivered);
    assert_int_equal(gt.DSGetInfo(ds, STREAM_INFO_NUM_DELIVERED, &type, &delivered, &size), 0);
    assert_true(delivered >= N_FRAMES);
    bool8_t grabbing = 1;
    size = sizeof(grabbing);
    assert_int_equal(gt.DSGetInfo(ds, STREAM_INFO_IS_GRABBING, &type, &grabbing, &size), 0);
    assert_false(grabbing);

    /* a queued buffer cannot be revoked; flushed, it can */
    void *mem, *priv;
    assert_int_equal(gt.DSRevokeBuffer(ds, b[0], &mem, &priv), GC_ERR_BUSY);
    assert_int_equal(gt.DSFlushQueue(ds, ACQ_QUEUE_ALL_DISCARD), GC_ERR_SUCCESS);
    size_t queued = 9;
    size = sizeof(queued);
    assert_int_equal(gt.DSGetInfo(ds, STREAM_INFO_NUM_QUEUED, &type, &queued, &size), 0);
    assert_int_equal(queued, 0);
    for (int i = 0; i < N_BUF; i++) {
        assert_int_equal(gt.DSRevokeBuffer(ds, b[i], &mem, &priv), GC_ERR_SUCCESS);
        assert_ptr_equal(mem, i < 2 ? (void *)mine[i] : NULL);
        assert_ptr_equal(priv, &tags[i]);
    }
    assert_int_equal(gt.DSGetBufferInfo(ds, b[0], BUFFER_INFO_BASE, &type, &mem, &size), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.GCUnregisterEvent(ds, EVENT_NEW_BUFFER), GC_ERR_SUCCESS);
    assert_int_equal(gt.EventFlush(ev), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.DSClose(ds), GC_ERR_SUCCESS);
    free(mine[0]);
    free(mine[1]);
    /* the device closed, the camera is stopped and unlocked for the next host */
    DEV_HANDLE dev = r.dev;
    assert_int_equal(gt.DevClose(dev), 0);
    assert_int_equal(gt.IFOpenDevice(r.iface, "TCS0001", DEVICE_ACCESS_EXCLUSIVE, &r.dev), 0);
    assert_int_equal(gt.DevGetPort(r.dev, &r.port), 0);
    assert_int_equal(get_int(&r, "TLParamsLocked"), 0);
    close_rig(&r);
}

/* A buffer smaller than the frame: cut, flagged incomplete, EVENT_ERROR;
 * a frame with no buffer queued: an underrun, EVENT_ERROR, and (on the
 * deterministic clock) the frame waits for the next buffer, none is lost. */
static void short_buffer_and_underrun(void **state)
{
    (void)state;
    rig r;
    open_rig(&r, "TC000001:deterministic");
    assert_int_equal(set_int(&r, "Width", 264), 0);
    assert_int_equal(set_int(&r, "Height", 64), 0);
    size_t payload = (size_t)get_int(&r, "PayloadSize");
    DS_HANDLE ds;
    assert_int_equal(gt.DevOpenDataStream(r.dev, "Stream0", &ds), 0);
    BUFFER_HANDLE b;
    assert_int_equal(gt.DSAllocAndAnnounceBuffer(ds, payload / 2, NULL, &b), 0);
    assert_int_equal(gt.DSQueueBuffer(ds, b), 0);
    EVENT_HANDLE ev, err;
    assert_int_equal(gt.GCRegisterEvent(ds, EVENT_NEW_BUFFER, &ev), 0);
    assert_int_equal(gt.GCRegisterEvent(ds, EVENT_ERROR, &err), 0);
    assert_int_equal(gt.GCRegisterEvent(ds, EVENT_ERROR, &err), GC_ERR_RESOURCE_IN_USE);
    /* two frames: one fills the buffer, the next finds none */
    assert_int_equal(set_int(&r, "AcquisitionMode", enum_value(r.xml, "AcquisitionMode", "MultiFrame")), 0);
    assert_int_equal(set_int(&r, "AcquisitionFrameCount", 2), 0);
    assert_int_equal(gt.DSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, GENTL_INFINITE), 0);
    execute(&r, "AcquisitionStart");
    BUFFER_HANDLE got = wait_buffer(ds, ev);
    assert_ptr_equal(got, b);
    assert_true(binfo_bool(ds, b, BUFFER_INFO_IS_INCOMPLETE));
    assert_true(binfo_bool(ds, b, BUFFER_INFO_DATA_LARGER_THAN_BUFFER));
    assert_int_equal(binfo_size(ds, b, BUFFER_INFO_SIZE_FILLED), payload / 2);
    uint8_t data[sizeof(GC_ERROR) + 192];
    INFO_DATATYPE type;
    size_t size = sizeof(data);
    assert_int_equal(gt.EventGetData(err, data, &size, 20000), GC_ERR_SUCCESS);
    int32_t code = 0;
    size_t csize = sizeof(code);
    assert_int_equal(gt.EventGetDataInfo(err, data, size, EVENT_DATA_ID, &type, &code, &csize), 0);
    assert_int_equal(code, GC_ERR_BUFFER_TOO_SMALL);
    size = sizeof(data);
    assert_int_equal(gt.EventGetData(err, data, &size, 20000), GC_ERR_SUCCESS);
    csize = sizeof(code);
    assert_int_equal(gt.EventGetDataInfo(err, data, size, EVENT_DATA_ID, &type, &code, &csize), 0);
    assert_int_equal(code, GC_ERR_RESOURCE_EXHAUSTED);
    char text[200];
    size_t tsize = sizeof(text);
    assert_int_equal(gt.EventGetDataInfo(err, data, sizeof(data), EVENT_DATA_VALUE, &type, text, &tsize), 0);
    assert_non_null(strstr(text, "no buffer"));
    uint64_t underrun = 0;
    size = sizeof(underrun);
    assert_int_equal(gt.DSGetInfo(ds, STREAM_INFO_NUM_UNDERRUN, &type, &underrun, &size), 0);
    assert_int_equal(underrun, 1);
    uint64_t first = binfo_u64(ds, b, BUFFER_INFO_FRAMEID);
    assert_int_equal(gt.DSQueueBuffer(ds, b), 0);
    assert_ptr_equal(wait_buffer(ds, ev), b);
    assert_int_equal(binfo_u64(ds, b, BUFFER_INFO_FRAMEID), first + 1);
    assert_int_equal(gt.DSStopAcquisition(ds, ACQ_STOP_FLAGS_KILL), 0);
    /* closing the device closes its stream, buffers and events */
    close_rig(&r);
}

/* Producer-allocated buffers are rendered into in place (no copy): a
 * buffer the consumer holds keeps its bytes while the camera goes on into
 * the others, and BUFFER_INFO_BASE is always its own memory. */
static void held_buffers_keep_their_bytes(void **state)
{
    (void)state;
    rig r;
    open_rig(&r, "TC000001:deterministic");
    assert_int_equal(set_int(&r, "Width", 264), 0);
    assert_int_equal(set_int(&r, "Height", 64), 0);
    size_t payload = (size_t)get_int(&r, "PayloadSize");
    DS_HANDLE ds;
    assert_int_equal(gt.DevOpenDataStream(r.dev, "Stream0", &ds), 0);
    BUFFER_HANDLE b[3];
    void *own[3];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(gt.DSAllocAndAnnounceBuffer(ds, payload, NULL, &b[i]), 0);
        own[i] = binfo_ptr(ds, b[i], BUFFER_INFO_BASE);
        assert_non_null(own[i]);
        assert_int_equal(gt.DSQueueBuffer(ds, b[i]), 0);
    }
    EVENT_HANDLE ev;
    assert_int_equal(gt.GCRegisterEvent(ds, EVENT_NEW_BUFFER, &ev), 0);
    assert_int_equal(gt.DSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, GENTL_INFINITE), 0);
    execute(&r, "AcquisitionStart");
    BUFFER_HANDLE first = wait_buffer(ds, ev);
    uint8_t *held = binfo_ptr(ds, first, BUFFER_INFO_BASE);
    uint8_t *copy = malloc(payload);
    memcpy(copy, held, payload);
    uint64_t id = binfo_u64(ds, first, BUFFER_INFO_FRAMEID);
    /* four more frames through the other two buffers while it is held */
    for (int k = 0; k < 4; k++) {
        BUFFER_HANDLE got = wait_buffer(ds, ev);
        assert_ptr_not_equal(got, first);
        assert_int_equal(binfo_u64(ds, got, BUFFER_INFO_FRAMEID), id + 1 + (uint64_t)k);
        assert_int_equal(gt.DSQueueBuffer(ds, got), 0);
    }
    assert_memory_equal(held, copy, payload);
    assert_int_equal(binfo_size(ds, first, BUFFER_INFO_SIZE_FILLED), payload);
    int i = first == b[0] ? 0 : first == b[1] ? 1 : 2;
    assert_ptr_equal(held, own[i]);
    execute(&r, "AcquisitionStop");
    assert_int_equal(gt.DSStopAcquisition(ds, ACQ_STOP_FLAGS_DEFAULT), 0);
    assert_int_equal(gt.DSQueueBuffer(ds, first), 0);
    assert_ptr_equal(binfo_ptr(ds, first, BUFFER_INFO_BASE), own[i]);
    free(copy);
    close_rig(&r); /* buffers still queued: closed with the device */
}

/* Consumer buffers given back while the camera renders into them are never
 * written again: flushed while streaming (ACQ_QUEUE_ALL_DISCARD and
 * INPUT_TO_OUTPUT), after DSStopAcquisition with and without KILL, and with
 * the device closed mid-stream. Each buffer given back is revoked and filled
 * with a pattern that must survive the frames that follow, then freed (a
 * late write is then ASan's use after free). */
enum { GB_BUFFERS = 4, GB_ROUNDS = 16, GB_PATTERN = 0xC3 };

typedef struct given {
    uint8_t *mem[GB_ROUNDS * GB_BUFFERS];
    size_t n;
} given;

/* Revoke a buffer back with the consumer and mark it; false if it is still
 * being filled (the frame it holds is delivered into it). */
static bool give_back(DS_HANDLE ds, BUFFER_HANDLE b, uint8_t *mem, size_t payload, given *g)
{
    void *base = NULL, *priv;
    GC_ERROR rc = gt.DSRevokeBuffer(ds, b, &base, &priv);
    if (rc == GC_ERR_BUSY)
        return false;
    assert_int_equal(rc, GC_ERR_SUCCESS);
    assert_ptr_equal(base, mem);
    memset(mem, GB_PATTERN, payload);
    g->mem[g->n++] = mem;
    return true;
}

static void check_and_free(given *g, size_t payload)
{
    for (size_t k = 0; k < g->n; k++) {
        for (size_t i = 0; i < payload; i++)
            if (g->mem[k][i] != GB_PATTERN)
                fail_msg("byte %zu of a buffer given back was written", i);
        free(g->mem[k]);
    }
    g->n = 0;
}

static void pass_frames(DS_HANDLE ds, EVENT_HANDLE ev, int n)
{
    for (int k = 0; k < n; k++)
        assert_int_equal(gt.DSQueueBuffer(ds, wait_buffer(ds, ev)), GC_ERR_SUCCESS);
}

static void buffers_given_back_are_never_written(void **state)
{
    (void)state;
    rig r;
    open_rig(&r, "TC000001:deterministic");
    assert_int_equal(set_int(&r, "Height", 512), 0);
    size_t payload = (size_t)get_int(&r, "PayloadSize");
    DS_HANDLE ds;
    assert_int_equal(gt.DevOpenDataStream(r.dev, "Stream0", &ds), 0);
    EVENT_HANDLE ev;
    assert_int_equal(gt.GCRegisterEvent(ds, EVENT_NEW_BUFFER, &ev), 0);
    given g = { .n = 0 };
    for (int round = 0; round < GB_ROUNDS; round++) {
        uint8_t *mem[GB_BUFFERS];
        BUFFER_HANDLE b[GB_BUFFERS];
        for (int i = 0; i < GB_BUFFERS; i++) {
            mem[i] = malloc(payload);
            assert_non_null(mem[i]);
            assert_int_equal(gt.DSAnnounceBuffer(ds, mem[i], payload, NULL, &b[i]), 0);
            assert_int_equal(gt.DSQueueBuffer(ds, b[i]), 0);
        }
        assert_int_equal(gt.DSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, GENTL_INFINITE), 0);
        if (round == 0)
            execute(&r, "AcquisitionStart"); /* the camera runs on across the stream's stops */
        pass_frames(ds, ev, 1 + round % 3);
        check_and_free(&g, payload); /* frames went on since those came back */
        bool left[GB_BUFFERS];
        switch (round % 4) {
        case 0:
        case 1: /* while the stream runs: the camera renders into them */
            assert_int_equal(gt.DSFlushQueue(ds, round % 4 ? ACQ_QUEUE_INPUT_TO_OUTPUT : ACQ_QUEUE_ALL_DISCARD), 0);
            assert_int_equal(gt.DSFlushQueue(ds, ACQ_QUEUE_OUTPUT_DISCARD), 0);
            for (int i = 0; i < GB_BUFFERS; i++)
                left[i] = !give_back(ds, b[i], mem[i], payload, &g);
            { /* frames go on into two more buffers */
                uint8_t *more[2];
                BUFFER_HANDLE mb[2];
                for (int i = 0; i < 2; i++) {
                    more[i] = malloc(payload);
                    assert_int_equal(gt.DSAnnounceBuffer(ds, more[i], payload, NULL, &mb[i]), 0);
                    assert_int_equal(gt.DSQueueBuffer(ds, mb[i]), 0);
                }
                pass_frames(ds, ev, 3);
                for (size_t k = 0; k < g.n; k++) /* not written while the camera went on */
                    for (size_t i = 0; i < payload; i++)
                        if (g.mem[k][i] != GB_PATTERN)
                            fail_msg("round %d: byte %zu of a flushed buffer was written", round, i);
                assert_int_equal(gt.DSStopAcquisition(ds, ACQ_STOP_FLAGS_KILL), 0);
                assert_int_equal(gt.DSFlushQueue(ds, ACQ_QUEUE_ALL_DISCARD), 0);
                for (int i = 0; i < 2; i++)
                    assert_true(give_back(ds, mb[i], more[i], payload, &g));
            }
            break;
        default: /* stopped, then flushed */
            assert_int_equal(gt.DSStopAcquisition(ds, round % 4 == 2 ? ACQ_STOP_FLAGS_KILL : ACQ_STOP_FLAGS_DEFAULT), 0);
            assert_int_equal(gt.DSFlushQueue(ds, ACQ_QUEUE_ALL_DISCARD), 0);
            for (int i = 0; i < GB_BUFFERS; i++)
                left[i] = true;
            break;
        }
        for (int i = 0; i < GB_BUFFERS; i++) /* stopped and flushed: all back */
            if (left[i])
                assert_true(give_back(ds, b[i], mem[i], payload, &g));
    }
    /* the device closed while the camera renders into queued buffers */
    uint8_t *mem[GB_BUFFERS];
    for (int i = 0; i < GB_BUFFERS; i++) {
        BUFFER_HANDLE b;
        mem[i] = malloc(payload);
        assert_int_equal(gt.DSAnnounceBuffer(ds, mem[i], payload, NULL, &b), 0);
        assert_int_equal(gt.DSQueueBuffer(ds, b), 0);
    }
    assert_int_equal(gt.DSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, GENTL_INFINITE), 0);
    pass_frames(ds, ev, 2);
    close_rig(&r);
    for (int i = 0; i < GB_BUFFERS; i++)
        free(mem[i]);
    check_and_free(&g, payload);
}

/* DEVICE_ACCESS_READONLY: the remote port reads (the XML, the features),
 * and refuses every write with GC_ERR_ACCESS_DENIED, changing nothing; the
 * device reports itself open read-only, and closing it undoes nothing. */
static int32_t access_status(rig *r, const char *id)
{
    int32_t status = -1;
    INFO_DATATYPE type;
    size_t size = sizeof(status);
    assert_int_equal(gt.IFGetDeviceInfo(r->iface, id, DEVICE_INFO_ACCESS_STATUS, &type, &status, &size), 0);
    return status;
}

static void read_only_device(void **state)
{
    (void)state;
    rig r;
    open_rig(&r, "TC000001:deterministic");
    assert_int_equal(set_int(&r, "Width", 1032), 0);
    assert_int_equal(gt.DevClose(r.dev), 0);
    assert_int_equal(access_status(&r, "TC000001"), DEVICE_ACCESS_STATUS_READWRITE);
    assert_int_equal(gt.IFOpenDevice(r.iface, "TC000001", DEVICE_ACCESS_READONLY, &r.dev), GC_ERR_SUCCESS);
    assert_int_equal(access_status(&r, "TC000001"), DEVICE_ACCESS_STATUS_OPEN_READONLY);
    DEV_HANDLE again;
    assert_int_equal(gt.IFOpenDevice(r.iface, "TC000001", DEVICE_ACCESS_CONTROL, &again), GC_ERR_RESOURCE_IN_USE);
    assert_int_equal(gt.DevGetPort(r.dev, &r.port), 0);
    size_t len;
    char *xml = read_url_xml(r.port, &len, NULL, 0);
    assert_int_equal(len, r.xml_len);
    assert_memory_equal(xml, r.xml, len);
    free(xml);
    assert_int_equal(get_int(&r, "Width"), 1032);
    INFO_DATATYPE type;
    bool8_t can = 9;
    size_t size = sizeof(can);
    assert_int_equal(gt.GCGetPortInfo(r.port, PORT_INFO_ACCESS_READ, &type, &can, &size), 0);
    assert_true(can);
    size = sizeof(can);
    assert_int_equal(gt.GCGetPortInfo(r.port, PORT_INFO_ACCESS_WRITE, &type, &can, &size), 0);
    assert_false(can);
    /* every write refused, and nothing changed */
    assert_int_equal(set_int(&r, "Width", 264), GC_ERR_ACCESS_DENIED);
    assert_int_equal(set_int(&r, "AcquisitionStart", 1), GC_ERR_ACCESS_DENIED);
    GC_ERROR code;
    char text[256];
    size = sizeof(text);
    assert_int_equal(gt.GCGetLastError(&code, text, &size), 0);
    assert_int_equal(code, GC_ERR_ACCESS_DENIED);
    assert_non_null(strstr(text, "read-only"));
    uint64_t a;
    size_t alen;
    reg_of(r.xml, "Width", &a, &alen);
    uint32_t v = 264;
    PORT_REGISTER_STACK_ENTRY e = { .Address = a, .pBuffer = &v, .Size = alen };
    size_t n = 1;
    assert_int_equal(gt.GCWritePortStacked(r.port, &e, &n), GC_ERR_ACCESS_DENIED);
    assert_int_equal(n, 0);
    assert_int_equal(get_int(&r, "Width"), 1032);
    /* closed: nothing to undo, and a controlling host finds the settings */
    assert_int_equal(gt.DevClose(r.dev), 0);
    assert_int_equal(gt.IFOpenDevice(r.iface, "TC000001", DEVICE_ACCESS_CONTROL, &r.dev), 0);
    assert_int_equal(gt.DevGetPort(r.dev, &r.port), 0);
    assert_int_equal(get_int(&r, "Width"), 1032);
    assert_int_equal(set_int(&r, "Width", 264), 0);
    close_rig(&r);
}

/* ---- threads ---- */

typedef struct waiter {
    EVENT_HANDLE ev;
    GC_ERROR rc;
} waiter;

static void *wait_forever(void *arg)
{
    waiter *w = arg;
    EVENT_NEW_BUFFER_DATA d;
    size_t size = sizeof(d);
    w->rc = gt.EventGetData(w->ev, &d, &size, GENTL_INFINITE);
    return NULL;
}

static void events_timeouts_kill_and_close(void **state)
{
    (void)state;
    rig r;
    open_rig(&r, "TC000001"); /* real clock */
    DS_HANDLE ds;
    assert_int_equal(gt.DevOpenDataStream(r.dev, "Stream0", &ds), 0);
    EVENT_HANDLE ev;
    assert_int_equal(gt.GCRegisterEvent(ds, EVENT_NEW_BUFFER, &ev), 0);
    /* nothing comes: the timeout holds */
    EVENT_NEW_BUFFER_DATA d;
    size_t size = sizeof(d);
    int64_t t0 = now_ms();
    assert_int_equal(gt.EventGetData(ev, &d, &size, 80), GC_ERR_TIMEOUT);
    assert_true(now_ms() - t0 >= 75);
    /* no buffer, or a short one, is refused before waiting */
    size = sizeof(d);
    assert_int_equal(gt.EventGetData(ev, NULL, &size, 0), GC_ERR_INVALID_PARAMETER);
    size = 3;
    assert_int_equal(gt.EventGetData(ev, &d, &size, 0), GC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(size, sizeof(d));
    /* EventKill from another thread ends an infinite wait (or the next one) */
    waiter w = { ev, 0 };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, wait_forever, &w), 0);
    assert_int_equal(gt.EventKill(ev), GC_ERR_SUCCESS);
    pthread_join(th, NULL);
    assert_int_equal(w.rc, GC_ERR_ABORT);
    /* acquisition on the real clock, stopped with KILL mid-stream */
    BUFFER_HANDLE b[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(gt.DSAllocAndAnnounceBuffer(ds, (size_t)get_int(&r, "PayloadSize"), NULL, &b[i]), 0);
        assert_int_equal(gt.DSQueueBuffer(ds, b[i]), 0);
    }
    assert_int_equal(gt.DSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, GENTL_INFINITE), 0);
    execute(&r, "AcquisitionStart");
    assert_non_null(wait_buffer(ds, ev));
    assert_int_equal(gt.DSStopAcquisition(ds, ACQ_STOP_FLAGS_KILL), GC_ERR_SUCCESS);
    for (int i = 0; i < 2; i++) /* a buffer being filled went back to the input queue */
        assert_false(binfo_bool(ds, b[i], BUFFER_INFO_IS_ACQUIRING));
    bool8_t grabbing = 1;
    INFO_DATATYPE type;
    size = sizeof(grabbing);
    assert_int_equal(gt.DSGetInfo(ds, STREAM_INFO_IS_GRABBING, &type, &grabbing, &size), 0);
    assert_false(grabbing);
    /* a waiter blocked when its module closes returns, and nothing leaks */
    w.rc = 0;
    assert_int_equal(pthread_create(&th, NULL, wait_forever, &w), 0);
    assert_int_equal(gt.DSClose(ds), GC_ERR_SUCCESS);
    pthread_join(th, NULL);
    assert_true(w.rc == GC_ERR_ABORT || w.rc == GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.DSGetInfo(ds, STREAM_INFO_IS_GRABBING, &type, &grabbing, &size), GC_ERR_INVALID_HANDLE);
    close_rig(&r);
}

/* Several threads take buffers from one EVENT_NEW_BUFFER queue and queue
 * them again, while frames stream: every frame is handed to exactly one. */
enum { TAKERS = 3, PER_TAKER = 8 };

typedef struct taker {
    DS_HANDLE ds;
    EVENT_HANDLE ev;
    uint64_t ids[PER_TAKER];
    GC_ERROR rc;
} taker;

static void *take_frames(void *arg)
{
    taker *t = arg;
    for (int k = 0; k < PER_TAKER; k++) {
        EVENT_NEW_BUFFER_DATA d;
        size_t size = sizeof(d);
        if ((t->rc = gt.EventGetData(t->ev, &d, &size, 20000)) != GC_ERR_SUCCESS)
            return NULL;
        INFO_DATATYPE type;
        size = sizeof(t->ids[k]);
        if ((t->rc = gt.DSGetBufferInfo(t->ds, d.BufferHandle, BUFFER_INFO_FRAMEID, &type, &t->ids[k], &size)) ||
            (t->rc = gt.DSQueueBuffer(t->ds, d.BufferHandle)))
            return NULL;
    }
    return NULL;
}

static int by_id(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void events_from_many_threads(void **state)
{
    (void)state;
    rig r;
    open_rig(&r, "TC000001:deterministic");
    assert_int_equal(set_int(&r, "Width", 264), 0);
    assert_int_equal(set_int(&r, "Height", 64), 0);
    DS_HANDLE ds;
    assert_int_equal(gt.DevOpenDataStream(r.dev, "Stream0", &ds), 0);
    for (int i = 0; i < 5; i++) {
        BUFFER_HANDLE b;
        assert_int_equal(gt.DSAllocAndAnnounceBuffer(ds, (size_t)get_int(&r, "PayloadSize"), NULL, &b), 0);
        assert_int_equal(gt.DSQueueBuffer(ds, b), 0);
    }
    EVENT_HANDLE ev;
    assert_int_equal(gt.GCRegisterEvent(ds, EVENT_NEW_BUFFER, &ev), 0);
    /* exactly the frames the takers want, then the stream stops by itself */
    assert_int_equal(gt.DSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, TAKERS * PER_TAKER), 0);
    taker t[TAKERS];
    pthread_t th[TAKERS];
    for (int i = 0; i < TAKERS; i++) {
        t[i] = (taker){ .ds = ds, .ev = ev };
        assert_int_equal(pthread_create(&th[i], NULL, take_frames, &t[i]), 0);
    }
    execute(&r, "AcquisitionStart");
    uint64_t all[TAKERS * PER_TAKER];
    for (int i = 0; i < TAKERS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(t[i].rc, GC_ERR_SUCCESS);
        memcpy(all + i * PER_TAKER, t[i].ids, sizeof(t[i].ids));
    }
    qsort(all, TAKERS * PER_TAKER, sizeof(all[0]), by_id);
    for (int k = 1; k < TAKERS * PER_TAKER; k++)
        assert_int_equal(all[k], all[k - 1] + 1); /* none twice, none lost */
    uint64_t delivered = 0;
    INFO_DATATYPE type;
    size_t size = sizeof(delivered);
    assert_int_equal(gt.DSGetInfo(ds, STREAM_INFO_NUM_DELIVERED, &type, &delivered, &size), 0);
    assert_int_equal(delivered, TAKERS * PER_TAKER);
    bool8_t grabbing = 1;
    size = sizeof(grabbing);
    assert_int_equal(gt.DSGetInfo(ds, STREAM_INFO_IS_GRABBING, &type, &grabbing, &size), 0);
    assert_false(grabbing); /* iNumToAcquire reached */
    assert_int_equal(gt.DSStopAcquisition(ds, ACQ_STOP_FLAGS_DEFAULT), 0);
    close_rig(&r);
}

/* Closing the System with everything open and streaming frees it all. */
static void close_parent_first(void **state)
{
    (void)state;
    rig r;
    open_rig(&r, "2:deterministic");
    assert_int_equal(set_int(&r, "Width", 264), 0);
    assert_int_equal(set_int(&r, "Height", 64), 0);
    DS_HANDLE ds;
    assert_int_equal(gt.DevOpenDataStream(r.dev, "Stream0", &ds), 0);
    BUFFER_HANDLE b;
    assert_int_equal(gt.DSAllocAndAnnounceBuffer(ds, 1 << 20, NULL, &b), 0);
    assert_int_equal(gt.DSQueueBuffer(ds, b), 0);
    EVENT_HANDLE ev, tl_err;
    assert_int_equal(gt.GCRegisterEvent(ds, EVENT_NEW_BUFFER, &ev), 0);
    assert_int_equal(gt.GCRegisterEvent(r.tl, EVENT_ERROR, &tl_err), 0);
    assert_int_equal(gt.GCRegisterEvent(r.tl, EVENT_NEW_BUFFER, &tl_err), GC_ERR_NOT_IMPLEMENTED);
    DEV_HANDLE second;
    assert_int_equal(gt.IFOpenDevice(r.iface, "TC000002", DEVICE_ACCESS_CONTROL, &second), 0);
    assert_int_equal(gt.DSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, GENTL_INFINITE), 0);
    execute(&r, "AcquisitionStart");
    assert_non_null(wait_buffer(ds, ev));
    assert_int_equal(gt.TLClose(r.tl), GC_ERR_SUCCESS);
    INFO_DATATYPE type;
    size_t size = 8;
    uint64_t v;
    assert_int_equal(gt.DSGetInfo(ds, STREAM_INFO_NUM_DELIVERED, &type, &v, &size), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.DevClose(second), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.EventKill(ev), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.GCCloseLib(), GC_ERR_SUCCESS);
    free(r.xml);
    /* and GCCloseLib alone closes everything too */
    open_rig(&r, "1");
    assert_int_equal(gt.DevOpenDataStream(r.dev, "Stream0", &ds), 0);
    assert_int_equal(gt.DSAllocAndAnnounceBuffer(ds, 4096, NULL, &b), 0);
    assert_int_equal(gt.GCCloseLib(), GC_ERR_SUCCESS);
    free(r.xml);
}

/* ---- hostile arguments ---- */

static void hostile_arguments(void **state)
{
    (void)state;
    rig r;
    open_rig(&r, "1:deterministic");
    INFO_DATATYPE type;
    char buf[64];
    size_t size = sizeof(buf);
    void *forged = (void *)(uintptr_t)0xdeadbeef;
    /* null and forged handles */
    assert_int_equal(gt.TLGetInfo(NULL, TL_INFO_ID, &type, buf, &size), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.IFGetInfo(forged, INTERFACE_INFO_ID, &type, buf, &size), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.GCReadPort(NULL, 0, buf, &size), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.DSClose(forged), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.EventGetData(NULL, buf, &size, 0), GC_ERR_INVALID_HANDLE);
    /* a live handle of the wrong kind */
    assert_int_equal(gt.IFClose(r.dev), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.DevClose(r.port), GC_ERR_INVALID_HANDLE);
    assert_int_equal(gt.DSQueueBuffer(r.dev, r.iface), GC_ERR_INVALID_HANDLE);
    /* null out-parameters */
    assert_int_equal(gt.TLGetInfo(r.tl, TL_INFO_ID, &type, buf, NULL), GC_ERR_INVALID_PARAMETER);
    assert_int_equal(gt.TLGetNumInterfaces(r.tl, NULL), GC_ERR_INVALID_PARAMETER);
    assert_int_equal(gt.DevGetPort(r.dev, NULL), GC_ERR_INVALID_PARAMETER);
    size = 4;
    assert_int_equal(gt.GCReadPort(r.port, 0x10000, NULL, &size), GC_ERR_INVALID_PARAMETER);
    assert_int_equal(gt.IFOpenDevice(r.iface, NULL, DEVICE_ACCESS_CONTROL, NULL), GC_ERR_INVALID_PARAMETER);
    assert_int_equal(gt.TLOpenInterface(r.tl, NULL, &r.iface), GC_ERR_INVALID_ID);
    /* wrong info commands, short buffers */
    assert_int_equal(gt.DevGetInfo(r.dev, 999, &type, buf, &size), GC_ERR_INVALID_PARAMETER);
    size = 2;
    assert_int_equal(gt.DevGetInfo(r.dev, DEVICE_INFO_MODEL, &type, buf, &size), GC_ERR_BUFFER_TOO_SMALL);
    assert_true(size > 2);
    size = 1;
    assert_int_equal(gt.GCGetPortURLInfo(r.port, 0, URL_INFO_URL, &type, buf, &size), GC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(gt.GCGetPortURLInfo(r.port, 7, URL_INFO_URL, &type, buf, &size), GC_ERR_INVALID_INDEX);
    DS_HANDLE ds;
    assert_int_equal(gt.DevOpenDataStream(r.dev, "Stream9", &ds), GC_ERR_INVALID_ID);
    assert_int_equal(gt.DevOpenDataStream(r.dev, "Stream0", &ds), 0);
    BUFFER_HANDLE bh;
    assert_int_equal(gt.DSAnnounceBuffer(ds, NULL, 100, NULL, &bh), GC_ERR_INVALID_PARAMETER);
    assert_int_equal(gt.DSAllocAndAnnounceBuffer(ds, SIZE_MAX, NULL, &bh), GC_ERR_INVALID_PARAMETER);
    assert_int_equal(gt.DSFlushQueue(ds, 77), GC_ERR_INVALID_PARAMETER);
    assert_int_equal(gt.DSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, 0), GC_ERR_INVALID_PARAMETER);
    assert_int_equal(gt.DSGetBufferID(ds, 0, &bh), GC_ERR_INVALID_INDEX);
    assert_int_equal(gt.DSGetNumBufferParts(ds, NULL, NULL), GC_ERR_NOT_IMPLEMENTED);
    assert_int_equal(gt.DSGetBufferChunkData(ds, NULL, NULL, NULL), GC_ERR_NOT_IMPLEMENTED);
    /* a buffer of another stream is not this stream's */
    assert_int_equal(gt.DSAllocAndAnnounceBuffer(ds, 64, NULL, &bh), 0);
    assert_int_equal(gt.DSGetBufferInfo(ds, ds, BUFFER_INFO_BASE, &type, buf, &size), GC_ERR_INVALID_HANDLE);
    size = 1;
    assert_int_equal(gt.DSGetBufferInfo(ds, bh, BUFFER_INFO_BASE, &type, buf, &size), GC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(gt.DSGetBufferInfo(ds, bh, 4242, &type, buf, &size), GC_ERR_INVALID_PARAMETER);
    /* writes to read-only module registers, the XML, unknown addresses */
    uint32_t v = 1;
    size = 4;
    assert_int_equal(gt.GCWritePort(r.tl, 0, &v, &size), GC_ERR_ACCESS_DENIED);
    size = 4;
    assert_int_equal(gt.GCWritePort(r.port, 0x100000, &v, &size), GC_ERR_ACCESS_DENIED);
    size = 4;
    assert_int_equal(gt.GCReadPort(r.tl, 0xFFFFFFFFFFFFFFF0ull, &v, &size), GC_ERR_INVALID_ADDRESS);
    size = 16;
    assert_int_equal(gt.GCReadPort(r.port, 0x100000 + r.xml_len - 8, buf, &size), GC_ERR_INVALID_ADDRESS);
    GC_ERROR code;
    assert_int_equal(gt.GCGetLastError(&code, NULL, NULL), GC_ERR_INVALID_PARAMETER);
    close_rig(&r);
}

/* A failed test leaves its modules open: the next starts from scratch. */
static int close_all(void **state)
{
    (void)state;
    if (lib)
        gt.GCCloseLib();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(library_and_info, close_all),
        cmocka_unit_test_teardown(config_and_enumeration, close_all),
        cmocka_unit_test_teardown(config_file, close_all),
        cmocka_unit_test_teardown(remote_xml_and_features, close_all),
        cmocka_unit_test_teardown(stream_frames, close_all),
        cmocka_unit_test_teardown(short_buffer_and_underrun, close_all),
        cmocka_unit_test_teardown(held_buffers_keep_their_bytes, close_all),
        cmocka_unit_test_teardown(read_only_device, close_all),
        cmocka_unit_test_teardown(buffers_given_back_are_never_written, close_all),
        cmocka_unit_test_teardown(events_timeouts_kill_and_close, close_all),
        cmocka_unit_test_teardown(events_from_many_threads, close_all),
        cmocka_unit_test_teardown(close_parent_first, close_all),
        cmocka_unit_test_teardown(hostile_arguments, close_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
