/* The sensor's readout modes as data, as the kernel's imx412 driver keeps
 * its supported_modes[]: each mode says what the sensor can deliver (its
 * output size) and how long a frame takes (vertical blanking); the AOI
 * handlers and the timing model read them here instead of spelling the
 * numbers out. The AOI grid (minimum sizes, steps) is the feature table's
 * (Width, Height, OffsetX, OffsetY rows). */
#ifndef TC_CORE_SENSOR_MODES_H
#define TC_CORE_SENSOR_MODES_H

typedef struct tc_sensor_mode {
    const char *name;
    unsigned binning;      /* sensor pixels per output pixel, each direction (joint) */
    unsigned width, height; /* output pixels: WidthMax, HeightMax */
    unsigned vblank_lines; /* frame length = AOI height + vblank, in line times (binned:
                              two sensor rows per line time) */
} tc_sensor_mode;

extern const tc_sensor_mode tc_sensor_modes[];
extern const unsigned tc_sensor_mode_count;

/* The mode of a binning factor (BinningHorizontal), NULL if the sensor has none. */
const tc_sensor_mode *tc_sensor_mode_for(unsigned binning);

#endif
