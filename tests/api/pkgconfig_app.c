/* Built by check_pkgconfig.sh against the installed headers and library
 * only: compiles, links, checks it runs with the library version its headers
 * name, and opens a camera. */
#include <stdio.h>
#include <string.h>

#include <twincam/twincam.h>

int main(void)
{
#if !TWINCAM_CHECK_VERSION(0, 1, 0)
#error "twincam headers older than 0.1.0"
#endif
    if (strcmp(tc_version(), TWINCAM_VERSION_STRING) != 0) {
        fprintf(stderr, "library %s, headers %s\n", tc_version(), TWINCAM_VERSION_STRING);
        return 1;
    }
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    tc_camera *cam = NULL;
    if (tc_camera_open(&o, &cam) != 0) {
        fprintf(stderr, "open: %s\n", tc_camera_last_error(NULL));
        return 1;
    }
    int64_t width = 0;
    int rc = tc_get_int(cam, "Width", &width);
    tc_camera_close(cam);
    printf("twincam %s: Width %lld\n", tc_version(), (long long)width);
    return rc == 0 && width > 0 ? 0 : 1;
}
