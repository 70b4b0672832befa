/* Writes the module nodemaps' XML of twincam.cti (System, Interface,
 * Device, DataStream), read through each module's port URL as a consumer
 * reads them, into DIR/system.xml, interface.xml, device.xml, stream.xml,
 * for check_module_schema.sh.  usage: dump_module_xml CTI DIR */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "gentl/gentl_abi.h"

#define FN(name) static __typeof__(name) *p##name;
FN(GCInitLib) FN(GCCloseLib) FN(TLOpen) FN(TLOpenInterface) FN(IFOpenDevice) FN(GCGetPortURLInfo)
FN(GCReadPort) FN(DevOpenDataStream)

static int dump(void *h, const char *dir, const char *name)
{
    char url[256], path[1024];
    size_t size = sizeof(url);
    INFO_DATATYPE type;
    unsigned long long addr, len;
    if (pGCGetPortURLInfo(h, 0, URL_INFO_URL, &type, url, &size) ||
        sscanf(url, "Local:%*[^;];%llx;%llx", &addr, &len) != 2)
        return -1;
    char *xml = malloc(len);
    size = len;
    if (!xml || pGCReadPort(h, addr, xml, &size) || size != len) {
        free(xml);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int rc = f && fwrite(xml, 1, len, f) == len ? 0 : -1;
    if (f)
        fclose(f);
    free(xml);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return 1;
#define LOAD(name) if (!(p##name = (__typeof__(name) *)dlsym(lib, #name))) return 1;
    LOAD(GCInitLib) LOAD(GCCloseLib) LOAD(TLOpen) LOAD(TLOpenInterface) LOAD(IFOpenDevice)
    LOAD(GCGetPortURLInfo) LOAD(GCReadPort) LOAD(DevOpenDataStream)
    TL_HANDLE tl;
    IF_HANDLE ifh;
    DEV_HANDLE dev;
    DS_HANDLE ds;
    if (pGCInitLib() || pTLOpen(&tl) || pTLOpenInterface(tl, "twincam-inproc", &ifh) ||
        pIFOpenDevice(ifh, "TC000001", DEVICE_ACCESS_CONTROL, &dev) ||
        pDevOpenDataStream(dev, "Stream0", &ds) || dump(tl, argv[2], "system.xml") ||
        dump(ifh, argv[2], "interface.xml") || dump(dev, argv[2], "device.xml") ||
        dump(ds, argv[2], "stream.xml")) {
        fprintf(stderr, "dump_module_xml: failed\n");
        return 1;
    }
    pGCCloseLib();
    dlclose(lib);
    return 0;
}
