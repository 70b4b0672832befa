/* Test helper: put an input flush against an inaccessible page, so a parser
 * that reads one byte past the end faults even without AddressSanitizer
 * (picohttpparser's test trick). One buffer per call site at a time. */
#ifndef TC_TESTS_U3V_GUARD_H
#define TC_TESTS_U3V_GUARD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct guarded {
    uint8_t *map;
    size_t map_len;
    uint8_t *data; /* len bytes ending at the protected page */
} guarded;

static inline guarded guard_copy(const void *src, size_t len)
{
    guarded g;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (len + page - 1) / page + 1;
    g.map_len = pages * page;
    void *m = mmap(NULL, g.map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        abort();
    g.map = m;
    if (mprotect(g.map + (pages - 1) * page, page, PROT_NONE) != 0)
        abort();
    g.data = g.map + (pages - 1) * page - len;
    if (len)
        memcpy(g.data, src, len);
    return g;
}

static inline void guard_free(guarded *g)
{
    munmap(g->map, g->map_len);
}

#endif
