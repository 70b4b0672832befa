/* The register map: the feature table seen as bytes at addresses, which is
 * how GigE Vision (READMEM/WRITEMEM/READREG/WRITEREG) and USB3 Vision (GenCP)
 * clients reach features. Derived from the table at first use.
 *
 * Numbers are stored in the byte order the port asks for (GigE big-endian,
 * USB3 Vision little-endian); floats are IEEE 754 doubles; strings are
 * NUL-padded; a byte register (TC_FT_REGISTER, FileAccessBuffer) is its
 * bytes in place. Every byte of a read must be mapped; a write must cover
 * whole registers (a string register may be written from its start with
 * fewer bytes; a byte register in any part, in a write of its own). A write spanning several registers is one write: applied in
 * address order, each checked against those before it, kept whole or not at
 * all; a command register must be written alone (TC_EINVAL otherwise).
 * Errors: TC_EADDRESS (unmapped or misaligned), TC_EACCESS (read-only or
 * locked), TC_ERANGE (refused value), TC_EINVAL; d->why says why. Caller
 * holds d->lock. */
#ifndef TC_CORE_REGMAP_H
#define TC_CORE_REGMAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/device.h"

/* The largest string register (a test holds the table to it). */
#define TC_STRING_REG_MAX 256

typedef struct tc_register {
    uint32_t address;
    uint32_t length;
    const tc_feature *feature;
    unsigned index; /* selector position */
} tc_register;

/* The register containing `address`, or NULL. */
const tc_register *tc_regmap_find(uint64_t address);
/* All registers, sorted by address. */
const tc_register *tc_regmap_all(unsigned *count);

int tc_regmap_read(tc_device *d, uint64_t address, uint8_t *buf, size_t len, int big_endian);
int tc_regmap_write(tc_device *d, uint64_t address, const uint8_t *buf, size_t len, int big_endian);

#endif
