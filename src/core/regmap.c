/* Register map derived from the feature table (regmap.h). */
#include "core/regmap.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/endian.h"

static tc_register *g_regs;
static unsigned g_nregs;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static int by_address(const void *a, const void *b)
{
    const tc_register *x = a, *y = b;
    return x->address < y->address ? -1 : x->address > y->address;
}

static void build(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < tc_feature_count; i++)
        n += tc_features[i].n_index ? tc_features[i].n_index : 1;
    /* GigE transport registers (TC_FF_GIGE) belong to the GigE port. */
    g_regs = calloc(n, sizeof(*g_regs));
    if (!g_regs)
        abort();
    for (unsigned i = 0; i < tc_feature_count; i++) {
        const tc_feature *f = &tc_features[i];
        if (f->flags & TC_FF_GIGE)
            continue;
        unsigned k = f->n_index ? f->n_index : 1;
        for (unsigned j = 0; j < k; j++)
            g_regs[g_nregs++] = (tc_register){ f->address + j * f->length, f->length, f, j };
    }
    qsort(g_regs, g_nregs, sizeof(*g_regs), by_address);
}

const tc_register *tc_regmap_all(unsigned *count)
{
    pthread_once(&g_once, build);
    *count = g_nregs;
    return g_regs;
}

const tc_register *tc_regmap_find(uint64_t address)
{
    pthread_once(&g_once, build);
    unsigned lo = 0, hi = g_nregs;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        const tc_register *r = &g_regs[mid];
        if (address < r->address)
            hi = mid;
        else if (address >= (uint64_t)r->address + r->length)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

/* Serialise one register's current value. */
static int encode(tc_device *d, const tc_register *r, uint8_t *out, int be)
{
    const tc_feature *f = r->feature;
    memset(out, 0, r->length);
    if (f->type == TC_FT_STRING) {
        char s[TC_STRING_REG_MAX + 1];
        tc_device_get_string(d, f, s, sizeof(s));
        size_t n = strlen(s);
        memcpy(out, s, n < r->length ? n : r->length);
        return 0;
    }
    if (f->access == TC_WO) /* commands read as "done" (0) */
        return 0;
    tc_value v;
    int rc = tc_device_get(d, f, r->index, &v);
    if (rc != 0)
        return rc;
    uint64_t bits;
    if (f->type == TC_FT_FLOAT)
        memcpy(&bits, &v.f, sizeof(bits));
    else
        bits = (uint64_t)v.i;
    tc_store_uint(out, r->length, be, bits);
    return 0;
}

int tc_regmap_read(tc_device *d, uint64_t address, uint8_t *buf, size_t len, int big_endian)
{
    uint64_t pos = address, end = address + len;
    if (end < address)
        return tc_device_refuse(d, TC_EADDRESS, "address range wraps");
    while (pos < end) {
        const tc_register *r = tc_regmap_find(pos);
        if (!r)
            return tc_device_refuse(d, TC_EADDRESS, "no register at 0x%llx", (unsigned long long)pos);
        uint64_t from = pos - r->address;
        uint64_t n = r->length - from;
        if (n > end - pos)
            n = end - pos;
        if (r->feature->type == TC_FT_REGISTER) { /* bytes in place, any part of them */
            memcpy(buf + (pos - address), r->feature->bytes(d, r->feature) + from, n);
        } else {
            uint8_t tmp[TC_STRING_REG_MAX];
            int rc = encode(d, r, tmp, big_endian);
            if (rc != 0)
                return rc;
            memcpy(buf + (pos - address), tmp + from, n);
        }
        pos += n;
    }
    return 0;
}

/* Apply one register's bytes inside the caller's write (transaction.c). */
static int decode_apply(tc_device *d, const tc_register *r, const uint8_t *p, size_t n, int be)
{
    const tc_feature *f = r->feature;
    if (f->type == TC_FT_STRING) {
        char s[TC_STRING_MAX];
        size_t k = 0;
        while (k < n && k < sizeof(s) - 1 && p[k])
            k++;
        if (k == sizeof(s) - 1 && k < n && p[k])
            return tc_device_refuse(d, TC_ERANGE, "%s is too long", f->name);
        memcpy(s, p, k);
        s[k] = 0;
        return tc_device_apply_string(d, f, s);
    }
    uint64_t bits = tc_load_uint(p, r->length, be);
    tc_value v;
    if (f->type == TC_FT_FLOAT)
        memcpy(&v.f, &bits, sizeof(v.f));
    else
        v.i = r->length == 8 ? (int64_t)bits : (int64_t)(uint32_t)bits;
    return tc_device_apply(d, f, r->index, v);
}

/* A byte register (FileAccessBuffer) takes any part of itself, in one write
 * of its own: its bytes are no feature values, so nothing else in the
 * write could be taken back with them. Aravis writes a Register node whole,
 * in 512-byte WRITEMEMs; GenApi's file adapter writes its first bytes. */
static int write_bytes(tc_device *d, const tc_register *r, uint64_t address, const uint8_t *buf,
                       size_t len)
{
    const tc_feature *f = r->feature;
    if (address + len > (uint64_t)r->address + r->length)
        return tc_device_refuse(d, TC_EADDRESS, "%s: write it alone, within its %u bytes", f->name,
                                r->length);
    if (f->access == TC_RO)
        return tc_device_refuse(d, TC_EACCESS, "%s is read-only", f->name);
    memcpy(f->bytes(d, f) + (address - r->address), buf, len);
    d->why[0] = 0;
    return 0;
}

/* One write however many registers it spans (GVCP WRITEMEM, GenCP WriteMem):
 * the registers are applied in address order, each checked against those
 * before it, and the whole span is kept or none of it. A command register
 * is only written alone: its effect (acquisition started, a reset) could
 * not be taken back if a register after it were refused. */
int tc_regmap_write(tc_device *d, uint64_t address, const uint8_t *buf, size_t len, int big_endian)
{
    uint64_t end = address + len;
    if (end < address || len == 0)
        return tc_device_refuse(d, TC_EADDRESS, "empty or wrapping write");
    const tc_register *first = tc_regmap_find(address);
    if (first && first->feature->type == TC_FT_REGISTER)
        return write_bytes(d, first, address, buf, len);
    unsigned n_regs = 0;
    const tc_register *command = NULL;
    for (uint64_t pos = address; pos < end; n_regs++) {
        const tc_register *r = tc_regmap_find(pos);
        if (!r)
            return tc_device_refuse(d, TC_EADDRESS, "no register at 0x%llx", (unsigned long long)pos);
        if (r->feature->type == TC_FT_REGISTER)
            return tc_device_refuse(d, TC_EADDRESS, "%s: write it alone, not in a span",
                                    r->feature->name);
        if (pos != r->address)
            return tc_device_refuse(d, TC_EADDRESS, "write at 0x%llx is inside %s",
                                    (unsigned long long)pos, r->feature->name);
        bool partial_ok = r->feature->type == TC_FT_STRING;
        if (end - pos < r->length && !partial_ok)
            return tc_device_refuse(d, TC_EADDRESS, "%s needs a %u-byte write", r->feature->name,
                                    r->length);
        if (r->feature->type == TC_FT_COMMAND)
            command = r;
        pos += r->length;
    }
    if (command && n_regs > 1)
        return tc_device_refuse(d, TC_EINVAL, "%s is a command: write it alone, not in a span",
                                command->feature->name);
    tc_device_begin(d);
    for (uint64_t pos = address; pos < end;) {
        const tc_register *r = tc_regmap_find(pos);
        size_t n = end - pos < r->length ? (size_t)(end - pos) : r->length;
        int rc = decode_apply(d, r, buf + (pos - address), n, big_endian);
        if (rc != 0) {
            tc_device_rollback(d);
            return rc;
        }
        pos += r->length;
    }
    return tc_device_commit(d);
}
