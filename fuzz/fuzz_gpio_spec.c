/* libFuzzer harness: the --gpio spec parser (src/io/gpio_logic.h) with
 * hostile text. Checks: a refusal is one NUL-terminated line starting
 * "gpio spec"; an accepted spec maps at least one line, every chip is
 * non-empty, terminated, printable without blanks, ',' or '=', every offset
 * <= 65535, no GPIO line twice; and writing the mapping back out and parsing
 * it again gives the same mapping. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/gpio_logic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[TC_GPIO_SPEC_MAX + 64];
    size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
    memcpy(text, data, n);
    text[n] = 0;
    tc_gpio_spec sp;
    char err[200];
    memset(err, 'x', sizeof(err));
    if (tc_gpio_spec_parse(text, &sp, err, sizeof(err)) != 0) {
        if (!memchr(err, 0, sizeof(err)) || strchr(err, '\n') || strncmp(err, "gpio spec", 9))
            abort();
        return 0;
    }
    char again[TC_GPIO_LINES * (TC_GPIO_CHIP_MAX + 16)];
    size_t k = 0;
    unsigned mapped = 0;
    for (unsigned l = 0; l < TC_GPIO_LINES; l++) {
        const tc_gpio_pin *p = &sp.line[l];
        if (!p->mapped)
            continue;
        mapped++;
        size_t cn = strnlen(p->chip, sizeof(p->chip));
        if (cn == 0 || cn == sizeof(p->chip) || p->offset > TC_GPIO_OFFSET_MAX)
            abort();
        for (size_t i = 0; i < cn; i++)
            if (p->chip[i] <= 0x20 || p->chip[i] >= 0x7F || p->chip[i] == ',' || p->chip[i] == '=')
                abort();
        for (unsigned m = 0; m < l; m++)
            if (sp.line[m].mapped && sp.line[m].offset == p->offset && !strcmp(sp.line[m].chip, p->chip))
                abort();
        k += (size_t)snprintf(again + k, sizeof(again) - k, "%sLine%u=%s:%u", k ? "," : "", l, p->chip, p->offset);
    }
    if (mapped == 0)
        abort();
    tc_gpio_spec sp2;
    if (tc_gpio_spec_parse(again, &sp2, err, sizeof(err)) != 0 || memcmp(&sp, &sp2, sizeof(sp)) != 0)
        abort();
    return 0;
}
