/* Feature handlers named by the feature table. Each is small and lives with
 * the concern it belongs to: aoi.c, acquisition_control.c, device_control.c,
 * digital_io.c, user_sets.c, twin_control.c. */
#ifndef TC_CORE_HANDLERS_H
#define TC_CORE_HANDLERS_H

#include "core/feature.h"

/* device_control.c */
int tc_get_device_temperature(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_cmd_device_reset(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_cmd_timestamp_latch(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_cmd_timestamp_reset(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_get_triggers_missed(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_overruns(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_frames_dropped(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);

/* aoi.c: region of interest, binning, payload */
int tc_get_width_max(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_height_max(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_width_limit(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_height_limit(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_offset_x_max(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_offset_y_max(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_set_binning(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_get_payload_size(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);

/* acquisition_control.c */
int tc_cmd_acquisition_start(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_cmd_acquisition_stop(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_cmd_acquisition_abort(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_cmd_trigger_software(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_get_acquisition_frame_rate(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_frame_rate_max(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_line_time(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_resulting_frame_rate(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);

/* digital_io.c */
int tc_set_line_mode(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_set_line_source(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_get_line_status(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);
int tc_get_line_status_all(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value *v);

/* user_sets.c */
int tc_cmd_user_set_load(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_set_user_set_default(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);
int tc_cmd_user_set_save(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);

/* twin_control.c */
int tc_set_twin_scene(struct tc_device *d, const tc_feature *f, unsigned idx, tc_value v);

#endif
