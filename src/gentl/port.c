/* Ports: the remote device port (the camera's own feature registers, in
 * USB3 Vision byte order) and the module ports of the System, Interface and
 * Device, each with its XML reached through a "Local:" URL.
 *
 * Byte order: little-endian, the USB3 Vision XML's, because GenTL's local
 * port carries no wire format of its own and consumers run on little-endian
 * hosts; the XML (tc_port_xml with big_endian 0) and tc_port_read/write use
 * the same order, so they agree by construction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gentl/gentl_int.h"

#define PORT_KINDS (GT_TL | GT_IF | GT_DEV | GT_RPORT | GT_DS | GT_BUF)
#define NODEMAP_KINDS (GT_TL | GT_IF | GT_DEV | GT_RPORT | GT_DS)

/* Find a port handle under the lock; GC_ERR_NOT_IMPLEMENTED for a module
 * without a nodemap (Buffer). */
static GC_ERROR port_of(PORT_HANDLE h, void **obj, unsigned *kind)
{
    *obj = gt_find(h, PORT_KINDS, kind);
    if (!*obj)
        return gt_err(GC_ERR_INVALID_HANDLE, "not a port handle");
    if (!(*kind & NODEMAP_KINDS))
        return gt_err(GC_ERR_NOT_IMPLEMENTED, "buffers have no nodemap here");
    return GC_ERR_SUCCESS;
}

static void xml_of(void *obj, unsigned kind, const char **xml, size_t *len)
{
    switch (kind) {
    case GT_TL: *xml = ((gt_tl *)obj)->xml; *len = ((gt_tl *)obj)->xml_len; break;
    case GT_IF: *xml = ((gt_if *)obj)->xml; *len = ((gt_if *)obj)->xml_len; break;
    case GT_DEV: *xml = ((gt_dev *)obj)->xml; *len = ((gt_dev *)obj)->xml_len; break;
    case GT_DS: *xml = ((gt_ds *)obj)->xml; *len = ((gt_ds *)obj)->xml_len; break;
    default: *xml = tc_port_xml(((gt_dev *)obj)->twin->dev, 0, len); break;
    }
    if (!*xml)
        *len = 0;
}

/* One read or write on a port; called with the lock held. */
static GC_ERROR port_io(PORT_HANDLE h, uint64_t address, void *buf, size_t len, bool write)
{
    void *obj;
    unsigned kind;
    GC_ERROR rc = port_of(h, &obj, &kind);
    if (rc)
        return rc;
    if (!buf && len)
        return gt_err(GC_ERR_INVALID_PARAMETER, "no buffer for %zu bytes", len);
    if (kind != GT_RPORT)
        return write ? gt_module_write(kind, obj, address, buf, len)
                     : gt_module_read(kind, obj, address, buf, len);
    if (write && ((gt_dev *)obj)->read_only)
        return gt_err(GC_ERR_ACCESS_DENIED, "the device is open read-only");
    tc_device *dev = ((gt_dev *)obj)->twin->dev;
    gt_call_begin();
    size_t xml_len = 0;
    const char *xml = address >= GT_XML_ADDRESS ? tc_port_xml(dev, 0, &xml_len) : NULL;
    int crc;
    if (xml && address - GT_XML_ADDRESS <= xml_len && len <= xml_len - (address - GT_XML_ADDRESS)) {
        if (write)
            crc = TC_EACCESS;
        else {
            memcpy(buf, xml + (address - GT_XML_ADDRESS), len);
            crc = 0;
        }
    } else
        crc = write ? tc_port_write(dev, address, buf, len, 0) : tc_port_read(dev, address, buf, len, 0);
    rc = crc ? gt_core_err(crc, write ? "write" : "read") : GC_ERR_SUCCESS;
    gt_call_end();
    return rc;
}

GC_API GCReadPort(PORT_HANDLE hPort, uint64_t iAddress, void *pBuffer, size_t *piSize)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    if (!piSize)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "piSize is NULL"));
    rc = port_io(hPort, iAddress, pBuffer, *piSize, false);
    if (rc)
        *piSize = 0;
    return gt_leave(rc);
}

GC_API GCWritePort(PORT_HANDLE hPort, uint64_t iAddress, const void *pBuffer, size_t *piSize)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    if (!piSize)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "piSize is NULL"));
    rc = port_io(hPort, iAddress, (void *)pBuffer, *piSize, true);
    if (rc)
        *piSize = 0;
    return gt_leave(rc);
}

/* Stacked access: entry by entry, stopping at the first failure; on return
 * *piNumEntries holds the entries done. */
static GC_ERROR stacked(PORT_HANDLE hPort, PORT_REGISTER_STACK_ENTRY *pEntries, size_t *piNumEntries,
                        bool write)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    if (!piNumEntries || (!pEntries && *piNumEntries))
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "no entries"));
    size_t done = 0;
    for (; done < *piNumEntries; done++) {
        rc = port_io(hPort, pEntries[done].Address, pEntries[done].pBuffer, pEntries[done].Size, write);
        if (rc)
            break;
    }
    *piNumEntries = done;
    return gt_leave(rc);
}

GC_API GCReadPortStacked(PORT_HANDLE hPort, PORT_REGISTER_STACK_ENTRY *pEntries, size_t *piNumEntries)
{
    return stacked(hPort, pEntries, piNumEntries, false);
}

GC_API GCWritePortStacked(PORT_HANDLE hPort, PORT_REGISTER_STACK_ENTRY *pEntries, size_t *piNumEntries)
{
    return stacked(hPort, pEntries, piNumEntries, true);
}

/* ---- URLs ---- */

static const char *file_name(void *obj, unsigned kind)
{
    (void)obj;
    switch (kind) {
    case GT_TL: return "twincam_System.xml";
    case GT_IF: return "twincam_Interface.xml";
    case GT_DEV: return "twincam_Device.xml";
    case GT_DS: return "twincam_DataStream.xml";
    default: return "twincam.xml";
    }
}

/* An attribute of the XML's root element, as a number (0 if absent). */
static int32_t root_attribute(const char *xml, const char *name)
{
    char key[48];
    snprintf(key, sizeof(key), " %s=\"", name);
    const char *root = xml ? strstr(xml, "<RegisterDescription") : NULL;
    const char *p = root ? strstr(root, key) : NULL;
    return p ? (int32_t)strtol(p + strlen(key), NULL, 10) : 0;
}

GC_API GCGetNumPortURLs(PORT_HANDLE hPort, uint32_t *piNumURLs)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    void *obj;
    unsigned kind;
    rc = port_of(hPort, &obj, &kind);
    if (rc == GC_ERR_NOT_IMPLEMENTED)
        rc = GC_ERR_SUCCESS; /* a module without a nodemap has no URL */
    else if (rc)
        return gt_leave(rc);
    if (!piNumURLs)
        return gt_leave(gt_err(GC_ERR_INVALID_PARAMETER, "piNumURLs is NULL"));
    *piNumURLs = (kind & NODEMAP_KINDS) ? 1 : 0;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_API GCGetPortURLInfo(PORT_HANDLE hPort, uint32_t iURLIndex, URL_INFO_CMD iInfoCmd,
                        INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    void *obj;
    unsigned kind;
    rc = port_of(hPort, &obj, &kind);
    if (rc)
        return gt_leave(rc);
    if (iURLIndex != 0)
        return gt_leave(gt_err(GC_ERR_INVALID_INDEX, "one URL, index 0"));
    const char *xml;
    size_t len;
    xml_of(obj, kind, &xml, &len);
    if (!xml)
        return gt_leave(gt_err(GC_ERR_OUT_OF_MEMORY, "no memory for the XML"));
    /* "Local:" name;address;length, both hexadecimal without a prefix, as
     * the standard writes it and consumers parse it. */
    char url[128];
    snprintf(url, sizeof(url), "Local:%s;%X;%zX", file_name(obj, kind), GT_XML_ADDRESS, len);
    switch (iInfoCmd) {
    case URL_INFO_URL: rc = gt_info_str(url, piType, pBuffer, piSize); break;
    case URL_INFO_SCHEMA_VER_MAJOR:
        rc = gt_info_i32(root_attribute(xml, "SchemaMajorVersion"), piType, pBuffer, piSize);
        break;
    case URL_INFO_SCHEMA_VER_MINOR:
        rc = gt_info_i32(root_attribute(xml, "SchemaMinorVersion"), piType, pBuffer, piSize);
        break;
    case URL_INFO_FILE_VER_MAJOR:
        rc = gt_info_i32(root_attribute(xml, "MajorVersion"), piType, pBuffer, piSize);
        break;
    case URL_INFO_FILE_VER_MINOR:
        rc = gt_info_i32(root_attribute(xml, "MinorVersion"), piType, pBuffer, piSize);
        break;
    case URL_INFO_FILE_VER_SUBMINOR:
        rc = gt_info_i32(root_attribute(xml, "SubMinorVersion"), piType, pBuffer, piSize);
        break;
    case URL_INFO_FILE_REGISTER_ADDRESS: rc = gt_info_u64(GT_XML_ADDRESS, piType, pBuffer, piSize); break;
    case URL_INFO_FILE_SIZE: rc = gt_info_u64(len, piType, pBuffer, piSize); break;
    case URL_INFO_SCHEME: rc = gt_info_i32(URL_SCHEME_LOCAL, piType, pBuffer, piSize); break;
    case URL_INFO_FILENAME: rc = gt_info_str(file_name(obj, kind), piType, pBuffer, piSize); break;
    case URL_INFO_FILE_SHA1_HASH: rc = gt_err(GC_ERR_NO_DATA, "no SHA1 hash is published"); break;
    default: rc = gt_err(GC_ERR_INVALID_PARAMETER, "no URL info %d", (int)iInfoCmd); break;
    }
    return gt_leave(rc);
}

GC_API GCGetPortURL(PORT_HANDLE hPort, char *sURL, size_t *piSize)
{
    return GCGetPortURLInfo(hPort, 0, URL_INFO_URL, NULL, sURL, piSize);
}

GC_API GCGetPortInfo(PORT_HANDLE hPort, PORT_INFO_CMD iInfoCmd, INFO_DATATYPE *piType, void *pBuffer,
                     size_t *piSize)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    void *obj;
    unsigned kind;
    rc = port_of(hPort, &obj, &kind);
    if (rc && rc != GC_ERR_NOT_IMPLEMENTED)
        return gt_leave(rc);
    const gt_twin *t = (kind & (GT_DEV | GT_RPORT)) ? ((gt_dev *)obj)->twin
                       : kind == GT_DS              ? ((gt_ds *)obj)->dev->twin
                       : kind == GT_BUF             ? ((gt_buffer *)obj)->ds->dev->twin
                                                    : NULL;
    static const struct { unsigned kind; const char *module, *port, *id; } names[] = {
        { GT_TL, "TLSystem", "TLPort", GT_TL_ID },
        { GT_IF, "TLInterface", "InterfacePort", GT_IF_ID },
        { GT_DEV, "TLDevice", "DevicePort", NULL },
        { GT_RPORT, "Device", "Device", NULL },
        { GT_DS, "TLDataStream", "StreamPort", GT_STREAM_ID },
        { GT_BUF, "TLBuffer", "BufferPort", NULL },
    };
    unsigned k = 0;
    while (names[k].kind != kind)
        k++;
    bool nodemap = (kind & NODEMAP_KINDS) != 0;
    const char *id = names[k].id ? names[k].id : t ? t->id.serial : "";
    switch (iInfoCmd) {
    case PORT_INFO_ID: rc = gt_info_str(id, piType, pBuffer, piSize); break;
    case PORT_INFO_VENDOR: rc = gt_info_str(t ? t->id.vendor : "twincam", piType, pBuffer, piSize); break;
    case PORT_INFO_MODEL:
        rc = gt_info_str(t ? t->id.model : "twincam in-process twins", piType, pBuffer, piSize);
        break;
    case PORT_INFO_TLTYPE: rc = gt_info_str(GT_TLTYPE, piType, pBuffer, piSize); break;
    case PORT_INFO_MODULE: rc = gt_info_str(names[k].module, piType, pBuffer, piSize); break;
    case PORT_INFO_LITTLE_ENDIAN: rc = gt_info_bool(true, piType, pBuffer, piSize); break;
    case PORT_INFO_BIG_ENDIAN: rc = gt_info_bool(false, piType, pBuffer, piSize); break;
    case PORT_INFO_ACCESS_READ: rc = gt_info_bool(nodemap, piType, pBuffer, piSize); break;
    case PORT_INFO_ACCESS_WRITE:
        rc = gt_info_bool(nodemap && !(kind == GT_RPORT && ((gt_dev *)obj)->read_only), piType, pBuffer, piSize);
        break;
    case PORT_INFO_ACCESS_NA: rc = gt_info_bool(false, piType, pBuffer, piSize); break;
    case PORT_INFO_ACCESS_NI: rc = gt_info_bool(!nodemap, piType, pBuffer, piSize); break;
    case PORT_INFO_VERSION:
        rc = gt_info_str(kind == GT_RPORT && t ? t->id.version : TC_VERSION, piType, pBuffer, piSize);
        break;
    case PORT_INFO_PORTNAME: rc = gt_info_str(names[k].port, piType, pBuffer, piSize); break;
    default: rc = gt_err(GC_ERR_INVALID_PARAMETER, "no port info %d", (int)iInfoCmd); break;
    }
    return gt_leave(rc);
}
