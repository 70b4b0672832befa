/* The producer library: GCInitLib/GCCloseLib, the handle registry, the
 * calling thread's last error, and the info queries' copy rule. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gentl/gentl_int.h"

gt_lib gt_g = { .mu = PTHREAD_MUTEX_INITIALIZER, .idle = PTHREAD_COND_INITIALIZER };

static _Thread_local GC_ERROR t_code;
static _Thread_local char t_text[256];

void gt_lock(void) { pthread_mutex_lock(&gt_g.mu); }
void gt_unlock(void) { pthread_mutex_unlock(&gt_g.mu); }

GC_ERROR gt_err(GC_ERROR code, const char *fmt, ...)
{
    t_code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t_text, sizeof(t_text), fmt, ap);
    va_end(ap);
    return code;
}

GC_ERROR gt_enter(void)
{
    gt_lock();
    if (gt_g.initialised)
        return GC_ERR_SUCCESS;
    gt_unlock();
    return gt_err(GC_ERR_NOT_INITIALIZED, "GCInitLib has not been called");
}

GC_ERROR gt_leave(GC_ERROR rc)
{
    gt_unlock();
    return rc;
}

/* ---- registry ---- */

void *gt_handle_new(unsigned kind, void *obj)
{
    if (gt_g.n_reg == gt_g.reg_cap) {
        size_t cap = gt_g.reg_cap ? gt_g.reg_cap * 2 : 64;
        struct gt_reg *r = realloc(gt_g.reg, cap * sizeof(*r));
        if (!r)
            return NULL;
        gt_g.reg = r;
        gt_g.reg_cap = cap;
    }
    /* Ids start high and step by 16 so that no handle is a small integer a
     * consumer might pass by mistake, and none is ever used twice. */
    if (gt_g.next_id == 0)
        gt_g.next_id = 0x7c0000;
    gt_g.next_id += 16;
    gt_g.reg[gt_g.n_reg++] = (struct gt_reg){ gt_g.next_id, kind, obj };
    return (void *)gt_g.next_id;
}

void *gt_find(const void *handle, unsigned kinds, unsigned *kind_out)
{
    uintptr_t id = (uintptr_t)handle;
    if (!id)
        return NULL;
    for (size_t i = 0; i < gt_g.n_reg; i++)
        if (gt_g.reg[i].id == id) {
            if (!(gt_g.reg[i].kind & kinds))
                return NULL;
            if (kind_out)
                *kind_out = gt_g.reg[i].kind;
            return gt_g.reg[i].obj;
        }
    return NULL;
}

void gt_handle_drop(void *handle)
{
    uintptr_t id = (uintptr_t)handle;
    for (size_t i = 0; i < gt_g.n_reg; i++)
        if (gt_g.reg[i].id == id) {
            gt_g.reg[i] = gt_g.reg[--gt_g.n_reg];
            return;
        }
}

void gt_call_begin(void)
{
    gt_g.in_core++;
    gt_unlock();
}

void gt_call_end(void)
{
    gt_lock();
    if (--gt_g.in_core == 0)
        pthread_cond_broadcast(&gt_g.idle);
}

/* ---- info copies ---- */

GC_ERROR gt_info(INFO_DATATYPE type, const void *value, size_t size, INFO_DATATYPE *piType,
                 void *pBuffer, size_t *piSize)
{
    if (!piSize)
        return gt_err(GC_ERR_INVALID_PARAMETER, "piSize is NULL");
    if (piType)
        *piType = type;
    if (!pBuffer) {
        *piSize = size;
        return GC_ERR_SUCCESS;
    }
    if (*piSize < size) {
        size_t had = *piSize;
        *piSize = size;
        return gt_err(GC_ERR_BUFFER_TOO_SMALL, "%zu bytes needed, %zu given", size, had);
    }
    memcpy(pBuffer, value, size);
    *piSize = size;
    return GC_ERR_SUCCESS;
}

GC_ERROR gt_info_str(const char *s, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    return gt_info(INFO_DATATYPE_STRING, s, strlen(s) + 1, piType, pBuffer, piSize);
}

#define INFO_OF(fn, ctype, dtype) \
    GC_ERROR fn(ctype v, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize) \
    { \
        return gt_info(dtype, &v, sizeof(v), piType, pBuffer, piSize); \
    }
INFO_OF(gt_info_u64, uint64_t, INFO_DATATYPE_UINT64)
INFO_OF(gt_info_i32, int32_t, INFO_DATATYPE_INT32)
INFO_OF(gt_info_u32, uint32_t, INFO_DATATYPE_UINT32)
INFO_OF(gt_info_sizet, size_t, INFO_DATATYPE_SIZET)

GC_ERROR gt_info_bool(bool v, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    bool8_t b = v ? 1 : 0;
    return gt_info(INFO_DATATYPE_BOOL8, &b, sizeof(b), piType, pBuffer, piSize);
}

GC_ERROR gt_info_ptr(const void *v, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    return gt_info(INFO_DATATYPE_PTR, &v, sizeof(v), piType, pBuffer, piSize);
}

GC_ERROR gt_core_err(int rc, const char *what)
{
    const char *why = tc_port_why();
    GC_ERROR code;
    switch (rc) {
    case TC_EADDRESS: code = GC_ERR_INVALID_ADDRESS; break;
    case TC_EACCESS: code = GC_ERR_ACCESS_DENIED; break;
    case TC_ERANGE:
    case TC_ETYPE:
    case TC_EINVAL: code = GC_ERR_INVALID_VALUE; break;
    case TC_EBUSY: code = GC_ERR_BUSY; break;
    case TC_ETIMEOUT: code = GC_ERR_TIMEOUT; break;
    case TC_ENOMEM: code = GC_ERR_OUT_OF_MEMORY; break;
    case TC_EIO: code = GC_ERR_IO; break;
    default: code = GC_ERR_ERROR; break;
    }
    return gt_err(code, "%s: %s", what, why && *why ? why : "refused by the camera");
}

/* ---- the library's own entry points ---- */

GC_API GCInitLib(void)
{
    gt_lock();
    if (gt_g.initialised) {
        gt_unlock();
        return gt_err(GC_ERR_RESOURCE_IN_USE, "GCInitLib was already called");
    }
    gt_g.initialised = true;
    gt_unlock();
    return GC_ERR_SUCCESS;
}

GC_API GCCloseLib(void)
{
    GC_ERROR rc = gt_enter();
    if (rc)
        return rc;
    if (gt_g.tl)
        gt_tl_close_locked(gt_g.tl);
    gt_g.initialised = false;
    free(gt_g.reg);
    gt_g.reg = NULL;
    gt_g.n_reg = gt_g.reg_cap = 0;
    return gt_leave(GC_ERR_SUCCESS);
}

GC_ERROR gt_tl_info(TL_INFO_CMD cmd, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize);

GC_API GCGetInfo(TL_INFO_CMD iInfoCmd, INFO_DATATYPE *piType, void *pBuffer, size_t *piSize)
{
    /* The one call the standard allows before GCInitLib: it names the producer. */
    gt_lock();
    GC_ERROR rc = gt_tl_info(iInfoCmd, piType, pBuffer, piSize);
    gt_unlock();
    return rc;
}

GC_API GCGetLastError(GC_ERROR *piErrorCode, char *sErrText, size_t *piSize)
{
    if (!piErrorCode || !piSize)
        return GC_ERR_INVALID_PARAMETER; /* not recorded: it would replace the error asked for */
    *piErrorCode = t_code;
    size_t need = strlen(t_text) + 1;
    if (!sErrText) {
        *piSize = need;
        return GC_ERR_SUCCESS;
    }
    if (*piSize < need) {
        *piSize = need;
        return GC_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(sErrText, t_text, need);
    *piSize = need;
    return GC_ERR_SUCCESS;
}
