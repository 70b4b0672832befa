/* gpio_map.h for builds without libgpiod: the spec is still checked, so a
 * typo is reported as such, then the mapping is refused. */
#include <stdio.h>

#include "io/gpio_logic.h"
#include "io/gpio_map.h"

int tc_gpio_map_start(tc_camera *cam, const char *spec, tc_gpio_map **out, char *err, size_t err_cap)
{
    char scratch[256];
    if (!err || !err_cap) {
        err = scratch;
        err_cap = sizeof(scratch);
    }
    if (out)
        *out = NULL;
    tc_gpio_spec sp;
    if (tc_gpio_spec_parse(spec, &sp, err, err_cap) != 0)
        return TC_EINVAL;
    (void)cam;
    snprintf(err, err_cap, "gpio: this twincam was built without libgpiod (install libgpiod-dev and rebuild)");
    return TC_EINVAL;
}

void tc_gpio_map_stop(tc_gpio_map *m)
{
    (void)m;
}

size_t tc_gpio_map_describe(tc_gpio_map *m, char *buf, size_t cap)
{
    (void)m;
    if (buf && cap)
        buf[0] = 0;
    return 0;
}
