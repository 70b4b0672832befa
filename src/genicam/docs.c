/* docs/features.md from the feature table: one table per category with
 * type, access, register, range, unit and description, then the register
 * map sorted by address. A unit test compares this output with the committed
 * page, so the page cannot go stale. */
#include "genicam/docs.h"

#include <stdio.h>
#include <string.h>

#include "core/feature.h"
#include "core/regmap.h"
#include "util/strbuf.h"

static const char *type_name[] = { "Integer", "Float", "Enumeration", "Boolean", "Command", "String",
                                   "Register" };
static const char *access_name[] = { "RO", "RW", "WO" };

static void range_text(const tc_feature *f, char *buf, size_t len)
{
    char lo[48], hi[48];
    switch (f->type) {
    case TC_FT_INTEGER:
        if (f->pmin) snprintf(lo, sizeof(lo), "%s", f->pmin); else snprintf(lo, sizeof(lo), "%lld", (long long)f->imin);
        if (f->pmax) snprintf(hi, sizeof(hi), "%s", f->pmax); else snprintf(hi, sizeof(hi), "%lld", (long long)f->imax);
        if (f->inc > 1)
            snprintf(buf, len, "%s..%s step %lld", lo, hi, (long long)f->inc);
        else
            snprintf(buf, len, "%s..%s", lo, hi);
        return;
    case TC_FT_FLOAT:
        if (f->pmin) snprintf(lo, sizeof(lo), "%s", f->pmin); else snprintf(lo, sizeof(lo), "%g", f->fmin);
        if (f->pmax) snprintf(hi, sizeof(hi), "%s", f->pmax); else snprintf(hi, sizeof(hi), "%g", f->fmax);
        snprintf(buf, len, "%s..%s", lo, hi);
        return;
    case TC_FT_ENUM: {
        size_t n = 0;
        buf[0] = 0;
        for (unsigned i = 0; i < f->n_entries && n < len; i++)
            n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", f->entries[i].name);
        return;
    }
    case TC_FT_BOOL:
        snprintf(buf, len, "false, true");
        return;
    default:
        buf[0] = 0;
    }
}

char *tc_features_markdown(size_t *len)
{
    tc_strbuf sb = { 0 };
    tc_sb_printf(&sb, "# Features and register map\n\n"
                      "Generated from `src/core/feature_table.c` by `twincam docs`; do not edit by hand\n"
                      "(a unit test fails when this page and the table disagree).\n\n"
                      "Registers are in the device's feature space; GigE Vision serves them big-endian,\n"
                      "USB3 Vision little-endian. Floats are IEEE 754 doubles, strings NUL-padded.\n"
                      "Selected features have one register per selector position, `length` bytes apart.\n"
                      "Features marked *GigE Vision only* are transport registers of the GigE port\n"
                      "(bootstrap registers below 0x10000, bit numbers counted from the LSB);\n"
                      "the register map table lists the device core's registers.\n");
    for (unsigned c = 0; c < TC_CAT_COUNT; c++) {
        if (tc_categories[c].name)
            tc_sb_printf(&sb, "\n## %s\n\n%s\n\n", tc_categories[c].name, tc_categories[c].description);
        else
            tc_sb_printf(&sb, "\n## Helper nodes (dynamic bounds, invisible)\n\n");
        tc_sb_printf(&sb, "| Feature | Type | Access | Address | Range | Unit | Description |\n"
                          "|---|---|---|---|---|---|---|\n");
        for (unsigned i = 0; i < tc_feature_count; i++) {
            const tc_feature *f = &tc_features[i];
            if (f->category != c)
                continue;
            char range[512];
            range_text(f, range, sizeof(range));
            char addr[64];
            if (f->n_index > 1)
                snprintf(addr, sizeof(addr), "0x%05X +%u x %s", f->address, f->length, f->selector);
            else
                snprintf(addr, sizeof(addr), "0x%05X", f->address);
            if (f->bit_width)
                snprintf(addr + strlen(addr), sizeof(addr) - strlen(addr), " bits %u..%u", f->bit_pos,
                         f->bit_pos + f->bit_width - 1);
            tc_sb_printf(&sb, "| %s | %s | %s | %s | %s | %s | %s%s |\n", f->name, type_name[f->type],
                         access_name[f->access], addr, range, f->unit ? f->unit : "",
                         f->description ? f->description : "",
                         (f->flags & TC_FF_GIGE) ? " (GigE Vision only)" : "");
        }
    }
    tc_sb_printf(&sb, "\n## Register map\n\n| Address | Bytes | Feature | Index |\n|---|---|---|---|\n");
    unsigned n;
    const tc_register *r = tc_regmap_all(&n);
    for (unsigned i = 0; i < n; i++)
        tc_sb_printf(&sb, "| 0x%05X | %u | %s | %u |\n", r[i].address, r[i].length, r[i].feature->name,
                     r[i].index);
    return tc_sb_take(&sb, len);
}
