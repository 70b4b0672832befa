/* GenICam XML (GenApi schema 1.1) generated from the feature table.
 *
 * Each feature becomes a typed node (Integer, Float, Enumeration, Boolean,
 * Command) over a register node (IntReg, FloatReg), a StringReg, or a
 * Register (FileAccessBuffer: bytes); selected
 * features use pIndex so every selector position has its own register;
 * dynamic bounds are pMin/pMax to the helper nodes of the table. Element order
 * within a node follows the schema's sequence. Registers are NoCache: values
 * like PayloadSize change with other features and the camera is the only
 * truth. */
#include "genicam/xml.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/feature.h"
#include "util/strbuf.h"

static const char *vis_name[] = { "Beginner", "Expert", "Guru", "Invisible" };
static const char *access_name[] = { "RO", "RW", "WO" };

/* The twin's own features are Custom wherever they sit in the tree. */
static const char *name_space(const tc_feature *f)
{
    return f->category == TC_CAT_TWIN || f->category == TC_CAT_HIDDEN || !strncmp(f->name, "Twin", 4)
               ? "Custom"
               : "Standard";
}

static void common_head(tc_strbuf *sb, const tc_feature *f)
{
    if (f->description) {
        tc_sb_printf(sb, "    <ToolTip>");
        tc_sb_xml_text(sb, f->description);
        tc_sb_printf(sb, "</ToolTip>\n    <Description>");
        tc_sb_xml_text(sb, f->description);
        tc_sb_printf(sb, "</Description>\n");
    }
    if (f->display_name) {
        tc_sb_printf(sb, "    <DisplayName>");
        tc_sb_xml_text(sb, f->display_name);
        tc_sb_printf(sb, "</DisplayName>\n");
    }
    tc_sb_printf(sb, "    <Visibility>%s</Visibility>\n", vis_name[f->visibility]);
}

/* A selector lists the features it selects (schema 1.1: after pValue),
 * as their first or second selector. */
static void selected_list(tc_strbuf *sb, const tc_feature *f)
{
    for (unsigned i = 0; i < tc_feature_count; i++) {
        const tc_feature *s = &tc_features[i];
        if ((s->selector && !strcmp(s->selector, f->name)) || (s->selector2 && !strcmp(s->selector2, f->name)))
            tc_sb_printf(sb, "    <pSelected>%s</pSelected>\n", s->name);
    }
}

static void reg_node(tc_strbuf *sb, const tc_feature *f, int be)
{
    bool masked = f->bit_width > 0;
    const char *kind = f->type == TC_FT_FLOAT ? "FloatReg" : masked ? "MaskedIntReg" : "IntReg";
    tc_sb_printf(sb, "  <%s Name=\"%sReg\" NameSpace=\"Custom\">\n", kind, f->name);
    tc_sb_printf(sb, "    <Visibility>Invisible</Visibility>\n");
    tc_sb_printf(sb, "    <Address>0x%08X</Address>\n", f->address);
    /* pIndex must name an integer node: the selector's register. */
    if (f->n_index > 1)
        tc_sb_printf(sb, "    <pIndex Offset=\"%u\">%sReg</pIndex>\n", f->length, f->selector);
    tc_sb_printf(sb, "    <Length>%u</Length>\n", f->length);
    tc_sb_printf(sb, "    <AccessMode>%s</AccessMode>\n", access_name[f->access]);
    tc_sb_printf(sb, "    <pPort>Device</pPort>\n");
    tc_sb_printf(sb, "    <Cachable>%s</Cachable>\n", (f->flags & TC_FF_CONST) ? "WriteThrough" : "NoCache");
    if (masked) {
        /* GenApi numbers bits from the MSB in big-endian registers. */
        unsigned lsb = f->bit_pos, msb = f->bit_pos + f->bit_width - 1u;
        if (be) {
            lsb = 31u - lsb;
            msb = 31u - msb;
        }
        if (f->bit_width == 1)
            tc_sb_printf(sb, "    <Bit>%u</Bit>\n", lsb);
        else
            tc_sb_printf(sb, "    <LSB>%u</LSB>\n    <MSB>%u</MSB>\n", lsb, msb);
    }
    if (f->type != TC_FT_FLOAT && !(masked && f->bit_width == 1))
        tc_sb_printf(sb, "    <Sign>%s</Sign>\n", f->length == 8 ? "Signed" : "Unsigned");
    tc_sb_printf(sb, "    <Endianess>%s</Endianess>\n", be ? "BigEndian" : "LittleEndian");
    tc_sb_printf(sb, "  </%s>\n", kind);
}

static void bound(tc_strbuf *sb, const char *tag, const char *ref, const char *value)
{
    if (ref)
        tc_sb_printf(sb, "    <p%s>%s</p%s>\n", tag, ref, tag);
    else
        tc_sb_printf(sb, "    <%s>%s</%s>\n", tag, value, tag);
}

static void feature_node(tc_strbuf *sb, const tc_feature *f, int be)
{
    char lo[40], hi[40];
    const char *ns = name_space(f);
    switch (f->type) {
    case TC_FT_INTEGER:
        tc_sb_printf(sb, "  <Integer Name=\"%s\" NameSpace=\"%s\">\n", f->name, ns);
        common_head(sb, f);
        tc_sb_printf(sb, "    <pValue>%sReg</pValue>\n", f->name);
        snprintf(lo, sizeof(lo), "%lld", (long long)f->imin);
        snprintf(hi, sizeof(hi), "%lld", (long long)f->imax);
        bound(sb, "Min", f->pmin, lo);
        bound(sb, "Max", f->pmax, hi);
        tc_sb_printf(sb, "    <Inc>%lld</Inc>\n", (long long)(f->inc > 0 ? f->inc : 1));
        if (f->unit)
            tc_sb_printf(sb, "    <Unit>%s</Unit>\n", f->unit);
        selected_list(sb, f);
        tc_sb_printf(sb, "  </Integer>\n");
        reg_node(sb, f, be);
        break;
    case TC_FT_FLOAT:
        tc_sb_printf(sb, "  <Float Name=\"%s\" NameSpace=\"%s\">\n", f->name, ns);
        common_head(sb, f);
        tc_sb_printf(sb, "    <pValue>%sReg</pValue>\n", f->name);
        snprintf(lo, sizeof(lo), "%.17g", f->fmin);
        snprintf(hi, sizeof(hi), "%.17g", f->fmax);
        bound(sb, "Min", f->pmin, lo);
        bound(sb, "Max", f->pmax, hi);
        if (f->unit)
            tc_sb_printf(sb, "    <Unit>%s</Unit>\n", f->unit);
        tc_sb_printf(sb, "  </Float>\n");
        reg_node(sb, f, be);
        break;
    case TC_FT_ENUM:
        tc_sb_printf(sb, "  <Enumeration Name=\"%s\" NameSpace=\"%s\">\n", f->name, ns);
        common_head(sb, f);
        for (unsigned i = 0; i < f->n_entries; i++) {
            const tc_enum_entry *e = &f->entries[i];
            tc_sb_printf(sb, "    <EnumEntry Name=\"%s\" NameSpace=\"%s\">\n", e->name, ns);
            if (e->description) {
                tc_sb_printf(sb, "      <ToolTip>");
                tc_sb_xml_text(sb, e->description);
                tc_sb_printf(sb, "</ToolTip>\n");
            }
            tc_sb_printf(sb, "      <Value>%lld</Value>\n    </EnumEntry>\n", (long long)e->value);
        }
        tc_sb_printf(sb, "    <pValue>%sReg</pValue>\n", f->name);
        selected_list(sb, f);
        tc_sb_printf(sb, "  </Enumeration>\n");
        reg_node(sb, f, be);
        break;
    case TC_FT_BOOL:
        tc_sb_printf(sb, "  <Boolean Name=\"%s\" NameSpace=\"%s\">\n", f->name, ns);
        common_head(sb, f);
        tc_sb_printf(sb, "    <pValue>%sReg</pValue>\n    <OnValue>1</OnValue>\n    <OffValue>0</OffValue>\n  </Boolean>\n", f->name);
        reg_node(sb, f, be);
        break;
    case TC_FT_COMMAND:
        tc_sb_printf(sb, "  <Command Name=\"%s\" NameSpace=\"%s\">\n", f->name, ns);
        common_head(sb, f);
        tc_sb_printf(sb, "    <pValue>%sReg</pValue>\n    <CommandValue>1</CommandValue>\n  </Command>\n", f->name);
        reg_node(sb, f, be);
        break;
    case TC_FT_STRING:
    case TC_FT_REGISTER: {
        const char *kind = f->type == TC_FT_STRING ? "StringReg" : "Register";
        tc_sb_printf(sb, "  <%s Name=\"%s\" NameSpace=\"%s\">\n", kind, f->name, ns);
        common_head(sb, f);
        tc_sb_printf(sb, "    <Address>0x%08X</Address>\n    <Length>%u</Length>\n", f->address, f->length);
        tc_sb_printf(sb, "    <AccessMode>%s</AccessMode>\n    <pPort>Device</pPort>\n", access_name[f->access]);
        tc_sb_printf(sb, "    <Cachable>%s</Cachable>\n  </%s>\n", (f->flags & TC_FF_CONST) ? "WriteThrough" : "NoCache",
                     kind);
        break;
    }
    }
}

/* GigE transport features exist only in the GigE Vision (big-endian) XML. */
static bool in_xml(const tc_feature *f, const tc_xml_options *o)
{
    return !(f->flags & TC_FF_GIGE) || o->big_endian;
}

char *tc_genicam_xml(const tc_xml_options *o, size_t *len)
{
    tc_strbuf sb = { 0 };
    tc_sb_printf(&sb, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    /* Schema 1.1: ModelName matches [A-Za-z][0-9A-Za-z_]*. */
    char model[TC_STRING_MAX + 2];
    size_t m = 0;
    if (!((o->model_name[0] | 0x20) >= 'a' && (o->model_name[0] | 0x20) <= 'z'))
        model[m++] = 'M';
    for (const char *c = o->model_name; *c && m < sizeof(model) - 1; c++)
        model[m++] = ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z') || (*c >= '0' && *c <= '9') ? *c : '_';
    model[m] = 0;
    tc_sb_printf(&sb, "<RegisterDescription ModelName=\"%s", model);
    tc_sb_printf(&sb, "\" VendorName=\"");
    tc_sb_xml_text(&sb, o->vendor_name);
    tc_sb_printf(&sb, "\" ToolTip=\"Software twin of a 12 MP IMX412 USB3 Vision colour camera\""
                      " StandardNameSpace=\"None\" SchemaMajorVersion=\"1\" SchemaMinorVersion=\"1\""
                      " SchemaSubMinorVersion=\"0\" MajorVersion=\"3\" MinorVersion=\"2\" SubMinorVersion=\"0\""
                      " ProductGuid=\"7A1C0412-0000-4C00-8000-7457494E4341\""
                      " VersionGuid=\"7A1C0412-0302-4C00-8000-7457494E4341\""
                      " xmlns=\"http://www.genicam.org/GenApi/Version_1_1\""
                      " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                      " xsi:schemaLocation=\"http://www.genicam.org/GenApi/Version_1_1"
                      " http://www.genicam.org/GenApi/GenApiSchema_Version_1_1.xsd\">\n");
    tc_sb_printf(&sb, "  <Category Name=\"Root\" NameSpace=\"Standard\">\n");
    for (unsigned c = 0; c < TC_CAT_COUNT; c++)
        if (tc_categories[c].name)
            tc_sb_printf(&sb, "    <pFeature>%s</pFeature>\n", tc_categories[c].name);
    tc_sb_printf(&sb, "  </Category>\n");
    for (unsigned c = 0; c < TC_CAT_COUNT; c++) {
        if (!tc_categories[c].name)
            continue;
        tc_sb_printf(&sb, "  <Category Name=\"%s\" NameSpace=\"%s\">\n", tc_categories[c].name,
                     c == TC_CAT_TWIN ? "Custom" : "Standard");
        tc_sb_printf(&sb, "    <ToolTip>");
        tc_sb_xml_text(&sb, tc_categories[c].description);
        tc_sb_printf(&sb, "</ToolTip>\n    <DisplayName>");
        tc_sb_xml_text(&sb, tc_categories[c].display_name);
        tc_sb_printf(&sb, "</DisplayName>\n");
        for (unsigned i = 0; i < tc_feature_count; i++)
            if (tc_features[i].category == c && in_xml(&tc_features[i], o))
                tc_sb_printf(&sb, "    <pFeature>%s</pFeature>\n", tc_features[i].name);
        tc_sb_printf(&sb, "  </Category>\n");
    }
    for (unsigned i = 0; i < tc_feature_count; i++)
        if (in_xml(&tc_features[i], o))
            feature_node(&sb, &tc_features[i], o->big_endian);
    tc_sb_printf(&sb, "  <Port Name=\"Device\" NameSpace=\"Standard\"/>\n");
    tc_sb_printf(&sb, "</RegisterDescription>\n");
    /* Ports read memory in 4-byte units: pad with whitespace so the size is a
     * multiple of 4 and no client parses stray NUL bytes after the document. */
    while (sb.len % 4)
        tc_sb_printf(&sb, "\n");
    return tc_sb_take(&sb, len);
}
