/* The module nodemaps of the System, Interface, Device and DataStream
 * modules (GenTL SFNC): a few registers each, their values read from the modules on every
 * access, and the XML describing them, which GCGetPortURLInfo points at.
 * Each node sits at index x 0x40: strings are 64 bytes, integers 4 bytes
 * little-endian. Selectors pick the device (or interface, or stream) the
 * selected nodes describe; they are NoCache so a consumer re-reads them. */
#include <stdio.h>
#include <string.h>

#include "gentl/gentl_int.h"
#include "util/strbuf.h"

enum node_type { N_STRING, N_INT, N_SELECTOR, N_COMMAND, N_ACCESS, N_HANDLING };

enum value_id {
    V_TL_ID, V_TL_VENDOR, V_TL_MODEL, V_TL_VERSION, V_TL_TYPE, V_GENTL_MAJOR, V_GENTL_MINOR,
    V_IF_UPDATE, V_IF_SELECTOR, V_IF_ID,
    V_DEV_UPDATE, V_DEV_SELECTOR, V_SEL_DEV_ID, V_SEL_DEV_VENDOR, V_SEL_DEV_MODEL,
    V_SEL_DEV_SERIAL, V_SEL_DEV_ACCESS,
    V_DEV_ID, V_DEV_VENDOR, V_DEV_MODEL, V_DEV_SERIAL, V_DEV_TYPE, V_STREAM_SELECTOR, V_STREAM_ID,
    V_DS_ID, V_DS_TYPE, V_DS_ANNOUNCED, V_DS_QUEUED, V_DS_AWAITING, V_DS_DELIVERED, V_DS_UNDERRUN,
    V_DS_STARTED, V_DS_ANNOUNCE_MIN, V_DS_HANDLING,
};

typedef struct node {
    const char *name;
    enum node_type type;
    enum value_id value;
    const char *selects; /* for a selector: the nodes it selects, space separated */
} node;

static const node tl_nodes[] = {
    { "TLID", N_STRING, V_TL_ID, NULL },
    { "TLVendorName", N_STRING, V_TL_VENDOR, NULL },
    { "TLModelName", N_STRING, V_TL_MODEL, NULL },
    { "TLVersion", N_STRING, V_TL_VERSION, NULL },
    { "TLType", N_STRING, V_TL_TYPE, NULL },
    { "GenTLVersionMajor", N_INT, V_GENTL_MAJOR, NULL },
    { "GenTLVersionMinor", N_INT, V_GENTL_MINOR, NULL },
    { "InterfaceUpdateList", N_COMMAND, V_IF_UPDATE, NULL },
    { "InterfaceSelector", N_SELECTOR, V_IF_SELECTOR, "InterfaceID" },
    { "InterfaceID", N_STRING, V_IF_ID, NULL },
};

static const node if_nodes[] = {
    { "InterfaceID", N_STRING, V_IF_ID, NULL },
    { "DeviceUpdateList", N_COMMAND, V_DEV_UPDATE, NULL },
    { "DeviceSelector", N_SELECTOR, V_DEV_SELECTOR,
      "DeviceID DeviceVendorName DeviceModelName DeviceSerialNumber DeviceAccessStatus" },
    { "DeviceID", N_STRING, V_SEL_DEV_ID, NULL },
    { "DeviceVendorName", N_STRING, V_SEL_DEV_VENDOR, NULL },
    { "DeviceModelName", N_STRING, V_SEL_DEV_MODEL, NULL },
    { "DeviceSerialNumber", N_STRING, V_SEL_DEV_SERIAL, NULL },
    { "DeviceAccessStatus", N_ACCESS, V_SEL_DEV_ACCESS, NULL },
};

static const node dev_nodes[] = {
    { "DeviceID", N_STRING, V_DEV_ID, NULL },
    { "DeviceVendorName", N_STRING, V_DEV_VENDOR, NULL },
    { "DeviceModelName", N_STRING, V_DEV_MODEL, NULL },
    { "DeviceSerialNumber", N_STRING, V_DEV_SERIAL, NULL },
    { "DeviceType", N_STRING, V_DEV_TYPE, NULL },
    { "StreamSelector", N_SELECTOR, V_STREAM_SELECTOR, "StreamID" },
    { "StreamID", N_STRING, V_STREAM_ID, NULL },
};

static const node ds_nodes[] = {
    { "StreamID", N_STRING, V_DS_ID, NULL },
    { "StreamType", N_STRING, V_DS_TYPE, NULL },
    { "StreamAnnouncedBufferCount", N_INT, V_DS_ANNOUNCED, NULL },
    { "StreamInputBufferCount", N_INT, V_DS_QUEUED, NULL },
    { "StreamOutputBufferCount", N_INT, V_DS_AWAITING, NULL },
    { "StreamDeliveredFrameCount", N_INT, V_DS_DELIVERED, NULL },
    { "StreamBufferUnderrunCount", N_INT, V_DS_UNDERRUN, NULL },
    { "StreamStartedFrameCount", N_INT, V_DS_STARTED, NULL },
    { "StreamAnnounceBufferMinimum", N_INT, V_DS_ANNOUNCE_MIN, NULL },
    { "StreamBufferHandlingMode", N_HANDLING, V_DS_HANDLING, NULL },
};

#define NODE_STRIDE 0x40u
#define STRING_LEN 64u

static const node *nodes_of(unsigned kind, size_t *n, const char **port, const char **model)
{
    switch (kind) {
    case GT_TL:
        *n = sizeof(tl_nodes) / sizeof(tl_nodes[0]);
        *port = "TLPort";
        *model = "twincam_System";
        return tl_nodes;
    case GT_IF:
        *n = sizeof(if_nodes) / sizeof(if_nodes[0]);
        *port = "InterfacePort";
        *model = "twincam_Interface";
        return if_nodes;
    case GT_DS:
        *n = sizeof(ds_nodes) / sizeof(ds_nodes[0]);
        *port = "StreamPort";
        *model = "twincam_DataStream";
        return ds_nodes;
    default:
        *n = sizeof(dev_nodes) / sizeof(dev_nodes[0]);
        *port = "DevicePort";
        *model = "twincam_Device";
        return dev_nodes;
    }
}

static uint32_t node_len(const node *n) { return n->type == N_STRING ? STRING_LEN : 4u; }

/* The number of choices of a selector (its maximum is one less). */
static uint32_t choices(enum value_id v)
{
    return v == V_DEV_SELECTOR ? (uint32_t)gt_g.n_twins : 1u;
}

static const struct { const char *name; int32_t value; } access_entries[] = {
    { "ReadWrite", DEVICE_ACCESS_STATUS_READWRITE },
    { "OpenReadWrite", DEVICE_ACCESS_STATUS_OPEN_READWRITE },
};

char *gt_module_xml(unsigned kind, size_t *len)
{
    size_t n;
    const char *port, *model;
    const node *nodes = nodes_of(kind, &n, &port, &model);
    tc_strbuf sb = { 0 };
    tc_sb_printf(&sb, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    tc_sb_printf(&sb, "<RegisterDescription ModelName=\"%s\" VendorName=\"twincam\""
                      " ToolTip=\"twincam GenTL producer module\" StandardNameSpace=\"None\""
                      " SchemaMajorVersion=\"1\" SchemaMinorVersion=\"1\" SchemaSubMinorVersion=\"0\""
                      " MajorVersion=\"1\" MinorVersion=\"0\" SubMinorVersion=\"0\""
                      " ProductGuid=\"7A1C0412-6E71-4C00-8000-%012X\""
                      " VersionGuid=\"7A1C0412-6E71-4C01-8000-%012X\""
                      " xmlns=\"http://www.genicam.org/GenApi/Version_1_1\""
                      " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                      " xsi:schemaLocation=\"http://www.genicam.org/GenApi/Version_1_1"
                      " http://www.genicam.org/GenApi/GenApiSchema_Version_1_1.xsd\">\n",
                 model, kind, kind);
    tc_sb_printf(&sb, "  <Category Name=\"Root\" NameSpace=\"Standard\">\n");
    for (size_t i = 0; i < n; i++)
        tc_sb_printf(&sb, "    <pFeature>%s</pFeature>\n", nodes[i].name);
    tc_sb_printf(&sb, "  </Category>\n");
    for (size_t i = 0; i < n; i++) {
        const node *f = &nodes[i];
        unsigned addr = (unsigned)i * NODE_STRIDE;
        if (f->type == N_STRING) {
            tc_sb_printf(&sb, "  <StringReg Name=\"%s\" NameSpace=\"Standard\">\n"
                              "    <Address>0x%X</Address>\n    <Length>%u</Length>\n"
                              "    <AccessMode>RO</AccessMode>\n    <pPort>%s</pPort>\n"
                              "    <Cachable>NoCache</Cachable>\n  </StringReg>\n",
                         f->name, addr, STRING_LEN, port);
            continue;
        }
        if (f->type == N_COMMAND)
            tc_sb_printf(&sb, "  <Command Name=\"%s\" NameSpace=\"Standard\">\n    <pValue>%sReg</pValue>\n"
                              "    <CommandValue>1</CommandValue>\n  </Command>\n", f->name, f->name);
        else if (f->type == N_ACCESS) {
            tc_sb_printf(&sb, "  <Enumeration Name=\"%s\" NameSpace=\"Standard\">\n", f->name);
            for (size_t e = 0; e < sizeof(access_entries) / sizeof(access_entries[0]); e++)
                tc_sb_printf(&sb, "    <EnumEntry Name=\"%s\" NameSpace=\"Standard\">\n"
                                  "      <Value>%d</Value>\n    </EnumEntry>\n",
                             access_entries[e].name, (int)access_entries[e].value);
            tc_sb_printf(&sb, "    <pValue>%sReg</pValue>\n  </Enumeration>\n", f->name);
        } else if (f->type == N_HANDLING) {
            /* the one way this producer hands buffers over (docs/gentl.md) */
            tc_sb_printf(&sb, "  <Enumeration Name=\"%s\" NameSpace=\"Standard\">\n"
                              "    <EnumEntry Name=\"OldestFirst\" NameSpace=\"Standard\">\n"
                              "      <Value>0</Value>\n    </EnumEntry>\n"
                              "    <pValue>%sReg</pValue>\n  </Enumeration>\n", f->name, f->name);
        } else {
            tc_sb_printf(&sb, "  <Integer Name=\"%s\" NameSpace=\"Standard\">\n    <pValue>%sReg</pValue>\n",
                         f->name, f->name);
            if (f->type == N_SELECTOR) {
                tc_sb_printf(&sb, "    <Min>0</Min>\n    <Max>%u</Max>\n", choices(f->value) - 1u);
                char sel[160];
                snprintf(sel, sizeof(sel), "%s", f->selects);
                char *save = NULL;
                for (char *s = strtok_r(sel, " ", &save); s; s = strtok_r(NULL, " ", &save))
                    tc_sb_printf(&sb, "    <pSelected>%s</pSelected>\n", s);
            }
            tc_sb_printf(&sb, "  </Integer>\n");
        }
        const char *mode = f->type == N_COMMAND ? "WO" : f->type == N_SELECTOR ? "RW" : "RO";
        tc_sb_printf(&sb, "  <IntReg Name=\"%sReg\" NameSpace=\"Custom\">\n"
                          "    <Visibility>Invisible</Visibility>\n"
                          "    <Address>0x%X</Address>\n    <Length>4</Length>\n"
                          "    <AccessMode>%s</AccessMode>\n    <pPort>%s</pPort>\n"
                          "    <Cachable>NoCache</Cachable>\n    <Sign>Unsigned</Sign>\n"
                          "    <Endianess>LittleEndian</Endianess>\n  </IntReg>\n",
                     f->name, addr, mode, port);
    }
    tc_sb_printf(&sb, "  <Port Name=\"%s\" NameSpace=\"Standard\"/>\n</RegisterDescription>\n", port);
    while (sb.len % 4)
        tc_sb_printf(&sb, "\n");
    return tc_sb_take(&sb, len);
}

/* A node's value: the string, or the integer. */
static void value_of(void *obj, enum value_id v, char *s, uint32_t *i)
{
    gt_tl *tl = obj;
    gt_if *iface = obj;
    gt_dev *dev = obj;
    gt_ds *ds = obj;
    const gt_twin *sel = NULL;
    if (v >= V_SEL_DEV_ID && v <= V_SEL_DEV_ACCESS && iface->device_selector < gt_g.n_twins)
        sel = &gt_g.twins[iface->device_selector];
    s[0] = 0;
    *i = 0;
    switch (v) {
    case V_TL_ID: snprintf(s, STRING_LEN, GT_TL_ID); break;
    case V_TL_VENDOR: snprintf(s, STRING_LEN, "twincam"); break;
    case V_TL_MODEL: snprintf(s, STRING_LEN, "twincam in-process twins"); break;
    case V_TL_VERSION: snprintf(s, STRING_LEN, "%s", TC_VERSION); break;
    case V_TL_TYPE: snprintf(s, STRING_LEN, GT_TLTYPE); break;
    case V_GENTL_MAJOR: *i = 1; break;
    case V_GENTL_MINOR: *i = 5; break;
    case V_IF_SELECTOR: *i = tl->interface_selector; break;
    case V_IF_ID: snprintf(s, STRING_LEN, GT_IF_ID); break;
    case V_DEV_SELECTOR: *i = iface->device_selector; break;
    case V_SEL_DEV_ID:
    case V_SEL_DEV_SERIAL: snprintf(s, STRING_LEN, "%s", sel ? sel->id.serial : ""); break;
    case V_SEL_DEV_VENDOR: snprintf(s, STRING_LEN, "%s", sel ? sel->id.vendor : ""); break;
    case V_SEL_DEV_MODEL: snprintf(s, STRING_LEN, "%s", sel ? sel->id.model : ""); break;
    case V_SEL_DEV_ACCESS:
        *i = (uint32_t)(sel && sel->open_as ? DEVICE_ACCESS_STATUS_OPEN_READWRITE
                                            : DEVICE_ACCESS_STATUS_READWRITE);
        break;
    case V_DEV_ID:
    case V_DEV_SERIAL: snprintf(s, STRING_LEN, "%s", dev->twin->id.serial); break;
    case V_DEV_VENDOR: snprintf(s, STRING_LEN, "%s", dev->twin->id.vendor); break;
    case V_DEV_MODEL: snprintf(s, STRING_LEN, "%s", dev->twin->id.model); break;
    case V_DEV_TYPE: snprintf(s, STRING_LEN, "Custom"); break;
    case V_STREAM_SELECTOR: *i = dev->stream_selector; break;
    case V_STREAM_ID:
    case V_DS_ID: snprintf(s, STRING_LEN, GT_STREAM_ID); break;
    case V_DS_TYPE: snprintf(s, STRING_LEN, GT_TLTYPE); break;
    case V_DS_ANNOUNCED: *i = (uint32_t)ds->n_bufs; break;
    case V_DS_QUEUED: *i = (uint32_t)ds->input.n; break;
    case V_DS_AWAITING: *i = (uint32_t)ds->n_output; break;
    case V_DS_DELIVERED: *i = (uint32_t)ds->delivered; break;
    case V_DS_UNDERRUN: *i = (uint32_t)ds->underrun; break;
    case V_DS_STARTED: *i = (uint32_t)ds->started; break;
    case V_DS_ANNOUNCE_MIN: *i = 1; break;
    case V_DS_HANDLING: *i = 0; break;
    case V_IF_UPDATE:
    case V_DEV_UPDATE: break;
    }
}

static const char *module_xml(unsigned kind, void *obj, size_t *len)
{
    switch (kind) {
    case GT_TL: *len = ((gt_tl *)obj)->xml_len; return ((gt_tl *)obj)->xml;
    case GT_IF: *len = ((gt_if *)obj)->xml_len; return ((gt_if *)obj)->xml;
    case GT_DS: *len = ((gt_ds *)obj)->xml_len; return ((gt_ds *)obj)->xml;
    default: *len = ((gt_dev *)obj)->xml_len; return ((gt_dev *)obj)->xml;
    }
}

GC_ERROR gt_module_read(unsigned kind, void *obj, uint64_t address, uint8_t *buf, size_t len)
{
    size_t xml_len;
    const char *xml = module_xml(kind, obj, &xml_len);
    if (address >= GT_XML_ADDRESS && address - GT_XML_ADDRESS <= xml_len &&
        len <= xml_len - (address - GT_XML_ADDRESS)) {
        memcpy(buf, xml + (address - GT_XML_ADDRESS), len);
        return GC_ERR_SUCCESS;
    }
    size_t n;
    const char *port, *model;
    const node *nodes = nodes_of(kind, &n, &port, &model);
    uint64_t index = address / NODE_STRIDE, off = address % NODE_STRIDE;
    if (index >= n || off + len > node_len(&nodes[index]) || nodes[index].type == N_COMMAND)
        return gt_err(GC_ERR_INVALID_ADDRESS, "no readable register at 0x%llx (+%zu) of %s",
                      (unsigned long long)address, len, port);
    char s[STRING_LEN + 1];
    uint32_t v;
    value_of(obj, nodes[index].value, s, &v);
    uint8_t bytes[STRING_LEN] = { 0 };
    if (nodes[index].type == N_STRING)
        memcpy(bytes, s, strlen(s));
    else
        for (unsigned b = 0; b < 4; b++)
            bytes[b] = (uint8_t)(v >> (8 * b));
    memcpy(buf, bytes + off, len);
    return GC_ERR_SUCCESS;
}

GC_ERROR gt_module_write(unsigned kind, void *obj, uint64_t address, const uint8_t *buf, size_t len)
{
    size_t n;
    const char *port, *model;
    const node *nodes = nodes_of(kind, &n, &port, &model);
    uint64_t index = address / NODE_STRIDE;
    if (address % NODE_STRIDE || index >= n || len != 4)
        return gt_err(GC_ERR_INVALID_ADDRESS, "no writable 4-byte register at 0x%llx of %s",
                      (unsigned long long)address, port);
    const node *f = &nodes[index];
    uint32_t v = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
    if (f->type == N_COMMAND) {
        if (f->value == V_DEV_UPDATE)
            ((gt_if *)obj)->listed = true; /* the list is fixed: updating finds the same cameras */
        return GC_ERR_SUCCESS;
    }
    if (f->type != N_SELECTOR)
        return gt_err(GC_ERR_ACCESS_DENIED, "%s is read-only", f->name);
    if (v >= choices(f->value))
        return gt_err(GC_ERR_INVALID_VALUE, "%s %u is beyond %u", f->name, v, choices(f->value) - 1u);
    switch (f->value) {
    case V_IF_SELECTOR: ((gt_tl *)obj)->interface_selector = v; break;
    case V_DEV_SELECTOR: ((gt_if *)obj)->device_selector = v; break;
    default: ((gt_dev *)obj)->stream_selector = v; break;
    }
    return GC_ERR_SUCCESS;
}
