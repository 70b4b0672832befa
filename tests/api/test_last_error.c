/* inproc/last_error.c alone: a thread's reasons per camera id, the slots'
 * ageing when a thread uses more cameras than there are slots, and the
 * reader's copy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "inproc/last_error.h"

static void ids_are_fresh_and_never_the_no_camera_id(void **state)
{
    (void)state;
    uint64_t a = tc_last_error_new_id(), b = tc_last_error_new_id();
    assert_true(a != TC_NO_CAMERA && b != TC_NO_CAMERA);
    assert_true(a != b);
}

static void set_get_clear_per_id(void **state)
{
    (void)state;
    uint64_t a = tc_last_error_new_id(), b = tc_last_error_new_id();
    assert_string_equal(tc_last_error_get(a), "");
    tc_last_error_set(a, "refused %d", 7);
    assert_string_equal(tc_last_error_get(a), "refused 7");
    assert_string_equal(tc_last_error_get(b), "");
    tc_last_error_clear(b);
    assert_string_equal(tc_last_error_get(a), "refused 7");
    tc_last_error_clear(a);
    assert_string_equal(tc_last_error_get(a), "");
}

/* Reasons of the 8 most recently used cameras are kept; a ninth camera's
 * failure pushes out the least recently used one, not a recent one. */
static void the_least_recently_used_reason_ages_out(void **state)
{
    (void)state;
    enum { N = 9 };
    uint64_t id[N];
    for (unsigned i = 0; i < N; i++)
        id[i] = tc_last_error_new_id();
    for (unsigned i = 0; i < N - 1; i++)
        tc_last_error_set(id[i], "camera %u", i);
    tc_last_error_set(id[0], "camera 0 again"); /* 0 is now the most recent */
    tc_last_error_set(id[N - 1], "camera %u", N - 1);
    assert_string_equal(tc_last_error_get(id[1]), ""); /* the oldest went */
    assert_string_equal(tc_last_error_get(id[0]), "camera 0 again");
    char want[32];
    for (unsigned i = 2; i < N; i++) {
        snprintf(want, sizeof(want), "camera %u", i);
        assert_string_equal(tc_last_error_get(id[i]), want);
    }
}

static void long_reasons_are_cut_not_overflowed(void **state)
{
    (void)state;
    uint64_t a = tc_last_error_new_id();
    char longer[1000];
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = 0;
    tc_last_error_set(a, "%s", longer);
    size_t n = strlen(tc_last_error_get(a));
    assert_true(n > 0 && n < sizeof(longer) - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_are_fresh_and_never_the_no_camera_id),
        cmocka_unit_test(set_get_clear_per_id),
        cmocka_unit_test(the_least_recently_used_reason_ages_out),
        cmocka_unit_test(long_reasons_are_cut_not_overflowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
