/* libFuzzer harness: the GenTL producer's ABI (src/gentl/) driven by a byte
 * script of calls with hostile arguments: null, forged, stale and wrong-kind
 * handles, short and null buffers and sizes, unknown info commands, queue
 * operations and acquisition on a (deterministic, small-AOI) camera, modules
 * closed in any order. Each input starts with GCInitLib and ends with
 * GCCloseLib, so LeakSanitizer sees every module freed. Checks: no crash, no
 * leak, every return is GC_ERR_SUCCESS or a GenTL error code, and a size
 * query's answer is enough for the copy that follows. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/feature.h"
#include "gentl/gentl_abi.h"

typedef struct script {
    const uint8_t *p;
    size_t n;
} script;

static uint8_t byte(script *s)
{
    if (!s->n)
        return 0;
    s->n--;
    return *s->p++;
}

static uint64_t u64(script *s, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v = v << 8 | byte(s);
    return v;
}

#define SLOTS 24
static void *slot[SLOTS];
static unsigned next_slot;
static uint8_t scratch[4096];
static uint8_t announced[2][8192];

static void keep(void *h)
{
    slot[next_slot++ % SLOTS] = h;
}

/* Any handle: a live or stale one from earlier calls, NULL, or forged. */
static void *handle(script *s)
{
    uint8_t b = byte(s);
    if (b < 3 * SLOTS)
        return slot[b % SLOTS];
    if (b < 240)
        return NULL;
    return (void *)(uintptr_t)u64(s, 8);
}

static size_t *size_arg(script *s, size_t *storage)
{
    uint8_t b = byte(s);
    if (b == 0)
        return NULL;
    *storage = b < 128 ? b : b < 250 ? (size_t)(b - 128) * 32 : sizeof(scratch);
    if (*storage > sizeof(scratch))
        *storage = sizeof(scratch);
    return storage;
}

static void check(GC_ERROR rc)
{
    if (rc != GC_ERR_SUCCESS && (rc > GC_ERR_ERROR || rc < GC_ERR_AMBIGUOUS))
        abort();
}

/* The size rule: a query (NULL buffer) gives a size that then suffices. */
typedef GC_ERROR (*info_fn)(void *h, int32_t cmd, INFO_DATATYPE *t, void *buf, size_t *size);

static void info_rule(GC_ERROR query_rc, size_t need, GC_ERROR copy_rc)
{
    if (query_rc == GC_ERR_SUCCESS && need <= sizeof(scratch) && copy_rc == GC_ERR_BUFFER_TOO_SMALL)
        abort();
}

static const char *string_arg(script *s)
{
    static const char *known[] = { "twincam-inproc", "TC000001", "TC000002", "Stream0", "", "TC00000" };
    uint8_t b = byte(s);
    if (b < 6 * 20)
        return known[b % 6];
    if (b < 250)
        return NULL;
    static char junk[8];
    for (int i = 0; i < 7; i++)
        junk[i] = (char)byte(s);
    junk[7] = 0;
    return junk;
}

static uint64_t address(script *s)
{
    static const char *features[] = { "Width", "Height", "PixelFormat", "AcquisitionStart",
                                      "AcquisitionStop", "PayloadSize", "DeviceSerialNumber",
                                      "TLParamsLocked", "AcquisitionMode" };
    uint8_t b = byte(s);
    if (b < 9 * 16) {
        const tc_feature *f = tc_feature_find(features[b % 9]);
        return f ? f->address : 0;
    }
    if (b < 200)
        return 0x100000 + u64(s, 2);
    if (b < 230)
        return (uint64_t)(b - 200) * 0x40;
    return u64(s, 8);
}

static void one_call(script *s)
{
    INFO_DATATYPE type;
    size_t size_storage, *size;
    GC_ERROR rc = GC_ERR_SUCCESS;
    void *h = NULL, *out = NULL;
    bool8_t changed;
    switch (byte(s) % 30) {
    case 0: rc = TLOpen(byte(s) ? &out : NULL); keep(out); break;
    case 1: h = handle(s); rc = TLOpenInterface(h, string_arg(s), byte(s) ? &out : NULL); keep(out); break;
    case 2: rc = IFUpdateDeviceList(handle(s), byte(s) ? &changed : NULL, 0); break;
    case 3:
        h = handle(s);
        rc = IFOpenDevice(h, string_arg(s), (DEVICE_ACCESS_FLAGS)(byte(s) % 6), byte(s) ? &out : NULL);
        keep(out);
        break;
    case 4: rc = DevGetPort(handle(s), byte(s) ? &out : NULL); keep(out); break;
    case 5: h = handle(s); rc = DevOpenDataStream(h, string_arg(s), byte(s) ? &out : NULL); keep(out); break;
    case 6: h = handle(s); rc = DSAllocAndAnnounceBuffer(h, (size_t)u64(s, 2), NULL, &out); keep(out); break;
    case 7: {
        h = handle(s);
        uint8_t which = byte(s) & 1;
        rc = DSAnnounceBuffer(h, byte(s) ? announced[which] : NULL, byte(s) * 32u, scratch, &out);
        keep(out);
        break;
    }
    case 8: h = handle(s); rc = DSQueueBuffer(h, handle(s)); break;
    case 9: h = handle(s); rc = DSFlushQueue(h, (ACQ_QUEUE_TYPE)(byte(s) % 7) - 1); break;
    case 10: h = handle(s); rc = DSStartAcquisition(h, byte(s) % 3 == 0, byte(s) ? byte(s) : GENTL_INFINITE); break;
    case 11: h = handle(s); rc = DSStopAcquisition(h, (ACQ_STOP_FLAGS)(byte(s) % 3)); break;
    case 12: {
        h = handle(s);
        uint64_t a = address(s);
        size = size_arg(s, &size_storage);
        rc = GCReadPort(h, a, byte(s) ? scratch : NULL, size);
        break;
    }
    case 13: {
        h = handle(s);
        uint64_t a = address(s);
        size = size_arg(s, &size_storage);
        for (unsigned i = 0; i < 8; i++)
            scratch[i] = byte(s);
        rc = GCWritePort(h, a, byte(s) ? scratch : NULL, size);
        break;
    }
    case 14: { /* every info query, by the size rule */
        static const info_fn fns[] = {
            (info_fn)TLGetInfo, (info_fn)IFGetInfo, (info_fn)DevGetInfo, (info_fn)DSGetInfo,
            (info_fn)GCGetPortInfo, (info_fn)EventGetInfo,
        };
        info_fn fn = fns[byte(s) % 6];
        h = handle(s);
        int32_t cmd = byte(s) < 250 ? byte(s) % 34 : (int32_t)u64(s, 4);
        size_t need = 0;
        GC_ERROR q = fn(h, cmd, byte(s) ? &type : NULL, NULL, &need);
        size_t have = need;
        GC_ERROR c = fn(h, cmd, &type, scratch, &have);
        info_rule(q, need, c);
        size = size_arg(s, &size_storage);
        rc = fn(h, cmd, &type, byte(s) ? scratch : NULL, size);
        check(q);
        check(c);
        break;
    }
    case 15: {
        h = handle(s);
        BUFFER_HANDLE b = handle(s);
        int32_t cmd = byte(s) % 34;
        size_t need = 0;
        GC_ERROR q = DSGetBufferInfo(h, b, cmd, &type, NULL, &need);
        size_t have = need;
        info_rule(q, need, DSGetBufferInfo(h, b, cmd, &type, scratch, &have));
        size = size_arg(s, &size_storage);
        rc = DSGetBufferInfo(h, b, cmd, &type, scratch, size);
        break;
    }
    case 16: {
        h = handle(s);
        uint32_t index = byte(s) % 4;
        int32_t cmd = byte(s) % 12;
        size_t need = 0;
        GC_ERROR q = GCGetPortURLInfo(h, index, cmd, &type, NULL, &need);
        size_t have = need;
        info_rule(q, need, GCGetPortURLInfo(h, index, cmd, &type, scratch, &have));
        size = size_arg(s, &size_storage);
        rc = GCGetPortURLInfo(h, index, cmd, &type, scratch, size);
        break;
    }
    case 17: h = handle(s); rc = GCRegisterEvent(h, (EVENT_TYPE)(byte(s) % 7) - 1, byte(s) ? &out : NULL); keep(out); break;
    case 18: h = handle(s); rc = GCUnregisterEvent(h, (EVENT_TYPE)(byte(s) % 7) - 1); break;
    case 19:
        h = handle(s);
        size = size_arg(s, &size_storage);
        rc = EventGetData(h, byte(s) ? scratch : NULL, size, 0); /* never blocks the fuzzer */
        break;
    case 20: {
        h = handle(s);
        size_t in = byte(s);
        for (unsigned i = 0; i < 24; i++)
            scratch[i] = byte(s);
        size = size_arg(s, &size_storage);
        rc = EventGetDataInfo(h, byte(s) ? scratch : NULL, in, byte(s) % 4, &type, scratch + 256, size);
        break;
    }
    case 21: rc = byte(s) & 1 ? EventKill(handle(s)) : EventFlush(handle(s)); break;
    case 22: {
        h = handle(s);
        void *mem, *priv;
        rc = DSRevokeBuffer(h, handle(s), byte(s) ? &mem : NULL, byte(s) ? &priv : NULL);
        break;
    }
    case 23:
        switch (byte(s) % 4) {
        case 0: rc = TLClose(handle(s)); break;
        case 1: rc = IFClose(handle(s)); break;
        case 2: rc = DevClose(handle(s)); break;
        default: rc = DSClose(handle(s)); break;
        }
        break;
    case 24: {
        h = handle(s);
        uint32_t index = byte(s) % 4;
        size = size_arg(s, &size_storage);
        char *buf = byte(s) ? (char *)scratch : NULL;
        switch (byte(s) % 4) {
        case 0: rc = TLGetInterfaceID(h, index, buf, size); break;
        case 1: rc = IFGetDeviceID(h, index, buf, size); break;
        case 2: rc = DevGetDataStreamID(h, index, buf, size); break;
        default: rc = GCGetPortURL(h, buf, size); break;
        }
        break;
    }
    case 25: {
        h = handle(s);
        PORT_REGISTER_STACK_ENTRY e[3];
        for (int i = 0; i < 3; i++)
            e[i] = (PORT_REGISTER_STACK_ENTRY){ address(s), scratch + 64 * i, byte(s) % 65 };
        size_t n = byte(s) % 4;
        rc = byte(s) & 1 ? GCReadPortStacked(h, e, &n) : GCWritePortStacked(h, e, &n);
        break;
    }
    case 26: {
        uint32_t n;
        h = handle(s);
        switch (byte(s) % 4) {
        case 0: rc = TLGetNumInterfaces(h, byte(s) ? &n : NULL); break;
        case 1: rc = IFGetNumDevices(h, byte(s) ? &n : NULL); break;
        case 2: rc = DevGetNumDataStreams(h, byte(s) ? &n : NULL); break;
        default: rc = GCGetNumPortURLs(h, byte(s) ? &n : NULL); break;
        }
        break;
    }
    case 27: {
        GC_ERROR code;
        size = size_arg(s, &size_storage);
        rc = GCGetLastError(byte(s) ? &code : NULL, byte(s) ? (char *)scratch : NULL, size);
        break;
    }
    case 28: rc = GCInitLib(); break;
    default: rc = GCCloseLib(); break;
    }
    check(rc);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    /* Two cameras on the virtual clock: frames as fast as the CPU makes them. */
    setenv("TWINCAM_GENTL_CAMERAS", "2:deterministic", 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    script s = { data, size };
    memset(slot, 0, sizeof(slot));
    next_slot = 0;
    GCInitLib();
    for (unsigned calls = 0; s.n && calls < 64; calls++)
        one_call(&s);
    GCCloseLib();
    return 0;
}
