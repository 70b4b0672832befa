/* The application API as an application sees it: this program includes only
 * the public header and links libtwincam.so (twincam_dep), so it also
 * proves the shared library exports what the header promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <twincam/twincam.h>

/* The headers' version macros agree with each other and with the library
 * this program runs with (built from the same tree). */
static void version_macros_and_function_agree(void **state)
{
    (void)state;
    char text[64];
    snprintf(text, sizeof(text), "%d.%d.%d", TWINCAM_VERSION_MAJOR, TWINCAM_VERSION_MINOR,
             TWINCAM_VERSION_MICRO);
    assert_string_equal(text, TWINCAM_VERSION_STRING);
    assert_non_null(tc_version());
    assert_string_equal(tc_version(), TWINCAM_VERSION_STRING);
}

static void check_version_compares_major_minor_micro(void **state)
{
    (void)state;
    enum { MA = TWINCAM_VERSION_MAJOR, MI = TWINCAM_VERSION_MINOR, MC = TWINCAM_VERSION_MICRO };
    assert_true(TWINCAM_CHECK_VERSION(MA, MI, MC));
    assert_true(TWINCAM_CHECK_VERSION(0, 0, 0));
    assert_false(TWINCAM_CHECK_VERSION(MA, MI, MC + 1));
    assert_false(TWINCAM_CHECK_VERSION(MA, MI + 1, 0));
    assert_false(TWINCAM_CHECK_VERSION(MA + 1, 0, 0));
    if (MC > 0)
        assert_true(TWINCAM_CHECK_VERSION(MA, MI, MC - 1));
    if (MI > 0)
        assert_true(TWINCAM_CHECK_VERSION(MA, MI - 1, MC + 99));
    if (MA > 0)
        assert_true(TWINCAM_CHECK_VERSION(MA - 1, MI + 99, MC + 99));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_macros_and_function_agree),
        cmocka_unit_test(check_version_compares_major_minor_micro),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
