/* Status codes of the device core: 0 or a negative TC_E* code.
 *
 * The core depends on nothing above it, so it declares its own codes rather
 * than taking the public header's. The values are the public API's
 * (include/twincam/twincam.h), so the in-process port hands them through
 * unchanged; src/inproc/camera.c checks every pair with a static assertion.
 *
 * Inside the core the short names (TC_ERANGE, ...) are used. A file that
 * includes the public header first (the in-process port, tests) keeps the
 * public enumerators, which have the same values; the TC_CORE_* names are
 * always there for the comparison. */
#ifndef TC_CORE_ERRORS_H
#define TC_CORE_ERRORS_H

enum tc_core_status {
    TC_CORE_OK = 0,
    TC_CORE_ENOFEATURE = -1, /* no feature of that name */
    TC_CORE_ETYPE = -2,      /* the feature has another type */
    TC_CORE_ERANGE = -3,     /* value out of range, off the increment, or breaks a rule */
    TC_CORE_EACCESS = -4,    /* read-only or write-only */
    TC_CORE_EBUSY = -5,      /* not possible in the current state */
    TC_CORE_ETIMEOUT = -6,   /* nothing within the timeout */
    TC_CORE_ENOMEM = -7,
    TC_CORE_EINVAL = -8,     /* bad argument */
    TC_CORE_EIO = -9,        /* file error */
    TC_CORE_EADDRESS = -10,  /* register access outside the register map */
};

#ifndef TWINCAM_H
/* The public header was not included: the core's own enumerators carry the
 * short names (the public header then skips its copy, see there). */
enum {
    TC_OK = TC_CORE_OK,
    TC_ENOFEATURE = TC_CORE_ENOFEATURE,
    TC_ETYPE = TC_CORE_ETYPE,
    TC_ERANGE = TC_CORE_ERANGE,
    TC_EACCESS = TC_CORE_EACCESS,
    TC_EBUSY = TC_CORE_EBUSY,
    TC_ETIMEOUT = TC_CORE_ETIMEOUT,
    TC_ENOMEM = TC_CORE_ENOMEM,
    TC_EINVAL = TC_CORE_EINVAL,
    TC_EIO = TC_CORE_EIO,
    TC_EADDRESS = TC_CORE_EADDRESS,
};
#define TC_CORE_SHORT_NAMES 1
#endif

#endif
