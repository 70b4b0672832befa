/* System (TL), Interface and Device modules: opening, closing in any order,
 * enumeration and the info queries. There is one Interface; its devices are
 * in-process twins, made when the Interface is first opened (the cameras are
 * "powered on" while the System is open) and closed with the System. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gentl/gentl_int.h"

/* ---- info ---- */

GC_ERROR gt_tl_info(TL_INFO_CMD cmd, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize);
GC_ERROR gt_tl_info(TL_INFO_CMD cmd, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    switch (cmd) {
    case TL_INFO_ID: return gt_info_str(GT_TL_ID, piType, pBuffer, piSize);
    case TL_INFO_VENDOR: return gt_info_str("twincam", piType, pBuffer, piSize);
    case TL_INFO_MODEL: return gt_info_str("twincam in-process twins", piType, pBuffer, piSize);
    case TL_INFO_VERSION: return gt_info_str(TC_VERSION, piType, pBuffer, piSize);
    case TL_INFO_TLTYPE: return gt_info_str(GT_TLTYPE, piType, pBuffer, piSize);
    case TL_INFO_NAME: return gt_info_str("twincam.cti", piType, pBuffer, piSize);
    case TL_INFO_PATHNAME: {
        Dl_info dl;
        const char *path = dladdr((void *)GCInitLib, &dl) && dl.dli_fname ? dl.dli_fname : "";
        return gt_info_str(path, piType, pBuffer, piSize);
    }
    case TL_INFO_DISPLAYNAME: return gt_info_str("twincam GenTL producer", piType, pBuffer, piSize);
    case TL_INFO_CHAR_ENCODING: return gt_info_i32(TL_CHAR_ENCODING_ASCII, piType, pBuffer, piSize);
    case TL_INFO_GENTL_VER_MAJOR: return gt_info_u32(1, piType, pBuffer, piSize);
    case TL_INFO_GENTL_VER_MINOR: return gt_info_u32(5, piType, pBuffer, piSize);
    default: return gt_err(GC_ERR_INVALID_PARAMETER, "no system info %d", (int)cmd);
    }
}

static GC_ERROR if_info(INTERFACE_INFO_CMD cmd, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    switch (cmd) {
    case INTERFACE_INFO_ID: return gt_info_str(GT_IF_ID, piType, pBuffer, piSize);
    case INTERFACE_INFO_DISPLAYNAME: return gt_info_str("twincam in-process cameras", piType, pBuffer, piSize);
    case INTERFACE_INFO_TLTYPE: return gt_info_str(GT_TLTYPE, piType, pBuffer, piSize);
    default: return gt_err(GC_ERR_INVALID_PARAMETER, "no interface info %d", (int)cmd);
    }
}

GC_ERROR gt_twin_info(gt_twin *t, DEVICE_INFO_CMD cmd, INFO_DATATYPE *piType, void *pBuffer,
                      size_t *piSize)
{
    char text[3 * TC_STRING_MAX + 8];
    switch (cmd) {
    case DEVICE_INFO_ID:
    case DEVICE_INFO_SERIAL_NUMBER: return gt_info_str(t->id.serial, piType, pBuffer, piSize);
    case DEVICE_INFO_VENDOR: return gt_info_str(t->id.vendor, piType, pBuffer, piSize);
    case DEVICE_INFO_MODEL: return gt_info_str(t->id.model, piType, pBuffer, piSize);
    case DEVICE_INFO_TLTYPE: return gt_info_str(GT_TLTYPE, piType, pBuffer, piSize);
    case DEVICE_INFO_DISPLAYNAME:
        snprintf(text, sizeof(text), "%s %s (%s)", t->id.vendor, t->id.model, t->id.serial);
        return gt_info_str(text, piType, pBuffer, piSize);
    case DEVICE_INFO_ACCESS_STATUS:
        return gt_info_i32(!t->open_as             ? DEVICE_ACCESS_STATUS_READWRITE
                           : t->open_as->read_only ? DEVICE_ACCESS_STATUS_OPEN_READONLY
                                                   : DEVICE_ACCESS_STATUS_OPEN_READWRITE,
                           piType, pBuffer, piSize);
    case DEVICE_INFO_USER_DEFINED_NAME: {
        tc_port_identity id;
        tc_port_identity_get(t->dev, &id); /* DeviceUserID changes: ask the core */
        return gt_info_str(id.user_name, piType, pBuffer, piSize);
    }
    case DEVICE_INFO_VERSION: return gt_info_str(t->id.version, piType, pBuffer, piSize);
    case DEVICE_INFO_TIMESTAMP_FREQUENCY:
        return gt_info_u64(1000000000u, piType, pBuffer, piSize); /* camera time is in ns */
    default: return gt_err(GC_ERR_INVALID_PARAMETER, "no device info %d", (int)cmd);
    }
}

/* A string out-parameter of the ID queries (no type): the same size rule. */
static GC_ERROR id_out(const char *s, char *out, size_t *piSize)
{
    return gt_info_str(s, NULL, out, piSize);
}

static gt_twin *twin_by_id(const char *id)
{
    if (!id)
        return NULL;
    for (size_t i = 0; i < gt_g.n_twins; i++)
        if (strcmp(gt_g.twins[i].id.serial, id) == 0)
            return &gt_g.twins[i];
    return NULL;
}

/* ---- the cameras ---- */

static GC_ERROR power_on_twins(void)
{
    if (gt_g.twins)
        return GC_ERR_SUCCESS;
    gt_cam_cfg cfg[GT_MAX_CAMERAS];
    size_t n = gt_config_cameras(cfg, GT_MAX_CAMERAS);
    gt_twin *t = calloc(n, sizeof(*t));
    if (!t)
        return gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory");
    for (size_t i = 0; i < n; i++) {
        t[i].cfg = cfg[i];
        tc_device_options o = { .serial = t[i].cfg.serial, .noise_seed = cfg[i].seed,
                                .deterministic = cfg[i].deterministic,
                                .state_dir = cfg[i].state_dir[0] ? t[i].cfg.state_dir : NULL };
        t[i].dev = tc_port_open(&o);
        if (!t[i].dev) {
            gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory creating camera %s", cfg[i].serial);
            while (i--)
                tc_port_close(t[i].dev);
            free(t);
            return GC_ERR_OUT_OF_MEMORY;
        }
        tc_port_identity_get(t[i].dev, &t[i].id);
    }
    gt_g.twins = t;
    gt_g.n_twins = n;
    return GC_ERR_SUCCESS;
}

static void power_off_twins(void)
{
    for (size_t i = 0; i < gt_g.n_twins; i++)
        tc_port_close(gt_g.twins[i].dev);
    free(gt_g.twins);
    gt_g.twins = NULL;
    gt_g.n_twins = 0;
}

/* ---- closing, children first ---- */

static void dev_close_locked(gt_dev *d)
{
    gt_handle_drop(d->handle);
    gt_handle_drop(d->port_handle);
    if (d->ds)
        gt_ds_close_locked(d->ds);
    gt_events_close(&d->events);
    gt_twin *t = d->twin;
    bool controlled = !d->read_only;
    t->open_as = NULL;
    free(d->xml);
    free(d);
    /* The host closed its connection: the core stops the camera, unlocks
     * TLParamsLocked and drops the frames queued for it. Under the lock, so
     * no one reopens the camera half-way: the core never calls this port,
     * and the stream that could hold its frames is closed above. A
     * read-only host changed nothing, and leaves nothing to undo. */
    if (controlled)
        tc_port_host_gone(t->dev);
}

static void if_close_locked(gt_if *i)
{
    gt_handle_drop(i->handle);
    if (gt_g.tl && gt_g.tl->iface == i)
        gt_g.tl->iface = NULL; /* first: closing a device below drops the lock */
    for (size_t k = 0; k < gt_g.n_twins; k++)
        if (gt_g.twins[k].open_as)
            dev_close_locked(gt_g.twins[k].open_as);
    gt_events_close(&i->events);
    free(i->xml);
    free(i);
}

void gt_tl_close_locked(gt_tl *tl)
{
    if (tl->closing) {
        /* another thread is closing it (TLClose beside GCCloseLib): wait */
        while (gt_g.tl == tl)
            pthread_cond_wait(&gt_g.idle, &gt_g.mu);
        return;
    }
    tl->closing = true;
    gt_handle_drop(tl->handle);
    if (tl->iface)
        if_close_locked(tl->iface);
    gt_events_close(&tl->events);
    /* Calls still inside a camera finish before it goes. */
    while (gt_g.in_core)
        pthread_cond_wait(&gt_g.idle, &gt_g.mu);
    power_off_twins();
    free(tl->xml);
    free(tl);
    gt_g.tl = NULL;
    pthread_cond_broadcast(&gt_g.idle);
}

/* ---- System ---- */

GC_API TLOpen(TL_HANDLE *phSystem)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    if (!phSystem)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "phSystem is NULL"));
    if (gt_g.tl)
        return gt_leave(gt_err(GC_ERR_RESOURCE_IN_USE, "the system module is already open"));
    gt_tl *tl = calloc(1, sizeof(*tl));
    if (!tl || !(tl->xml = gt_module_xml(GT_TL, &tl->xml_len)) || !(tl->handle = gt_handle_new(GT_TL, tl))) {
        if (tl)
            free(tl->xml);
        free(tl);
        return gt_leave(gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory"));
    }
    gt_g.tl = tl;
    *phSystem = tl->handle;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API TLClose(TL_HANDLE hSystem)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    gt_tl *tl = gt_find(hSystem, GT_TL, NULL);
    if (!tl)
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not a system handle"));
    gt_tl_close_locked(tl);
    return gt_leave(GC_ERR_SUCCESS);
}

#define ENTER_AS(type, var, handle, kind, what) \
    GC_ERROR rc_ = gt_enter(); \
    if (rc_) \
        return rc_; \
    type *var = gt_find(handle, kind, NULL); \
    if (!var) \
        return gt_leave(gt_err(GC_ERR_INVALID_HANDLE, "not %s handle", what))

GC_API TLGetInfo(TL_HANDLE hSystem, TL_INFO_CMD iInfoCmd, INFO_DATATYPE *piType, void *pBuffer,
                 size_t *piSize)
{
    ENTER_AS(gt_tl, tl, hSystem, GT_TL, "a system");
    return gt_leave(gt_tl_info(iInfoCmd, piType, pBuffer, piSize));
}

GC_API TLGetNumInterfaces(TL_HANDLE hSystem, uint32_t *piNumIfaces)
{
    ENTER_AS(gt_tl, tl, hSystem, GT_TL, "a system");
    if (!piNumIfaces)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "piNumIfaces is NULL"));
    *piNumIfaces = 1;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API TLGetInterfaceID(TL_HANDLE hSystem, uint32_t iIndex, char *sID, size_t *piSize)
{
    ENTER_AS(gt_tl, tl, hSystem, GT_TL, "a system");
    if (iIndex != 0)
        return gt_leave(gt_err(GC_ERR_INVALID_INDEX, "there is one interface, index 0"));
    return gt_leave(id_out(GT_IF_ID, sID, piSize));
}

GC_API TLGetInterfaceInfo(TL_HANDLE hSystem, const char *sIfaceID, INTERFACE_INFO_CMD iInfoCmd,
                          INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    ENTER_AS(gt_tl, tl, hSystem, GT_TL, "a system");
    if (!sIfaceID || strcmp(sIfaceID, GT_IF_ID) != 0)
        return gt_leave(gt_err(GC_ERR_INVALID_ID, "no interface of that ID"));
    return gt_leave(if_info(iInfoCmd, piType, pBuffer, piSize));
}

GC_API TLOpenInterface(TL_HANDLE hSystem, const char *sIfaceID, IF_HANDLE *phIface)
{
    ENTER_AS(gt_tl, tl, hSystem, GT_TL, "a system");
    if (!phIface)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "phIface is NULL"));
    if (!sIfaceID || strcmp(sIfaceID, GT_IF_ID) != 0)
        return gt_leave(gt_err(GC_ERR_INVALID_ID, "no interface of that ID"));
    if (tl->iface)
        return gt_leave(gt_err(GC_ERR_RESOURCE_IN_USE, "the interface is already open"));
    GC_ERROR rc = power_on_twins();
    if (rc)
        return gt_leave(rc);
    gt_if *i = calloc(1, sizeof(*i));
    if (!i || !(i->xml = gt_module_xml(GT_IF, &i->xml_len)) || !(i->handle = gt_handle_new(GT_IF, i))) {
        if (i)
            free(i->xml);
        free(i);
        return gt_leave(gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory"));
    }
    tl->iface = i;
    *phIface = i->handle;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API TLUpdateInterfaceList(TL_HANDLE hSystem, bool8_t *pbChanged, uint64_t iTimeout)
{
    (void)iTimeout; /* the list is fixed: nothing to wait for */
    ENTER_AS(gt_tl, tl, hSystem, GT_TL, "a system");
    if (pbChanged)
        *pbChanged = 0;
    return gt_leave(GC_ERR_SUCCESS);
}

/* ---- Interface ---- */

GC_API IFClose(IF_HANDLE hIface)
{
    ENTER_AS(gt_if, i, hIface, GT_IF, "an interface");
    if_close_locked(i);
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API IFGetInfo(IF_HANDLE hIface, INTERFACE_INFO_CMD iInfoCmd, INFO_DATATYPE *piType, void *pBuffer,
                 size_t *piSize)
{
    ENTER_AS(gt_if, i, hIface, GT_IF, "an interface");
    return gt_leave(if_info(iInfoCmd, piType, pBuffer, piSize));
}

GC_API IFGetNumDevices(IF_HANDLE hIface, uint32_t *piNumDevices)
{
    ENTER_AS(gt_if, i, hIface, GT_IF, "an interface");
    if (!piNumDevices)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "piNumDevices is NULL"));
    *piNumDevices = (uint32_t)gt_g.n_twins;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API IFGetDeviceID(IF_HANDLE hIface, uint32_t iIndex, char *sIDeviceID, size_t *piSize)
{
    ENTER_AS(gt_if, i, hIface, GT_IF, "an interface");
    if (iIndex >= gt_g.n_twins)
        return gt_leave(gt_err(GC_ERR_INVALID_INDEX, "device index %u of %zu", iIndex, gt_g.n_twins));
    return gt_leave(id_out(gt_g.twins[iIndex].id.serial, sIDeviceID, piSize));
}

GC_API IFUpdateDeviceList(IF_HANDLE hIface, bool8_t *pbChanged, uint64_t iTimeout)
{
    (void)iTimeout;
    ENTER_AS(gt_if, i, hIface, GT_IF, "an interface");
    if (pbChanged)
        *pbChanged = i->listed ? 0 : 1;
    i->listed = true;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API IFGetDeviceInfo(IF_HANDLE hIface, const char *sDeviceID, DEVICE_INFO_CMD iInfoCmd,
                       INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    ENTER_AS(gt_if, i, hIface, GT_IF, "an interface");
    gt_twin *t = twin_by_id(sDeviceID);
    if (!t)
        return gt_leave(gt_err(GC_ERR_INVALID_ID, "no device of that ID"));
    return gt_leave(gt_twin_info(t, iInfoCmd, piType, pBuffer, piSize));
}

GC_API IFOpenDevice(IF_HANDLE hIface, const char *sDeviceID, DEVICE_ACCESS_FLAGS iOpenFlags,
                    DEV_HANDLE *phDevice)
{
    ENTER_AS(gt_if, i, hIface, GT_IF, "an interface");
    if (!phDevice)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "phDevice is NULL"));
    gt_twin *t = twin_by_id(sDeviceID);
    if (!t)
        return gt_leave(gt_err(GC_ERR_INVALID_ID, "no device of that ID"));
    /* Read-only: the remote port reads, and refuses every write. */
    if (iOpenFlags != DEVICE_ACCESS_READONLY && iOpenFlags != DEVICE_ACCESS_CONTROL &&
        iOpenFlags != DEVICE_ACCESS_EXCLUSIVE)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER,
                               "open flags %d: read-only, control or exclusive access", (int)iOpenFlags));
    if (t->open_as)
        return gt_leave(gt_err(GC_ERR_RESOURCE_IN_USE, "device %s is already open", t->id.serial));
    gt_dev *d = calloc(1, sizeof(*d));
    if (!d || !(d->xml = gt_module_xml(GT_DEV, &d->xml_len)) ||
        !(d->handle = gt_handle_new(GT_DEV, d)) || !(d->port_handle = gt_handle_new(GT_RPORT, d))) {
        if (d) {
            gt_handle_drop(d->handle);
            free(d->xml);
        }
        free(d);
        return gt_leave(gt_err(GC_ERR_OUT_OF_MEMORY, "out of memory"));
    }
    d->twin = t;
    d->iface = i;
    d->read_only = iOpenFlags == DEVICE_ACCESS_READONLY;
    t->open_as = d;
    *phDevice = d->handle;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API IFGetParentTL(IF_HANDLE hIface, TL_HANDLE *phSystem)
{
    ENTER_AS(gt_if, i, hIface, GT_IF, "an interface");
    if (!phSystem)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "phSystem is NULL"));
    *phSystem = gt_g.tl->handle;
    return gt_leave(GC_ERR_SUCCESS);
}

/* ---- Device ---- */

GC_API DevClose(DEV_HANDLE hDevice)
{
    ENTER_AS(gt_dev, d, hDevice, GT_DEV, "a device");
    dev_close_locked(d);
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API DevGetPort(DEV_HANDLE hDevice, PORT_HANDLE *phRemoteDevice)
{
    ENTER_AS(gt_dev, d, hDevice, GT_DEV, "a device");
    if (!phRemoteDevice)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "phRemoteDevice is NULL"));
    *phRemoteDevice = d->port_handle;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API DevGetNumDataStreams(DEV_HANDLE hDevice, uint32_t *piNumDataStreams)
{
    ENTER_AS(gt_dev, d, hDevice, GT_DEV, "a device");
    if (!piNumDataStreams)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "piNumDataStreams is NULL"));
    *piNumDataStreams = 1;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API DevGetDataStreamID(DEV_HANDLE hDevice, uint32_t iIndex, char *sDataStreamID, size_t *piSize)
{
    ENTER_AS(gt_dev, d, hDevice, GT_DEV, "a device");
    if (iIndex != 0)
        return gt_leave(gt_err(GC_ERR_INVALID_INDEX, "there is one data stream, index 0"));
    return gt_leave(id_out(GT_STREAM_ID, sDataStreamID, piSize));
}

GC_API DevOpenDataStream(DEV_HANDLE hDevice, const char *sDataStreamID, DS_HANDLE *phDataStream)
{
    ENTER_AS(gt_dev, d, hDevice, GT_DEV, "a device");
    if (!phDataStream)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "phDataStream is NULL"));
    if (!sDataStreamID || strcmp(sDataStreamID, GT_STREAM_ID) != 0)
        return gt_leave(gt_err(GC_ERR_INVALID_ID, "no data stream of that ID"));
    if (d->ds)
        return gt_leave(gt_err(GC_ERR_RESOURCE_IN_USE, "the data stream is already open"));
    gt_ds *ds;
    GC_ERROR rc = gt_ds_open(d, &ds);
    if (rc == GC_ERR_SUCCESS)
        *phDataStream = ds->handle;
    return gt_leave(rc);
}

GC_API DevGetInfo(DEV_HANDLE hDevice, DEVICE_INFO_CMD iInfoCmd, INFO_DATATYPE *piType, void *pBuffer,
                  size_t *piSize)
{
    ENTER_AS(gt_dev, d, hDevice, GT_DEV, "a device");
    return gt_leave(gt_twin_info(d->twin, iInfoCmd, piType, pBuffer, piSize));
}

GC_API DevGetParentIF(DEV_HANDLE hDevice, IF_HANDLE *phIface)
{
    ENTER_AS(gt_dev, d, hDevice, GT_DEV, "a device");
    if (!phIface)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "phIface is NULL"));
    *phIface = d->iface->handle;
    return gt_leave(GC_ERR_SUCCESS);
}
