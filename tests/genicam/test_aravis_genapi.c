/* The generated GenICam XML and the register map, driven by a real client:
 * Aravis's own GenApi engine (libaravis-0.8) over an ArvDevice subclass whose
 * memory accesses go to the in-process camera's register map. No network is
 * involved; this proves the XML, the addresses, the byte orders, pIndex
 * selectors and dynamic bounds before any transport exists.
 *
 * For every feature in the table: Aravis finds a node of the right type;
 * every readable feature reads the value the library reports; every writable
 * one round-trips; invalid writes are refused and change nothing. Run for
 * both register byte orders (GigE big-endian, USB3 Vision little-endian). */
#include <arv.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/feature.h"
#include "inproc/camera_int.h"
#include "twincam/twincam.h"

/* ---- an ArvDevice over tc_register_read/write ---- */

typedef struct {
    ArvDevice parent;
    tc_camera *cam;
    int big_endian;
    ArvGc *gc;
} TcArvDevice;
typedef struct {
    ArvDeviceClass parent_class;
} TcArvDeviceClass;

G_DEFINE_TYPE(TcArvDevice, tc_arv_device, ARV_TYPE_DEVICE)

static gboolean report(int rc, GError **error)
{
    if (rc == 0)
        return TRUE;
    ArvDeviceError code = rc == TC_EADDRESS  ? ARV_DEVICE_ERROR_PROTOCOL_ERROR_INVALID_ADDRESS
                          : rc == TC_EACCESS ? ARV_DEVICE_ERROR_PROTOCOL_ERROR_ACCESS_DENIED
                          : rc == TC_EBUSY   ? ARV_DEVICE_ERROR_PROTOCOL_ERROR_BUSY
                                             : ARV_DEVICE_ERROR_PROTOCOL_ERROR_INVALID_PARAMETER;
    g_set_error(error, ARV_DEVICE_ERROR, code, "twincam refused: %d", rc);
    return FALSE;
}

static gboolean dev_read_memory(ArvDevice *d, guint64 a, guint32 n, void *buf, GError **e)
{
    TcArvDevice *t = (TcArvDevice *)d;
    return report(tc_register_read(t->cam, a, buf, n, t->big_endian), e);
}

static gboolean dev_write_memory(ArvDevice *d, guint64 a, guint32 n, void *buf, GError **e)
{
    TcArvDevice *t = (TcArvDevice *)d;
    return report(tc_register_write(t->cam, a, buf, n, t->big_endian), e);
}

static gboolean dev_read_register(ArvDevice *d, guint64 a, guint32 *v, GError **e)
{
    guint8 b[4];
    if (!dev_read_memory(d, a, 4, b, e))
        return FALSE;
    TcArvDevice *t = (TcArvDevice *)d;
    *v = t->big_endian ? (guint32)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
                       : (guint32)b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0];
    return TRUE;
}

static gboolean dev_write_register(ArvDevice *d, guint64 a, guint32 v, GError **e)
{
    TcArvDevice *t = (TcArvDevice *)d;
    guint8 b[4];
    for (int i = 0; i < 4; i++)
        b[t->big_endian ? 3 - i : i] = (guint8)(v >> (8 * i));
    return dev_write_memory(d, a, 4, b, e);
}

static const char *dev_get_xml(ArvDevice *d, size_t *size)
{
    TcArvDevice *t = (TcArvDevice *)d;
    return tc_camera_genicam_xml(t->cam, t->big_endian, size);
}

static ArvGc *dev_get_genicam(ArvDevice *d) { return ((TcArvDevice *)d)->gc; }

static void dev_finalize(GObject *o)
{
    TcArvDevice *t = (TcArvDevice *)o;
    g_clear_object(&t->gc);
    G_OBJECT_CLASS(tc_arv_device_parent_class)->finalize(o);
}

static void tc_arv_device_init(TcArvDevice *t) { (void)t; }

static void tc_arv_device_class_init(TcArvDeviceClass *k)
{
    ArvDeviceClass *dc = ARV_DEVICE_CLASS(k);
    G_OBJECT_CLASS(k)->finalize = dev_finalize;
    dc->get_genicam_xml = dev_get_xml;
    dc->get_genicam = dev_get_genicam;
    dc->read_memory = dev_read_memory;
    dc->write_memory = dev_write_memory;
    dc->read_register = dev_read_register;
    dc->write_register = dev_write_register;
}

typedef struct fixture {
    tc_camera *cam;
    TcArvDevice *dev;
} fixture;

static int setup(void **state, int big_endian)
{
    fixture *fx = calloc(1, sizeof(*fx));
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    assert_int_equal(tc_camera_open(&o, &fx->cam), 0);
    fx->dev = g_object_new(tc_arv_device_get_type(), NULL);
    fx->dev->cam = fx->cam;
    fx->dev->big_endian = big_endian;
    size_t len;
    const char *xml = tc_camera_genicam_xml(fx->cam, big_endian, &len);
    assert_non_null(xml);
    fx->dev->gc = arv_gc_new(ARV_DEVICE(fx->dev), xml, len);
    assert_non_null(fx->dev->gc);
    *state = fx;
    return 0;
}
static int setup_be(void **state) { return setup(state, 1); }
static int setup_le(void **state) { return setup(state, 0); }

static int teardown(void **state)
{
    fixture *fx = *state;
    g_object_unref(fx->dev);
    tc_camera_close(fx->cam);
    free(fx);
    return 0;
}

/* ---- tests ---- */

static void every_feature_is_a_node_of_its_type(void **state)
{
    fixture *fx = *state;
    ArvGc *gc = fx->dev->gc;
    for (unsigned i = 0; i < tc_feature_count; i++) {
        const tc_feature *f = &tc_features[i];
        ArvGcNode *n = arv_gc_get_node(gc, f->name);
        if (!n && (f->flags & TC_FF_GIGE) && !fx->dev->big_endian)
            continue; /* GigE transport features: not in the USB3 Vision XML */
        if (!n)
            fail_msg("Aravis has no node %s", f->name);
        bool ok = false;
        switch (f->type) {
        case TC_FT_INTEGER: ok = ARV_IS_GC_INTEGER_NODE(n); break;
        case TC_FT_FLOAT: ok = ARV_IS_GC_FLOAT_NODE(n); break;
        case TC_FT_ENUM: ok = ARV_IS_GC_ENUMERATION(n); break;
        case TC_FT_BOOL: ok = ARV_IS_GC_BOOLEAN(n); break;
        case TC_FT_COMMAND: ok = ARV_IS_GC_COMMAND(n); break;
        case TC_FT_STRING: ok = ARV_IS_GC_STRING(n); break;
        case TC_FT_REGISTER: ok = ARV_IS_GC_REGISTER_NODE(n); break;
        }
        if (!ok)
            fail_msg("%s is a %s in Aravis", f->name, G_OBJECT_TYPE_NAME(n));
    }
    /* The category tree reaches every visible feature from Root. */
    ArvGcNode *root = arv_gc_get_node(gc, "Root");
    assert_non_null(root);
    const GSList *cats = arv_gc_category_get_features(ARV_GC_CATEGORY(root));
    assert_int_equal(g_slist_length((GSList *)cats), 8);
}

/* Read every readable feature through Aravis; compare with the library. */
static void every_feature_reads_through_aravis(void **state)
{
    fixture *fx = *state;
    ArvDevice *dev = ARV_DEVICE(fx->dev);
    for (unsigned i = 0; i < tc_feature_count; i++) {
        const tc_feature *f = &tc_features[i];
        if (f->access == TC_WO || (f->flags & (TC_FF_VOLATILE | TC_FF_GIGE)) || f->type == TC_FT_REGISTER)
            continue; /* GigE registers are the GigE port's: tests/gige; bytes: file_access_through_aravis */
        GError *err = NULL;
        char want[256], got[256];
        assert_int_equal(tc_get_as_text(fx->cam, f->name, want, sizeof(want)), 0);
        switch (f->type) {
        case TC_FT_INTEGER:
            snprintf(got, sizeof(got), "%lld", (long long)arv_device_get_integer_feature_value(dev, f->name, &err));
            break;
        case TC_FT_FLOAT:
            snprintf(got, sizeof(got), "%.10g", arv_device_get_float_feature_value(dev, f->name, &err));
            break;
        case TC_FT_BOOL:
            snprintf(got, sizeof(got), "%s", arv_device_get_boolean_feature_value(dev, f->name, &err) ? "true" : "false");
            break;
        default: {
            const char *s = arv_device_get_string_feature_value(dev, f->name, &err);
            snprintf(got, sizeof(got), "%s", s ? s : "(null)");
        }
        }
        if (err)
            fail_msg("reading %s: %s", f->name, err->message);
        if (strcmp(want, got) != 0)
            fail_msg("%s: library says '%s', Aravis reads '%s'", f->name, want, got);
    }
}

/* Write a valid value different from the current one through Aravis, then
 * read it back through the library and through Aravis. */
static void every_writable_feature_round_trips(void **state)
{
    fixture *fx = *state;
    ArvDevice *dev = ARV_DEVICE(fx->dev);
    unsigned checked = 0;
    for (unsigned i = 0; i < tc_feature_count; i++) {
        const tc_feature *f = &tc_features[i];
        if (f->access != TC_RW || (f->flags & TC_FF_GIGE) || !strcmp(f->name, "TwinScene") ||
            !strcmp(f->name, "TLParamsLocked"))
            continue;
        GError *err = NULL;
        switch (f->type) {
        case TC_FT_INTEGER: {
            gint64 lo, hi, cur = arv_device_get_integer_feature_value(dev, f->name, &err);
            arv_device_get_integer_feature_bounds(dev, f->name, &lo, &hi, &err);
            gint64 v = cur == lo ? hi : lo;
            if (!strcmp(f->name, "BinningHorizontal") || !strcmp(f->name, "BinningVertical"))
                v = 2;
            arv_device_set_integer_feature_value(dev, f->name, v, &err);
            if (err)
                fail_msg("writing %s = %lld: %s", f->name, (long long)v, err->message);
            int64_t lib;
            assert_int_equal(tc_get_int(fx->cam, f->name, &lib), 0);
            assert_int_equal(lib, v);
            assert_int_equal(arv_device_get_integer_feature_value(dev, f->name, &err), v);
            if (!strcmp(f->name, "BinningHorizontal") || !strcmp(f->name, "BinningVertical"))
                arv_device_set_integer_feature_value(dev, f->name, 1, &err);
            break;
        }
        case TC_FT_FLOAT: {
            double lo, hi;
            arv_device_get_float_feature_bounds(dev, f->name, &lo, &hi, &err);
            double v = lo + (hi - lo) * 0.37;
            arv_device_set_float_feature_value(dev, f->name, v, &err);
            if (err)
                fail_msg("writing %s = %g: %s", f->name, v, err->message);
            double lib;
            assert_int_equal(tc_get_float(fx->cam, f->name, &lib), 0);
            assert_float_equal(lib, v, 0);
            assert_float_equal(arv_device_get_float_feature_value(dev, f->name, &err), v, 0);
            break;
        }
        case TC_FT_BOOL: {
            gboolean cur = arv_device_get_boolean_feature_value(dev, f->name, &err);
            arv_device_set_boolean_feature_value(dev, f->name, !cur, &err);
            if (err)
                fail_msg("writing %s: %s", f->name, err->message);
            int64_t lib;
            assert_int_equal(tc_get_int(fx->cam, f->name, &lib), 0);
            assert_int_equal(lib, !cur);
            break;
        }
        case TC_FT_ENUM: {
            /* every entry the camera accepts in the current state */
            for (unsigned k = 0; k < f->n_entries; k++) {
                const char *entry = f->entries[k].name;
                int64_t before;
                tc_get_int(fx->cam, f->name, &before);
                arv_device_set_string_feature_value(dev, f->name, entry, &err);
                char lib[64];
                assert_int_equal(tc_get_string(fx->cam, f->name, lib, sizeof(lib)), 0);
                if (err) { /* refused (e.g. Line0 as output): nothing changed */
                    int64_t after;
                    tc_get_int(fx->cam, f->name, &after);
                    assert_int_equal(before, after);
                    g_clear_error(&err);
                } else {
                    assert_string_equal(lib, entry);
                }
            }
            break;
        }
        case TC_FT_STRING: {
            arv_device_set_string_feature_value(dev, f->name, "aravis-wrote-this", &err);
            if (err)
                fail_msg("writing %s: %s", f->name, err->message);
            char lib[64];
            assert_int_equal(tc_get_string(fx->cam, f->name, lib, sizeof(lib)), 0);
            assert_string_equal(lib, "aravis-wrote-this");
            break;
        }
        default:
            break;
        }
        if (err)
            fail_msg("%s: %s", f->name, err->message);
        checked++;
    }
    assert_true(checked > 30);
}

static void invalid_writes_are_refused_through_aravis(void **state)
{
    fixture *fx = *state;
    ArvDevice *dev = ARV_DEVICE(fx->dev);
    GError *err = NULL;
    arv_device_set_integer_feature_value(dev, "Width", 4050, &err); /* off the step */
    assert_non_null(err);
    g_clear_error(&err);
    arv_device_set_float_feature_value(dev, "ExposureTime", 10.0, &err);
    assert_non_null(err);
    g_clear_error(&err);
    int64_t w;
    double e;
    tc_get_int(fx->cam, "Width", &w);
    tc_get_float(fx->cam, "ExposureTime", &e);
    assert_int_equal(w, 4056);
    assert_float_equal(e, 10000, 0);
}

static void selectors_and_dynamic_bounds(void **state)
{
    fixture *fx = *state;
    ArvDevice *dev = ARV_DEVICE(fx->dev);
    GError *err = NULL;
    arv_device_set_string_feature_value(dev, "LineSelector", "Line3", &err);
    arv_device_set_string_feature_value(dev, "LineMode", "Output", &err);
    assert_null(err);
    assert_int_equal(tc_set_string(fx->cam, "LineSelector", "Line3"), 0);
    char s[32];
    tc_get_string(fx->cam, "LineMode", s, sizeof(s));
    assert_string_equal(s, "Output");
    assert_int_equal(tc_set_string(fx->cam, "LineSelector", "Line2"), 0);
    tc_get_string(fx->cam, "LineMode", s, sizeof(s));
    assert_string_equal(s, "Input");

    arv_device_set_integer_feature_value(dev, "Width", 2400, &err);
    arv_device_set_integer_feature_value(dev, "OffsetX", 600, &err);
    assert_null(err);
    gint64 lo, hi;
    arv_device_get_integer_feature_bounds(dev, "Width", &lo, &hi, &err);
    assert_int_equal(lo, 24);
    assert_int_equal(hi, 3456); /* largest 24 + 12k <= 4056 - 600 */
    arv_device_set_integer_feature_value(dev, "OffsetX", 602, &err);
    assert_null(err);
    arv_device_get_integer_feature_bounds(dev, "Width", &lo, &hi, &err);
    assert_int_equal(hi, 3444); /* 4056 - 602 = 3454, floored to the step */
    arv_device_set_integer_feature_value(dev, "OffsetX", 600, &err);
    arv_device_get_integer_feature_bounds(dev, "OffsetX", &lo, &hi, &err);
    assert_int_equal(hi, 4056 - 2400);
    assert_int_equal(arv_device_get_integer_feature_increment(dev, "Width", &err), 12);
    arv_device_set_integer_feature_value(dev, "BinningVertical", 2, &err);
    assert_int_equal(arv_device_get_integer_feature_value(dev, "WidthMax", &err), 2028);
    assert_int_equal(arv_device_get_integer_feature_value(dev, "BinningHorizontal", &err), 2);
    assert_int_equal(arv_device_get_integer_feature_value(dev, "PayloadSize", &err), 1200 * 1520);
    double fr_min, fr_max;
    arv_device_get_float_feature_bounds(dev, "AcquisitionFrameRate", &fr_min, &fr_max, &err);
    assert_float_equal(fr_max, 18.0 * 3546 / (1520 + 506), 1e-6);
    /* Pixel format enum values are the format codes, IDS ones included. */
    arv_device_set_string_feature_value(dev, "PixelFormat", "BayerGR10g40IDS", &err);
    assert_int_equal(arv_device_get_integer_feature_value(dev, "PixelFormat", &err), 0x40000003);
    assert_null(err);
}

/* ---- file access, as GenApi's FileProtocolAdapter drives it ---- */

static void set_enum(ArvDevice *dev, const char *name, const char *entry)
{
    GError *err = NULL;
    arv_device_set_string_feature_value(dev, name, entry, &err);
    if (err)
        fail_msg("%s = %s: %s", name, entry, err->message);
}

static void set_int(ArvDevice *dev, const char *name, gint64 v)
{
    GError *err = NULL;
    arv_device_set_integer_feature_value(dev, name, v, &err);
    if (err)
        fail_msg("%s = %lld: %s", name, (long long)v, err->message);
}

/* Execute the selected operation; TRUE when FileOperationStatus says Success. */
static gboolean file_execute(ArvDevice *dev)
{
    GError *err = NULL;
    arv_device_execute_command(dev, "FileOperationExecute", &err);
    if (err)
        fail_msg("FileOperationExecute: %s", err->message);
    const char *st = arv_device_get_string_feature_value(dev, "FileOperationStatus", &err);
    assert_null(err);
    return !strcmp(st, "Success");
}

static gboolean file_op(ArvDevice *dev, const char *file, const char *op)
{
    set_enum(dev, "FileSelector", file);
    set_enum(dev, "FileOperationSelector", op);
    return file_execute(dev);
}

static void file_access_through_aravis(void **state)
{
    fixture *fx = *state;
    ArvDevice *dev = ARV_DEVICE(fx->dev);
    ArvGc *gc = fx->dev->gc;
    GError *err = NULL;
    /* The selectors name what they select, as SFNC has it. */
    ArvGcNode *fsel = arv_gc_get_node(gc, "FileSelector");
    ArvGcNode *osel = arv_gc_get_node(gc, "FileOperationSelector");
    assert_true(ARV_IS_GC_SELECTOR(fsel) && arv_gc_selector_is_selector(ARV_GC_SELECTOR(fsel)));
    assert_int_equal(g_slist_length((GSList *)arv_gc_selector_get_selected_features(ARV_GC_SELECTOR(fsel))), 9);
    assert_int_equal(g_slist_length((GSList *)arv_gc_selector_get_selected_features(ARV_GC_SELECTOR(osel))), 6);
    ArvGcNode *buf_node = arv_gc_get_node(gc, "FileAccessBuffer");
    assert_true(ARV_IS_GC_REGISTER(buf_node));
    guint64 buf_len = arv_gc_register_get_length(ARV_GC_REGISTER(buf_node), &err);
    assert_int_equal(buf_len, 4096);

    /* Write a user set: openFile(out), write() in buffer-sized pieces, the
     * buffer written with Align(length, 4) bytes, closeFile(). */
    const char *text = "Width[0]=1212\nExposureTime[0]=2500\nReverseX[0]=1\n";
    size_t len = strlen(text);
    set_enum(dev, "FileSelector", "UserSet1");
    set_enum(dev, "FileOpenMode", "Write");
    assert_true(file_op(dev, "UserSet1", "Open"));
    set_enum(dev, "FileOperationSelector", "Write");
    for (size_t at = 0; at < len;) {
        size_t n = len - at < buf_len ? len - at : buf_len;
        char chunk[4096] = { 0 };
        memcpy(chunk, text + at, n);
        set_int(dev, "FileAccessOffset", (gint64)at);
        set_int(dev, "FileAccessLength", (gint64)n);
        arv_gc_register_set(ARV_GC_REGISTER(buf_node), chunk, (n + 3) / 4 * 4, &err);
        assert_null(err);
        assert_true(file_execute(dev));
        gint64 got = arv_device_get_integer_feature_value(dev, "FileOperationResult", &err);
        assert_int_equal(got, n);
        at += (size_t)got;
    }
    assert_true(file_op(dev, "UserSet1", "Close"));
    set_enum(dev, "UserSetSelector", "UserSet1");
    arv_device_execute_command(dev, "UserSetLoad", &err);
    assert_null(err);
    assert_int_equal(arv_device_get_integer_feature_value(dev, "Width", &err), 1212);
    assert_true(arv_device_get_boolean_feature_value(dev, "ReverseX", &err));

    /* Read it back: read() until the status is no longer Success. */
    set_enum(dev, "FileSelector", "UserSet1");
    set_enum(dev, "FileOpenMode", "Read");
    assert_true(file_op(dev, "UserSet1", "Open"));
    gint64 size = arv_device_get_integer_feature_value(dev, "FileSize", &err);
    char *back = calloc(1, (size_t)size + 4096);
    size_t have = 0;
    set_enum(dev, "FileOperationSelector", "Read");
    for (;;) {
        set_int(dev, "FileAccessOffset", (gint64)have);
        set_int(dev, "FileAccessLength", (gint64)buf_len);
        gboolean ok = file_execute(dev);
        gint64 got = arv_device_get_integer_feature_value(dev, "FileOperationResult", &err);
        char whole[4096];
        arv_gc_register_get(ARV_GC_REGISTER(buf_node), whole, sizeof(whole), &err);
        assert_null(err);
        memcpy(back + have, whole, (size_t)got);
        have += (size_t)got;
        if (!ok)
            break;
    }
    assert_int_equal(have, size);
    assert_non_null(strstr(back, "Width[0]=1212\n"));
    assert_non_null(strstr(back, "ExposureTime[0]=2500\n"));
    assert_true(file_op(dev, "UserSet1", "Close"));
    free(back);

    /* A refused upload: Failure, and the reason reads through the XML too. */
    set_enum(dev, "FileSelector", "DeviceFirmware");
    set_enum(dev, "FileOpenMode", "Write");
    assert_true(file_op(dev, "DeviceFirmware", "Open"));
    set_enum(dev, "FileOperationSelector", "Write");
    set_int(dev, "FileAccessOffset", 0);
    set_int(dev, "FileAccessLength", 8);
    arv_gc_register_set(ARV_GC_REGISTER(buf_node), "TCFWPKG!", 8, &err);
    assert_true(file_execute(dev));
    assert_false(file_op(dev, "DeviceFirmware", "Close"));
    const char *why = arv_device_get_string_feature_value(dev, "TwinFileOperationReason", &err);
    assert_null(err);
    assert_non_null(strstr(why, "no firmware installer"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_feature_is_a_node_of_its_type, setup_be, teardown),
        cmocka_unit_test_setup_teardown(every_feature_reads_through_aravis, setup_be, teardown),
        cmocka_unit_test_setup_teardown(every_writable_feature_round_trips, setup_be, teardown),
        cmocka_unit_test_setup_teardown(invalid_writes_are_refused_through_aravis, setup_be, teardown),
        cmocka_unit_test_setup_teardown(selectors_and_dynamic_bounds, setup_be, teardown),
        cmocka_unit_test_setup_teardown(every_feature_reads_through_aravis, setup_le, teardown),
        cmocka_unit_test_setup_teardown(every_writable_feature_round_trips, setup_le, teardown),
        cmocka_unit_test_setup_teardown(selectors_and_dynamic_bounds, setup_le, teardown),
        cmocka_unit_test_setup_teardown(file_access_through_aravis, setup_be, teardown),
        cmocka_unit_test_setup_teardown(file_access_through_aravis, setup_le, teardown),
    };
    return cmocka_run_group_tests_name("aravis-genapi", tests, NULL, NULL);
}
