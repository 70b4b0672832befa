/* Full frames through twincam.cti beside the in-process library, in one run:
 * a GenTL consumer (dlopen, announce, queue, EVENT_NEW_BUFFER, requeue) and
 * tc_wait_frame, on the deterministic clock (the camera renders as fast as
 * it can), same serial, seed and pixel format. Prints frames/s, Mpix/s and
 * the process CPU time per delivered megapixel, and GenTL's ratio to the
 * library. Run it on one core to see the cost of the port:
 *
 *   taskset -c 1 build/bench/gentl_bench build/src/gentl/twincam.cti [frames] [format]
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "gentl/gentl_abi.h"
#include "twincam/twincam.h"

#define MPIX (4056.0 * 3040 / 1e6)
#define N_BUFFERS 4

typedef struct figures {
    double fps, cpu_ms_per_mpix;
} figures;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

static figures measure(double t0, double c0, int n)
{
    double dt = now_s() - t0, dc = cpu_s() - c0;
    return (figures){ n / dt, dc * 1e3 / (n * MPIX) };
}

static int library(int n, const char *format, figures *out)
{
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    tc_camera *cam;
    tc_frame f;
    if (tc_camera_open(&o, &cam) != 0 || tc_set_string(cam, "PixelFormat", format) != 0 ||
        tc_start(cam) != 0 || tc_wait_frame(cam, &f, 10000) != 0)
        return -1;
    tc_release_frame(cam, &f); /* the first builds the cached mean image: not counted */
    for (int i = 0; i < 2 * N_BUFFERS; i++) { /* as many warm-up frames as GenTL's */
        if (tc_wait_frame(cam, &f, 10000) != 0)
            return -1;
        tc_release_frame(cam, &f);
    }
    double t0 = now_s(), c0 = cpu_s();
    for (int i = 0; i < n; i++) {
        if (tc_wait_frame(cam, &f, 10000) != 0)
            return -1;
        tc_release_frame(cam, &f);
    }
    *out = measure(t0, c0, n);
    tc_camera_close(cam);
    return 0;
}

#define FN(name) static __typeof__(name) *p##name;
FN(GCInitLib) FN(GCCloseLib) FN(TLOpen) FN(TLOpenInterface) FN(IFUpdateDeviceList) FN(IFOpenDevice)
FN(DevGetPort) FN(GCGetPortURLInfo) FN(GCReadPort) FN(GCWritePort) FN(DevOpenDataStream)
FN(DSAllocAndAnnounceBuffer) FN(DSAnnounceBuffer) FN(DSQueueBuffer) FN(GCRegisterEvent) FN(DSStartAcquisition)
FN(EventGetData) FN(DSStopAcquisition) FN(DSGetInfo)

/* The address of a feature's register, or of an enumeration entry's value,
 * from the camera's XML, as a GenApi would find them. */
static uint64_t xml_number(const char *xml, const char *start, const char *key, const char *tag)
{
    const char *p = strstr(xml, start);
    p = p && key ? strstr(p, key) : p;
    p = p ? strstr(p, tag) : NULL;
    return p ? strtoull(p + strlen(tag), NULL, 0) : 0;
}

static int write_u32(PORT_HANDLE port, uint64_t address, uint32_t v)
{
    size_t size = 4;
    return pGCWritePort(port, address, &v, &size); /* little-endian port, little-endian host */
}

static int gentl(const char *cti, int n, const char *format, bool consumer_memory, figures *out)
{
    void *lib = dlopen(cti, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "gentl_bench: %s\n", dlerror());
        return -1;
    }
#define LOAD(name) if (!(p##name = (__typeof__(name) *)dlsym(lib, #name))) return -1;
    LOAD(GCInitLib) LOAD(GCCloseLib) LOAD(TLOpen) LOAD(TLOpenInterface) LOAD(IFUpdateDeviceList)
    LOAD(IFOpenDevice) LOAD(DevGetPort) LOAD(GCGetPortURLInfo) LOAD(GCReadPort) LOAD(GCWritePort)
    LOAD(DevOpenDataStream) LOAD(DSAllocAndAnnounceBuffer) LOAD(DSAnnounceBuffer) LOAD(DSQueueBuffer) LOAD(GCRegisterEvent)
    LOAD(DSStartAcquisition) LOAD(EventGetData) LOAD(DSStopAcquisition) LOAD(DSGetInfo)
    setenv("TWINCAM_GENTL_CAMERAS", "TC000001:deterministic", 1);
    TL_HANDLE tl;
    IF_HANDLE ifh;
    DEV_HANDLE dev;
    PORT_HANDLE port;
    DS_HANDLE ds;
    EVENT_HANDLE ev;
    bool8_t changed;
    if (pGCInitLib() || pTLOpen(&tl) || pTLOpenInterface(tl, "twincam-inproc", &ifh) ||
        pIFUpdateDeviceList(ifh, &changed, 0) || pIFOpenDevice(ifh, "TC000001", DEVICE_ACCESS_EXCLUSIVE, &dev) ||
        pDevGetPort(dev, &port))
        return -1;
    char url[128];
    size_t size = sizeof(url);
    INFO_DATATYPE type;
    unsigned long long addr, len;
    if (pGCGetPortURLInfo(port, 0, URL_INFO_URL, &type, url, &size) ||
        sscanf(url, "Local:%*[^;];%llx;%llx", &addr, &len) != 2)
        return -1;
    char *xml = calloc(1, len + 1);
    size = len;
    if (!xml || pGCReadPort(port, addr, xml, &size))
        return -1;
    char entry[64];
    snprintf(entry, sizeof(entry), "<EnumEntry Name=\"%s\"", format);
    uint64_t fmt = xml_number(xml, "<Enumeration Name=\"PixelFormat\"", entry, "<Value>");
    if (write_u32(port, xml_number(xml, "Name=\"PixelFormatReg\"", NULL, "<Address>"), (uint32_t)fmt))
        return -1;
    uint64_t start = xml_number(xml, "Name=\"AcquisitionStartReg\"", NULL, "<Address>");
    uint64_t stop = xml_number(xml, "Name=\"AcquisitionStopReg\"", NULL, "<Address>");
    free(xml);
    size_t payload;
    size = sizeof(payload);
    if (pDevOpenDataStream(dev, "Stream0", &ds) || pDSGetInfo(ds, STREAM_INFO_PAYLOAD_SIZE, &type, &payload, &size))
        return -1;
    void *mem[N_BUFFERS] = { 0 };
    for (int i = 0; i < N_BUFFERS; i++) {
        BUFFER_HANDLE b;
        GC_ERROR rc;
        if (consumer_memory) {
            mem[i] = malloc(payload);
            rc = mem[i] ? pDSAnnounceBuffer(ds, mem[i], payload, NULL, &b) : GC_ERR_OUT_OF_MEMORY;
        } else
            rc = pDSAllocAndAnnounceBuffer(ds, payload, NULL, &b);
        if (rc || pDSQueueBuffer(ds, b))
            return -1;
    }
    if (pGCRegisterEvent(ds, EVENT_NEW_BUFFER, &ev) || pDSStartAcquisition(ds, ACQ_START_FLAGS_DEFAULT, GENTL_INFINITE) ||
        write_u32(port, start, 1))
        return -1;
    double t0 = 0, c0 = 0;
    /* Not counted: the first frame builds the cached mean image, and the
     * first pass over the buffers touches their pages. */
    for (int i = -2 * N_BUFFERS; i < n; i++) {
        if (i == 0) {
            t0 = now_s();
            c0 = cpu_s();
        }
        EVENT_NEW_BUFFER_DATA d;
        size = sizeof(d);
        if (pEventGetData(ev, &d, &size, 10000) || pDSQueueBuffer(ds, d.BufferHandle))
            return -1;
    }
    *out = measure(t0, c0, n);
    write_u32(port, stop, 1);
    pDSStopAcquisition(ds, ACQ_STOP_FLAGS_KILL);
    pGCCloseLib();
    for (int i = 0; i < N_BUFFERS; i++)
        free(mem[i]);
    dlclose(lib);
    return 0;
}

#define ROUNDS 5

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v)
{
    qsort(v, ROUNDS, sizeof(v[0]), by_value);
    return v[ROUNDS / 2];
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gentl_bench path/to/twincam.cti [frames (60)] [pixel format (BayerGR8)]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 60;
    const char *format = argc > 3 ? argv[3] : "BayerGR8";
    if (n < 2)
        n = 2;
    printf("%-6s %-16s %8s %9s %12s\n", "round", "port", "fps", "Mpix/s", "CPU ms/Mpix");
    figures f[ROUNDS][3];
    static const char *names[3] = { "library", "gentl-alloc", "gentl-announce" };
    for (int r = 0; r < ROUNDS; r++) {
        if (library(n, format, &f[r][0]) != 0 || gentl(argv[1], n, format, false, &f[r][1]) != 0 ||
            gentl(argv[1], n, format, true, &f[r][2]) != 0) {
            fprintf(stderr, "gentl_bench: a run failed\n");
            return 1;
        }
        for (int k = 0; k < 3; k++)
            printf("%-6d %-16s %8.2f %9.1f %12.3f\n", r + 1, names[k], f[r][k].fps, f[r][k].fps * MPIX,
                   f[r][k].cpu_ms_per_mpix);
    }
    /* Medians of the per-round ratios: a round's three runs share the
     * machine's load of the moment, so their ratio is steadier than any run. */
    for (int k = 1; k < 3; k++) {
        double fps[ROUNDS], cpu[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            fps[r] = f[r][k].fps / f[r][0].fps;
            cpu[r] = f[r][k].cpu_ms_per_mpix / f[r][0].cpu_ms_per_mpix;
        }
        printf("%s, %d frames a run, %s/library, median of %d rounds: fps %.3f, CPU per Mpix %.3f\n",
               format, n, names[k], ROUNDS, median(fps), median(cpu));
    }
    return 0;
}
