/* The one feature table: every GenICam feature of the camera, declared once.
 *
 * Numbers are the datasheet's (../shared/datasheet.txt): 4056 x 3040, 1.55 um,
 * AOI width min 24 step 12, height min 32 step 8, offsets on a 2 / 4 grid,
 * 2x2 binning only jointly, exposure 0.032 ms to 1900 ms, Line0 trigger
 * input, Line1 flash output, Line2/Line3 GPIO, mirror X/Y, no gain, no auto
 * functions, no LUT, gamma, chunks, events or sequencer (so none of those
 * features exist here either).
 *
 * Register addresses live in the device-specific space from 0x10000 up; they
 * are a published interface (docs/features.md) and must not move. Indexed
 * (selected) features occupy n_index consecutive registers of `length` bytes.
 * The register map, XML and docs are derived from this array; a test checks
 * that no two registers overlap. */
#include "core/feature.h"
#include "core/file_access.h"
#include "core/firmware_version.h"
#include "core/handlers.h"

#include <stddef.h>
#include <string.h>

#include "pixel/pixel_format.h"

const tc_category_info tc_categories[TC_CAT_COUNT] = {
    [TC_CAT_DEVICE] = { "DeviceControl", "Device Control", "Identity, temperature, reset, timestamp and link." },
    [TC_CAT_IMAGE_FORMAT] = { "ImageFormatControl", "Image Format Control", "Sensor, region of interest, binning, mirror and pixel format." },
    [TC_CAT_ACQUISITION] = { "AcquisitionControl", "Acquisition Control", "Acquisition modes, frame rate, exposure and triggers." },
    [TC_CAT_DIGITAL_IO] = { "DigitalIOControl", "Digital I/O Control", "Line0 trigger input, Line1 flash output, Line2/Line3 GPIO." },
    [TC_CAT_USER_SET] = { "UserSetControl", "User Set Control", "Saving and loading camera settings." },
    [TC_CAT_TRANSPORT] = { "TransportLayerControl", "Transport Layer Control", "Payload and transport parameters." },
    [TC_CAT_FILE_ACCESS] = { "FileAccessControl", "File Access Control", "The camera's files (user sets, log, firmware upload), read and written as GenICam's file protocol adapter does (docs/file_access.md)." },
    [TC_CAT_TWIN] = { "TwinControl", "Twin Control", "Controls of the software twin itself (not on the real camera)." },
    [TC_CAT_HIDDEN] = { NULL, NULL, NULL },
};

static const tc_enum_entry e_scan_type[] = { { "Areascan", 0, "Area scan sensor." } };
static const tc_enum_entry e_on_off[] = { { "Off", 0, "Disabled." }, { "On", 1, "Enabled." } };
static const tc_enum_entry e_shutter[] = { { "Rolling", 1, "Rows start exposing one line time apart." } };
static const tc_enum_entry e_color_filter[] = { { "BayerGR", 1, "First row G R G R..., second row B G B G..." } };
static const tc_enum_entry e_binning_sel[] = { { "Sensor", 0, "Binning in the sensor." } };
static const tc_enum_entry e_pixel_format[] = {
    { "BayerGR8", TC_PFNC_BAYERGR8, "8 bits per pixel (the 8 most significant of 12)." },
    { "BayerGR10", TC_PFNC_BAYERGR10, "10 bits in a 16-bit little-endian container." },
    { "BayerGR12", TC_PFNC_BAYERGR12, "12 bits in a 16-bit little-endian container." },
    { "BayerGR10p", TC_PFNC_BAYERGR10P, "10 bits, LSB-first packed, 4 pixels in 5 bytes." },
    { "BayerGR12p", TC_PFNC_BAYERGR12P, "12 bits, LSB-first packed, 2 pixels in 3 bytes." },
    { "BayerGR10g40IDS", TC_PFNC_BAYERGR10G40IDS, "10 bits, IDS grouped (MIPI RAW10), 4 pixels in 5 bytes." },
    { "BayerGR12g24IDS", TC_PFNC_BAYERGR12G24IDS, "12 bits, IDS grouped (MIPI RAW12), 2 pixels in 3 bytes." },
};
static const tc_enum_entry e_acq_mode[] = {
    { "Continuous", 0, "Frames until AcquisitionStop." },
    { "SingleFrame", 1, "One frame, then acquisition stops." },
    { "MultiFrame", 2, "AcquisitionFrameCount frames, then acquisition stops." },
};
static const tc_enum_entry e_exposure_mode[] = { { "Timed", 1, "Exposure set by ExposureTime." } };
static const tc_enum_entry e_trigger_sel[] = { { "FrameStart", 0, "Starts the exposure of one frame." } };
static const tc_enum_entry e_trigger_source[] = {
    { "Software", 0, "TriggerSoftware command." },
    { "Line0", 1, "Trigger input (pin 4)." },
    { "Line2", 3, "GPIO 1 (pin 5)." },
    { "Line3", 4, "GPIO 2 (pin 6)." },
};
static const tc_enum_entry e_trigger_act[] = {
    { "RisingEdge", 0, "Low to high." },
    { "FallingEdge", 1, "High to low." },
};
static const tc_enum_entry e_line_sel[] = {
    { "Line0", 0, "Trigger input without optocoupler (pin 4)." },
    { "Line1", 1, "Flash output without optocoupler (pin 3)." },
    { "Line2", 2, "GPIO 1 (pin 5)." },
    { "Line3", 3, "GPIO 2 (pin 6)." },
};
static const tc_enum_entry e_line_mode[] = { { "Input", 0, "Line is an input." }, { "Output", 1, "Line is an output." } };
static const tc_enum_entry e_line_source[] = {
    { "Off", 0, "Output low (before the inverter)." },
    { "ExposureActive", 1, "High while the frame exposes." },
    { "FrameActive", 2, "High from exposure start to readout end." },
    { "AcquisitionActive", 3, "High while acquisition runs." },
    { "UserOutput0", 4, "UserOutputValue of UserOutput0." },
    { "UserOutput1", 5, "UserOutputValue of UserOutput1." },
    { "UserOutput2", 6, "UserOutputValue of UserOutput2." },
    { "FlashWindow", 7, "High while every row of the rolling shutter exposes at once (flash here)." },
};
static const tc_enum_entry e_user_output_sel[] = {
    { "UserOutput0", 0, "User output 0." }, { "UserOutput1", 1, "User output 1." }, { "UserOutput2", 2, "User output 2." },
};
static const tc_enum_entry e_ccp[] = {
    { "OpenAccess", 0, "No application controls the camera." },
    { "ExclusiveAccess", 1, "One application controls; others cannot even read." },
    { "ControlAccess", 2, "One application controls; others may read." },
};
static const tc_enum_entry e_user_set[] = {
    { "Default", 0, "Factory settings (read-only)." },
    { "UserSet1", 1, "User set 1." },
    { "UserSet2", 2, "User set 2." },
};
static const tc_enum_entry e_scene[] = {
    { "TestChart", 0, "Colour bars, grey ramp, grid and orientation markers." },
    { "FlatField", 1, "Uniform white field (photon transfer)." },
    { "MovingTarget", 2, "A bright bar moving across a dark field (rolling-shutter skew)." },
    { "PngFile", 3, "The PNG file named by TwinScenePath." },
};

_Static_assert(TC_FILE_DEVICE_LOG == 2, "FileSelector lists UserSet1 and UserSet2: one entry per user set");
static const tc_enum_entry e_file[] = {
    { "UserSet1", 0, "User set 1 as text, one Feature[index]=value a line (the state-file format): read, or write and close to store it." },
    { "UserSet2", 1, "User set 2 as text, one Feature[index]=value a line (the state-file format): read, or write and close to store it." },
    { "DeviceLog", TC_FILE_DEVICE_LOG, "The camera's recent log lines (read only)." },
    { "DeviceFirmware", TC_FILE_DEVICE_FIRMWARE, "Firmware upload (write only, in offset order, at most 64 MiB): installed on Close, running after DeviceReset." },
};
static const tc_enum_entry e_file_op[] = {
    { "Open", TC_FILE_OPEN, "Opens the selected file in FileOpenMode." },
    { "Close", TC_FILE_CLOSE, "Closes the selected file; a written user set is stored, a firmware installed." },
    { "Read", TC_FILE_READ, "Reads FileAccessLength bytes at FileAccessOffset into FileAccessBuffer." },
    { "Write", TC_FILE_WRITE, "Writes FileAccessLength bytes of FileAccessBuffer at FileAccessOffset." },
    { "Delete", TC_FILE_DELETE, "Deletes the selected user set (closed, and not the UserSetDefault one)." },
};
static const tc_enum_entry e_open_mode[] = {
    { "Read", TC_FILE_MODE_READ, "Read only." },
    { "Write", TC_FILE_MODE_WRITE, "Write only, starting empty." },
    { "ReadWrite", TC_FILE_MODE_READ_WRITE, "Read and write, starting from the file's contents (user sets)." },
};
static const tc_enum_entry e_file_status[] = {
    { "Success", TC_FILE_SUCCESS, "The operation was done as asked." },
    { "Failure", TC_FILE_FAILURE, "It was not (TwinFileOperationReason says why); a Read at the end of the file fails." },
};

#define N(a) (uint8_t)(sizeof(a) / sizeof((a)[0]))
#define ENUM(a) .entries = a, .n_entries = N(a)

const tc_feature tc_features[] = {
    /* ---- DeviceControl 0x10000 ---- */
    { .name = "DeviceVendorName", .display_name = "Vendor Name", .description = "Manufacturer of the device.",
      .type = TC_FT_STRING, .category = TC_CAT_DEVICE, .access = TC_RO, .address = 0x10000, .length = 64, .flags = TC_FF_CONST },
    { .name = "DeviceModelName", .display_name = "Model Name", .description = "Model of the device.",
      .type = TC_FT_STRING, .category = TC_CAT_DEVICE, .access = TC_RO, .address = 0x10040, .length = 64, .flags = TC_FF_CONST },
    { .name = "DeviceFamilyName", .display_name = "Family Name", .description = "Product family of the device.",
      .type = TC_FT_STRING, .category = TC_CAT_DEVICE, .access = TC_RO, .address = 0x10080, .length = 64, .flags = TC_FF_CONST,
      .sdefault = "twincam" },
    { .name = "DeviceManufacturerInfo", .display_name = "Manufacturer Info", .description = "Additional manufacturer information: names the twin's own build (twincam's version), apart from the firmware line.",
      .type = TC_FT_STRING, .category = TC_CAT_DEVICE, .access = TC_RO, .address = 0x10180, .length = 64, .flags = TC_FF_CONST,
      .sdefault = "Software twin of a 12 MP IMX412 camera; twincam " TC_BUILD_VERSION },
    { .name = "DeviceFirmwareVersion", .display_name = "Firmware Version", .description = "Version of the device firmware, on the real camera's line (3.20 and later; the twin's own build is in DeviceManufacturerInfo).",
      .type = TC_FT_STRING, .category = TC_CAT_DEVICE, .access = TC_RO, .address = 0x100C0, .length = 64, .flags = TC_FF_CONST,
      .sdefault = TC_FIRMWARE_VERSION },
    { .name = "DeviceSerialNumber", .display_name = "Serial Number", .description = "Serial number; also seeds this unit's fixed-pattern noise.",
      .type = TC_FT_STRING, .category = TC_CAT_DEVICE, .access = TC_RO, .address = 0x10100, .length = 64, .flags = TC_FF_CONST },
    { .name = "DeviceUserID", .display_name = "User ID", .description = "User-programmable device name.",
      .type = TC_FT_STRING, .category = TC_CAT_DEVICE, .access = TC_RW, .address = 0x10140, .length = 64, .sdefault = "" },
    { .name = "DeviceScanType", .display_name = "Scan Type", .description = "Scan type of the sensor.",
      .type = TC_FT_ENUM, .category = TC_CAT_DEVICE, .access = TC_RO, .address = 0x10200, .length = 4, .flags = TC_FF_CONST,
      ENUM(e_scan_type), .idefault = 0 },
    { .name = "DeviceTemperature", .display_name = "Device Temperature", .description = "Housing temperature: ambient plus self-heating from 0.5 W (idle) to 1 W (full-rate streaming), first-order thermal model.",
      .type = TC_FT_FLOAT, .category = TC_CAT_DEVICE, .access = TC_RO, .address = 0x10208, .length = 8, .flags = TC_FF_VOLATILE,
      .fmin = -40, .fmax = 125, .unit = "C", .get = tc_get_device_temperature },
    { .name = "DeviceReset", .display_name = "Device Reset", .description = "Puts the camera in its power-up state: acquisition stopped, every feature at its power-on value with the UserSetDefault set loaded, block ids from 1, counters at 0.",
      .type = TC_FT_COMMAND, .category = TC_CAT_DEVICE, .access = TC_WO, .address = 0x10210, .length = 4,
      .flags = TC_FF_SLOW | TC_FF_RESET, .set = tc_cmd_device_reset },
    { .name = "TimestampLatch", .display_name = "Timestamp Latch", .description = "Latches the current timestamp into TimestampLatchValue.",
      .type = TC_FT_COMMAND, .category = TC_CAT_DEVICE, .access = TC_WO, .address = 0x10214, .length = 4, .set = tc_cmd_timestamp_latch },
    { .name = "TimestampReset", .display_name = "Timestamp Reset", .description = "Resets the timestamp counter to 0.",
      .type = TC_FT_COMMAND, .category = TC_CAT_DEVICE, .access = TC_WO, .address = 0x10218, .length = 4, .set = tc_cmd_timestamp_reset },
    { .name = "TimestampLatchValue", .display_name = "Timestamp Latch Value", .description = "Timestamp latched by TimestampLatch, in ns.",
      .type = TC_FT_INTEGER, .category = TC_CAT_DEVICE, .access = TC_RO, .address = 0x10220, .length = 8, .flags = TC_FF_VOLATILE,
      .imin = 0, .imax = INT64_MAX, .unit = "ns" },
    { .name = "DeviceLinkThroughputLimitMode", .display_name = "Link Throughput Limit Mode", .description = "Whether DeviceLinkThroughputLimit bounds the frame rate.",
      .type = TC_FT_ENUM, .category = TC_CAT_DEVICE, .access = TC_RW, .address = 0x10228, .length = 4, .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST,
      ENUM(e_on_off), .idefault = 1 },
    { .name = "DeviceLinkThroughputLimit", .display_name = "Link Throughput Limit", .description = "Bandwidth the camera may use; a payload that needs more stretches the line time (IDS pauses after each line).",
      .type = TC_FT_INTEGER, .category = TC_CAT_DEVICE, .access = TC_RW, .address = 0x10230, .length = 8, .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST,
      .imin = 10000000, .imax = 450000000, .inc = 1, .unit = "B/s", .idefault = 400000000 },

    /* ---- ImageFormatControl 0x10400 ---- */
    { .name = "SensorWidth", .display_name = "Sensor Width", .description = "Effective width of the sensor in pixels.",
      .type = TC_FT_INTEGER, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RO, .address = 0x10400, .length = 4, .flags = TC_FF_CONST,
      .imin = 4056, .imax = 4056, .unit = "px", .idefault = 4056 },
    { .name = "SensorHeight", .display_name = "Sensor Height", .description = "Effective height of the sensor in pixels.",
      .type = TC_FT_INTEGER, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RO, .address = 0x10404, .length = 4, .flags = TC_FF_CONST,
      .imin = 3040, .imax = 3040, .unit = "px", .idefault = 3040 },
    { .name = "SensorName", .display_name = "Sensor Name", .description = "Sensor model.",
      .type = TC_FT_STRING, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RO, .address = 0x10440, .length = 32, .flags = TC_FF_CONST,
      .sdefault = "IMX412-AACK-D" },
    { .name = "SensorPixelWidth", .display_name = "Sensor Pixel Width", .description = "Physical pixel pitch, horizontal.",
      .type = TC_FT_FLOAT, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RO, .address = 0x10408, .length = 8, .flags = TC_FF_CONST,
      .fmin = 1.55, .fmax = 1.55, .unit = "um", .fdefault = 1.55 },
    { .name = "SensorPixelHeight", .display_name = "Sensor Pixel Height", .description = "Physical pixel pitch, vertical.",
      .type = TC_FT_FLOAT, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RO, .address = 0x10410, .length = 8, .flags = TC_FF_CONST,
      .fmin = 1.55, .fmax = 1.55, .unit = "um", .fdefault = 1.55 },
    { .name = "SensorShutterMode", .display_name = "Sensor Shutter Mode", .description = "Shutter type of the sensor.",
      .type = TC_FT_ENUM, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RO, .address = 0x10418, .length = 4, .flags = TC_FF_CONST,
      ENUM(e_shutter), .idefault = 1 },
    { .name = "WidthMax", .display_name = "Width Max", .description = "Largest Width at the current binning.",
      .type = TC_FT_INTEGER, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RO, .address = 0x1041C, .length = 4,
      .imin = 2028, .imax = 4056, .unit = "px", .get = tc_get_width_max },
    { .name = "HeightMax", .display_name = "Height Max", .description = "Largest Height at the current binning.",
      .type = TC_FT_INTEGER, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RO, .address = 0x10420, .length = 4,
      .imin = 1520, .imax = 3040, .unit = "px", .get = tc_get_height_max },
    { .name = "Width", .display_name = "Width", .description = "Width of the image in pixels (after binning); min 24, step 12.",
      .type = TC_FT_INTEGER, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RW, .address = 0x10424, .length = 4,
      .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST, .imin = 24, .inc = 12, .pmax = "WidthLimit", .unit = "px", .idefault = 4056 },
    { .name = "Height", .display_name = "Height", .description = "Height of the image in pixels (after binning); min 32, step 8.",
      .type = TC_FT_INTEGER, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RW, .address = 0x10428, .length = 4,
      .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST, .imin = 32, .inc = 8, .pmax = "HeightLimit", .unit = "px", .idefault = 3040 },
    { .name = "OffsetX", .display_name = "Offset X", .description = "Horizontal offset of the AOI; step 2.",
      .type = TC_FT_INTEGER, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RW, .address = 0x1042C, .length = 4,
      .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST, .imin = 0, .inc = 2, .pmax = "OffsetXMax", .unit = "px", .idefault = 0 },
    { .name = "OffsetY", .display_name = "Offset Y", .description = "Vertical offset of the AOI; step 4.",
      .type = TC_FT_INTEGER, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RW, .address = 0x10430, .length = 4,
      .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST, .imin = 0, .inc = 4, .pmax = "OffsetYMax", .unit = "px", .idefault = 0 },
    { .name = "PixelFormat", .display_name = "Pixel Format", .description = "Format of the pixels streamed.",
      .type = TC_FT_ENUM, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RW, .address = 0x10434, .length = 4,
      .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST, ENUM(e_pixel_format), .idefault = TC_PFNC_BAYERGR8 },
    { .name = "PixelColorFilter", .display_name = "Pixel Color Filter", .description = "Colour filter array of the sensor (kept under binning and mirroring).",
      .type = TC_FT_ENUM, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RO, .address = 0x10438, .length = 4, .flags = TC_FF_CONST,
      ENUM(e_color_filter), .idefault = 1 },
    { .name = "BinningSelector", .display_name = "Binning Selector", .description = "Where binning happens.",
      .type = TC_FT_ENUM, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RW, .address = 0x10480, .length = 4,
      ENUM(e_binning_sel), .idefault = 0 },
    { .name = "BinningHorizontal", .display_name = "Binning Horizontal", .description = "Colour-aware 2x2 binning; horizontal and vertical only jointly, so writing one sets both.",
      .type = TC_FT_INTEGER, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RW, .address = 0x10484, .length = 4,
      .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST, .selector = "BinningSelector", .n_index = 1, .imin = 1, .imax = 2, .idefault = 1,
      .set = tc_set_binning },
    { .name = "BinningVertical", .display_name = "Binning Vertical", .description = "Colour-aware 2x2 binning; horizontal and vertical only jointly, so writing one sets both.",
      .type = TC_FT_INTEGER, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RW, .address = 0x10488, .length = 4,
      .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST, .selector = "BinningSelector", .n_index = 1, .imin = 1, .imax = 2, .idefault = 1,
      .set = tc_set_binning },
    { .name = "ReverseX", .display_name = "Reverse X", .description = "Mirror horizontally (the output stays Bayer GR).",
      .type = TC_FT_BOOL, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RW, .address = 0x1048C, .length = 4,
      .flags = TC_FF_PERSIST, .idefault = 0 },
    { .name = "ReverseY", .display_name = "Reverse Y", .description = "Mirror vertically (the output stays Bayer GR).",
      .type = TC_FT_BOOL, .category = TC_CAT_IMAGE_FORMAT, .access = TC_RW, .address = 0x10490, .length = 4,
      .flags = TC_FF_PERSIST, .idefault = 0 },

    /* ---- AcquisitionControl 0x10600 ---- */
    { .name = "AcquisitionMode", .display_name = "Acquisition Mode", .description = "How many frames one AcquisitionStart gives.",
      .type = TC_FT_ENUM, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10600, .length = 4,
      .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST, ENUM(e_acq_mode), .idefault = 0 },
    { .name = "AcquisitionStart", .display_name = "Acquisition Start", .description = "Starts acquisition.",
      .type = TC_FT_COMMAND, .category = TC_CAT_ACQUISITION, .access = TC_WO, .address = 0x10604, .length = 4,
      .flags = TC_FF_SLOW, .set = tc_cmd_acquisition_start },
    { .name = "AcquisitionStop", .display_name = "Acquisition Stop", .description = "Stops acquisition after the frame being read out.",
      .type = TC_FT_COMMAND, .category = TC_CAT_ACQUISITION, .access = TC_WO, .address = 0x10608, .length = 4,
      .set = tc_cmd_acquisition_stop },
    { .name = "AcquisitionAbort", .display_name = "Acquisition Abort", .description = "Stops acquisition at once, discarding the frame in progress.",
      .type = TC_FT_COMMAND, .category = TC_CAT_ACQUISITION, .access = TC_WO, .address = 0x1060C, .length = 4,
      .set = tc_cmd_acquisition_abort },
    { .name = "AcquisitionFrameCount", .display_name = "Acquisition Frame Count", .description = "Frames per acquisition in MultiFrame mode.",
      .type = TC_FT_INTEGER, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10610, .length = 4,
      .flags = TC_FF_LOCKED_ACQ | TC_FF_PERSIST, .imin = 1, .imax = 65535, .idefault = 1 },
    { .name = "AcquisitionFrameRateEnable", .display_name = "Acquisition Frame Rate Enable", .description = "Whether AcquisitionFrameRate caps the frame rate.",
      .type = TC_FT_BOOL, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10614, .length = 4,
      .flags = TC_FF_PERSIST, .idefault = 0 },
    { .name = "AcquisitionFrameRate", .display_name = "Acquisition Frame Rate", .description = "Frame rate cap (with AcquisitionFrameRateEnable); its maximum follows AOI, binning, exposure and link. The rate asked for is kept: while the maximum is lower this reads the maximum, and the asked rate returns when settings allow it.",
      .type = TC_FT_FLOAT, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10618, .length = 8,
      .flags = TC_FF_PERSIST, .fmin = 0.1, .pmax = "AcquisitionFrameRateMax", .unit = "Hz", .fdefault = 18.0,
      .get = tc_get_acquisition_frame_rate },
    { .name = "AcquisitionResultingFrameRate", .display_name = "Resulting Frame Rate", .description = "Frame rate the camera runs at with the current settings (timing model).",
      .type = TC_FT_FLOAT, .category = TC_CAT_ACQUISITION, .access = TC_RO, .address = 0x10628, .length = 8,
      .fmin = 0, .fmax = 1000, .unit = "Hz", .get = tc_get_resulting_frame_rate },
    { .name = "ExposureMode", .display_name = "Exposure Mode", .description = "Exposure is set by ExposureTime (no trigger-controlled exposure).",
      .type = TC_FT_ENUM, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10630, .length = 4,
      ENUM(e_exposure_mode), .idefault = 1 },
    { .name = "ExposureTime", .display_name = "Exposure Time", .description = "Exposure time of each row; longer than the readout lowers the frame rate.",
      .type = TC_FT_FLOAT, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10638, .length = 8,
      .flags = TC_FF_PERSIST, .fmin = 32, .fmax = 1900000, .unit = "us", .fdefault = 10000 },
    { .name = "TriggerSelector", .display_name = "Trigger Selector", .description = "Which trigger the trigger features configure.",
      .type = TC_FT_ENUM, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10640, .length = 4,
      ENUM(e_trigger_sel), .idefault = 0 },
    { .name = "TriggerMode", .display_name = "Trigger Mode", .description = "On: each trigger starts one frame; Off: freerun.",
      .type = TC_FT_ENUM, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10650, .length = 4,
      .flags = TC_FF_PERSIST, .selector = "TriggerSelector", .n_index = 1, ENUM(e_on_off), .idefault = 0 },
    { .name = "TriggerSource", .display_name = "Trigger Source", .description = "Signal that triggers.",
      .type = TC_FT_ENUM, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10660, .length = 4,
      .flags = TC_FF_PERSIST, .selector = "TriggerSelector", .n_index = 1, ENUM(e_trigger_source), .idefault = 1 },
    { .name = "TriggerActivation", .display_name = "Trigger Activation", .description = "Edge of a line signal that triggers.",
      .type = TC_FT_ENUM, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10670, .length = 4,
      .flags = TC_FF_PERSIST, .selector = "TriggerSelector", .n_index = 1, ENUM(e_trigger_act), .idefault = 0 },
    { .name = "TriggerDelay", .display_name = "Trigger Delay", .description = "Delay from trigger to exposure start.",
      .type = TC_FT_FLOAT, .category = TC_CAT_ACQUISITION, .access = TC_RW, .address = 0x10680, .length = 8,
      .flags = TC_FF_PERSIST, .selector = "TriggerSelector", .n_index = 1, .fmin = 0, .fmax = 2000000, .unit = "us", .fdefault = 0 },
    { .name = "TriggerSoftware", .display_name = "Trigger Software", .description = "Generates a software trigger.",
      .type = TC_FT_COMMAND, .category = TC_CAT_ACQUISITION, .access = TC_WO, .address = 0x106A0, .length = 4,
      .selector = "TriggerSelector", .n_index = 1, .set = tc_cmd_trigger_software },

    /* ---- DigitalIOControl 0x10800 ---- */
    { .name = "LineSelector", .display_name = "Line Selector", .description = "Which physical line the line features configure.",
      .type = TC_FT_ENUM, .category = TC_CAT_DIGITAL_IO, .access = TC_RW, .address = 0x10800, .length = 4,
      ENUM(e_line_sel), .idefault = 0 },
    { .name = "LineMode", .display_name = "Line Mode", .description = "Direction: Line0 input only, Line1 output only, Line2/Line3 either.",
      .type = TC_FT_ENUM, .category = TC_CAT_DIGITAL_IO, .access = TC_RW, .address = 0x10810, .length = 4,
      .flags = TC_FF_PERSIST, .selector = "LineSelector", .n_index = 4, ENUM(e_line_mode), .set = tc_set_line_mode },
    { .name = "LineInverter", .display_name = "Line Inverter", .description = "Inverts the line's signal.",
      .type = TC_FT_BOOL, .category = TC_CAT_DIGITAL_IO, .access = TC_RW, .address = 0x10820, .length = 4,
      .flags = TC_FF_PERSIST, .selector = "LineSelector", .n_index = 4, .idefault = 0 },
    { .name = "LineStatus", .display_name = "Line Status", .description = "Current level of the line (after the inverter).",
      .type = TC_FT_BOOL, .category = TC_CAT_DIGITAL_IO, .access = TC_RO, .address = 0x10830, .length = 4,
      .flags = TC_FF_VOLATILE, .selector = "LineSelector", .n_index = 4, .get = tc_get_line_status },
    { .name = "LineSource", .display_name = "Line Source", .description = "Signal driving an output line.",
      .type = TC_FT_ENUM, .category = TC_CAT_DIGITAL_IO, .access = TC_RW, .address = 0x10840, .length = 4,
      .flags = TC_FF_PERSIST, .selector = "LineSelector", .n_index = 4, ENUM(e_line_source), .set = tc_set_line_source },
    { .name = "LineDebouncerTime", .display_name = "Line Debouncer Time", .description = "An input level must last this long to count; shorter pulses are ignored, accepted edges act this much later.",
      .type = TC_FT_FLOAT, .category = TC_CAT_DIGITAL_IO, .access = TC_RW, .address = 0x10880, .length = 8,
      .flags = TC_FF_PERSIST, .selector = "LineSelector", .n_index = 4, .fmin = 0, .fmax = 1000000, .unit = "us", .fdefault = 0 },
    { .name = "LineStatusAll", .display_name = "Line Status All", .description = "Levels of all lines, bit n for Line n.",
      .type = TC_FT_INTEGER, .category = TC_CAT_DIGITAL_IO, .access = TC_RO, .address = 0x10850, .length = 4,
      .flags = TC_FF_VOLATILE, .imin = 0, .imax = 15, .get = tc_get_line_status_all },
    { .name = "UserOutputSelector", .display_name = "User Output Selector", .description = "Which user output UserOutputValue sets.",
      .type = TC_FT_ENUM, .category = TC_CAT_DIGITAL_IO, .access = TC_RW, .address = 0x10860, .length = 4,
      ENUM(e_user_output_sel), .idefault = 0 },
    { .name = "UserOutputValue", .display_name = "User Output Value", .description = "Level of the selected user output.",
      .type = TC_FT_BOOL, .category = TC_CAT_DIGITAL_IO, .access = TC_RW, .address = 0x10870, .length = 4,
      .flags = TC_FF_PERSIST, .selector = "UserOutputSelector", .n_index = 3, .idefault = 0 },

    /* ---- UserSetControl 0x10900 ---- */
    { .name = "UserSetSelector", .display_name = "User Set Selector", .description = "Which user set Load and Save act on.",
      .type = TC_FT_ENUM, .category = TC_CAT_USER_SET, .access = TC_RW, .address = 0x10900, .length = 4,
      ENUM(e_user_set), .idefault = 0 },
    { .name = "UserSetLoad", .display_name = "User Set Load", .description = "Loads the selected user set.",
      .type = TC_FT_COMMAND, .category = TC_CAT_USER_SET, .access = TC_WO, .address = 0x10904, .length = 4,
      .flags = TC_FF_SLOW, .set = tc_cmd_user_set_load },
    { .name = "UserSetSave", .display_name = "User Set Save", .description = "Saves the current settings to the selected user set (not Default).",
      .type = TC_FT_COMMAND, .category = TC_CAT_USER_SET, .access = TC_WO, .address = 0x10908, .length = 4,
      .set = tc_cmd_user_set_save },
    { .name = "UserSetDefault", .display_name = "User Set Default", .description = "The user set loaded at power-up and by DeviceReset.",
      .type = TC_FT_ENUM, .category = TC_CAT_USER_SET, .access = TC_RW, .address = 0x1090C, .length = 4,
      ENUM(e_user_set), .idefault = 0, .set = tc_set_user_set_default },

    /* ---- TransportLayerControl 0x10A00 ---- */
    { .name = "PayloadSize", .display_name = "Payload Size", .description = "Bytes of one frame's image data.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RO, .address = 0x10A00, .length = 4,
      .imin = 0, .imax = 0x7FFFFFFF, .unit = "B", .get = tc_get_payload_size },
    { .name = "TLParamsLocked", .display_name = "TL Params Locked", .description = "Set by the host while streaming; while 1, the features that size the payload refuse writes (access denied) on every port.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RW, .visibility = TC_VIS_INVISIBLE, .address = 0x10A04, .length = 4,
      .imin = 0, .imax = 1, .idefault = 0 },

    /* ---- FileAccessControl 0x10F00, the buffer at 0x11000 (file_access.c) ---- */
    { .name = "FileSelector", .display_name = "File Selector", .description = "The file the file operations act on.",
      .type = TC_FT_ENUM, .category = TC_CAT_FILE_ACCESS, .access = TC_RW, .visibility = TC_VIS_GURU, .address = 0x10F00, .length = 4, .flags = TC_FF_NOT_ACQ,
      ENUM(e_file), .idefault = 0 },
    { .name = "FileOperationSelector", .display_name = "File Operation Selector", .description = "The operation FileOperationExecute does on the selected file.",
      .type = TC_FT_ENUM, .category = TC_CAT_FILE_ACCESS, .access = TC_RW, .visibility = TC_VIS_GURU, .address = 0x10F04, .length = 4, .flags = TC_FF_NOT_ACQ,
      .selector = "FileSelector", .n_index = 1, ENUM(e_file_op), .idefault = TC_FILE_OPEN },
    { .name = "FileOperationExecute", .display_name = "File Operation Execute", .description = "Does the selected operation on the selected file; it always completes: FileOperationStatus and FileOperationResult tell the outcome.",
      .type = TC_FT_COMMAND, .category = TC_CAT_FILE_ACCESS, .access = TC_WO, .visibility = TC_VIS_GURU, .address = 0x10F08, .length = 4,
      .flags = TC_FF_SLOW | TC_FF_QUIET | TC_FF_NOT_ACQ, .selector = "FileSelector", .selector2 = "FileOperationSelector", .n_index = 1,
      .set = tc_cmd_file_operation_execute },
    { .name = "FileOpenMode", .display_name = "File Open Mode", .description = "How Open opens the selected file.",
      .type = TC_FT_ENUM, .category = TC_CAT_FILE_ACCESS, .access = TC_RW, .visibility = TC_VIS_GURU, .address = 0x10F0C, .length = 4, .flags = TC_FF_NOT_ACQ,
      .selector = "FileSelector", .n_index = 1, ENUM(e_open_mode), .idefault = TC_FILE_MODE_READ },
    { .name = "FileAccessBuffer", .display_name = "File Access Buffer", .description = "The bytes a Read brings from the file and a Write takes to it (4096 bytes).",
      .type = TC_FT_REGISTER, .category = TC_CAT_FILE_ACCESS, .access = TC_RW, .visibility = TC_VIS_GURU, .address = 0x11000, .length = TC_FILE_BUFFER_LEN, .flags = TC_FF_NOT_ACQ,
      .bytes = tc_file_access_buffer },
    { .name = "FileAccessOffset", .display_name = "File Access Offset", .description = "Where in the file a Read or Write starts (writes go in offset order).",
      .type = TC_FT_INTEGER, .category = TC_CAT_FILE_ACCESS, .access = TC_RW, .visibility = TC_VIS_GURU, .address = 0x10F10, .length = 4, .flags = TC_FF_NOT_ACQ,
      .selector = "FileSelector", .selector2 = "FileOperationSelector", .n_index = 1,
      .imin = 0, .imax = TC_FIRMWARE_FILE_MAX, .unit = "B", .idefault = 0 },
    { .name = "FileAccessLength", .display_name = "File Access Length", .description = "How many bytes a Read or Write moves between the file and FileAccessBuffer.",
      .type = TC_FT_INTEGER, .category = TC_CAT_FILE_ACCESS, .access = TC_RW, .visibility = TC_VIS_GURU, .address = 0x10F14, .length = 4, .flags = TC_FF_NOT_ACQ,
      .selector = "FileSelector", .selector2 = "FileOperationSelector", .n_index = 1,
      .imin = 0, .imax = TC_FILE_BUFFER_LEN, .unit = "B", .idefault = 0 },
    { .name = "FileOperationStatus", .display_name = "File Operation Status", .description = "Outcome of the last execution of the selected operation on the selected file.",
      .type = TC_FT_ENUM, .category = TC_CAT_FILE_ACCESS, .access = TC_RO, .visibility = TC_VIS_GURU, .address = 0x10F18, .length = 4, .flags = TC_FF_NOT_ACQ,
      .selector = "FileSelector", .selector2 = "FileOperationSelector", .n_index = 1, ENUM(e_file_status),
      .idefault = TC_FILE_SUCCESS, .get = tc_get_file_operation_status },
    { .name = "FileOperationResult", .display_name = "File Operation Result", .description = "Bytes the last Read or Write of the selected file moved (0 for the other operations).",
      .type = TC_FT_INTEGER, .category = TC_CAT_FILE_ACCESS, .access = TC_RO, .visibility = TC_VIS_GURU, .address = 0x10F1C, .length = 4, .flags = TC_FF_NOT_ACQ,
      .selector = "FileSelector", .selector2 = "FileOperationSelector", .n_index = 1,
      .imin = 0, .imax = TC_FILE_BUFFER_LEN, .unit = "B", .get = tc_get_file_operation_result },
    { .name = "FileSize", .display_name = "File Size", .description = "Size of the selected file: an open one's snapshot or bytes written so far, a closed one's contents now.",
      .type = TC_FT_INTEGER, .category = TC_CAT_FILE_ACCESS, .access = TC_RO, .visibility = TC_VIS_GURU, .address = 0x10F20, .length = 4,
      .flags = TC_FF_VOLATILE | TC_FF_NOT_ACQ, .selector = "FileSelector", .n_index = 1,
      .imin = 0, .imax = TC_FIRMWARE_FILE_MAX, .unit = "B", .get = tc_get_file_size },
    { .name = "TwinFileOperationReason", .display_name = "File Operation Reason", .description = "Why the last execution of the selected operation on the selected file failed (empty after Success).",
      .type = TC_FT_STRING, .category = TC_CAT_FILE_ACCESS, .access = TC_RO, .visibility = TC_VIS_GURU, .address = 0x10F40, .length = TC_FILE_REASON_LEN, .flags = TC_FF_NOT_ACQ,
      .selector = "FileSelector", .selector2 = "FileOperationSelector", .n_index = 1, .sdefault = "",
      .get_string = tc_get_file_operation_reason },

    /* ---- GigE Vision transport (bootstrap registers, served by src/gige) ---- */
    { .name = "GevMACAddress", .display_name = "MAC Address", .description = "MAC address of the (virtual) network interface, derived from the serial number.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RO, .address = 0x0008, .length = 8,
      .flags = TC_FF_GIGE | TC_FF_CONST, .imin = 0, .imax = 0xFFFFFFFFFFFFLL },
    { .name = "GevCurrentIPAddress", .display_name = "Current IP Address", .description = "IPv4 address the camera is bound to.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RO, .address = 0x0024, .length = 4,
      .flags = TC_FF_GIGE | TC_FF_CONST, .imin = 0, .imax = 0xFFFFFFFFLL },
    { .name = "GevHeartbeatTimeout", .display_name = "Heartbeat Timeout", .description = "The controlling application loses control when it sends nothing for this long.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RW, .address = 0x0938, .length = 4,
      .flags = TC_FF_GIGE, .imin = 500, .imax = 600000, .unit = "ms", .idefault = 3000 },
    { .name = "GevTimestampTickFrequency", .display_name = "Timestamp Tick Frequency", .description = "Timestamps count nanoseconds.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RO, .address = 0x093C, .length = 8,
      .flags = TC_FF_GIGE | TC_FF_CONST, .imin = 1000000000, .imax = 1000000000, .unit = "Hz" },
    { .name = "GevTimestampControlLatch", .display_name = "Timestamp Control Latch", .description = "Latches the timestamp into GevTimestampValue.",
      .type = TC_FT_COMMAND, .category = TC_CAT_TRANSPORT, .access = TC_WO, .address = 0x0944, .length = 4,
      .flags = TC_FF_GIGE, .bit_pos = 1, .bit_width = 1 },
    { .name = "GevTimestampControlReset", .display_name = "Timestamp Control Reset", .description = "Resets the timestamp to 0.",
      .type = TC_FT_COMMAND, .category = TC_CAT_TRANSPORT, .access = TC_WO, .address = 0x0944, .length = 4,
      .flags = TC_FF_GIGE, .bit_pos = 0, .bit_width = 1 },
    { .name = "GevTimestampValue", .display_name = "Timestamp Value", .description = "Timestamp latched by GevTimestampControlLatch.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RO, .address = 0x0948, .length = 8,
      .flags = TC_FF_GIGE | TC_FF_VOLATILE, .imin = 0, .imax = INT64_MAX, .unit = "ns" },
    { .name = "GevCCP", .display_name = "Control Channel Privilege", .description = "Control privilege of the application (exclusive, control or none).",
      .type = TC_FT_ENUM, .category = TC_CAT_TRANSPORT, .access = TC_RW, .address = 0x0A00, .length = 4,
      .flags = TC_FF_GIGE, ENUM(e_ccp), .idefault = 0 },
    { .name = "GevSCPHostPort", .display_name = "Stream Channel Host Port", .description = "UDP port the stream goes to (0 closes the channel).",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RW, .address = 0x0D00, .length = 4,
      .flags = TC_FF_GIGE, .imin = 0, .imax = 65535, .bit_pos = 0, .bit_width = 16 },
    { .name = "GevSCPSPacketSize", .display_name = "Stream Channel Packet Size", .description = "IP packet size of stream packets, headers included. Powers on at the largest packet the serving interface carries unfragmented (65532 on loopback, its MTU on Ethernet; 9000 if unknown).",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RW, .address = 0x0D04, .length = 4,
      .flags = TC_FF_GIGE, .imin = 576, .imax = 65532, .inc = 4, .unit = "B", .idefault = 9000, .bit_pos = 0, .bit_width = 16 },
    { .name = "GevSCPSFireTestPacket", .display_name = "Fire Test Packet", .description = "Sends one test packet of GevSCPSPacketSize (packet size negotiation).",
      .type = TC_FT_COMMAND, .category = TC_CAT_TRANSPORT, .access = TC_WO, .address = 0x0D04, .length = 4,
      .flags = TC_FF_GIGE, .bit_pos = 31, .bit_width = 1 },
    { .name = "GevSCPSDoNotFragment", .display_name = "Do Not Fragment", .description = "Stream packets carry IP don't-fragment.",
      .type = TC_FT_BOOL, .category = TC_CAT_TRANSPORT, .access = TC_RW, .address = 0x0D04, .length = 4,
      .flags = TC_FF_GIGE, .bit_pos = 30, .bit_width = 1 },
    { .name = "GevSCPD", .display_name = "Stream Channel Packet Delay", .description = "Delay between stream packets, in timestamp ticks (ns).",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RW, .address = 0x0D08, .length = 4,
      .flags = TC_FF_GIGE, .imin = 0, .imax = 100000000, .unit = "ns" },
    { .name = "GevSCDA", .display_name = "Stream Channel Destination Address", .description = "IPv4 address the stream goes to.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RW, .address = 0x0D18, .length = 4,
      .flags = TC_FF_GIGE, .imin = 0, .imax = 0xFFFFFFFFLL },
    { .name = "GevSCSP", .display_name = "Stream Channel Source Port", .description = "UDP port the stream comes from.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TRANSPORT, .access = TC_RO, .address = 0x0D1C, .length = 4,
      .flags = TC_FF_GIGE, .imin = 0, .imax = 65535, .bit_pos = 0, .bit_width = 16 },
    { .name = "GevGVSPExtendedIDMode", .display_name = "GVSP Extended ID Mode", .description = "On: stream packets carry 64-bit block ids and 32-bit packet ids.",
      .type = TC_FT_ENUM, .category = TC_CAT_TRANSPORT, .access = TC_RW, .address = 0x10E00, .length = 4,
      .flags = TC_FF_GIGE, ENUM(e_on_off), .idefault = 0 },
    { .name = "TwinStreamPacketLoss", .display_name = "Stream Packet Loss", .description = "Fraction of stream packets the camera drops on purpose (first transmissions only), to exercise resends.",
      .type = TC_FT_FLOAT, .category = TC_CAT_TWIN, .access = TC_RW, .address = 0x10E08, .length = 8,
      .flags = TC_FF_GIGE, .fmin = 0, .fmax = 50, .unit = "%", .fdefault = 0 },

    /* ---- TwinControl 0x10C00: the twin's own controls ---- */
    { .name = "TwinScene", .display_name = "Scene", .description = "What the camera looks at.",
      .type = TC_FT_ENUM, .category = TC_CAT_TWIN, .access = TC_RW, .address = 0x10C00, .length = 4,
      .flags = TC_FF_PERSIST | TC_FF_SLOW, ENUM(e_scene), .idefault = 0, .set = tc_set_twin_scene },
    { .name = "TwinIllumination", .display_name = "Illumination", .description = "Illuminance on the sensor for a white scene point (about 10000 photons/s per pixel per lux).",
      .type = TC_FT_FLOAT, .category = TC_CAT_TWIN, .access = TC_RW, .address = 0x10C08, .length = 8,
      .flags = TC_FF_PERSIST, .fmin = 0, .fmax = 100000, .unit = "lx", .fdefault = 90 },
    { .name = "TwinNoiseSeed", .display_name = "Noise Seed", .description = "Seed of the temporal noise; the same seed and settings give bit-identical frames.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TWIN, .access = TC_RW, .address = 0x10C10, .length = 8,
      .flags = TC_FF_PERSIST, .imin = 0, .imax = INT64_MAX, .idefault = 0 },
    { .name = "TwinAmbientTemperature", .display_name = "Ambient Temperature", .description = "Temperature around the camera; drives DeviceTemperature and dark current.",
      .type = TC_FT_FLOAT, .category = TC_CAT_TWIN, .access = TC_RW, .address = 0x10C18, .length = 8,
      .flags = TC_FF_PERSIST, .fmin = -20, .fmax = 60, .unit = "C", .fdefault = 25 },
    { .name = "TwinSelfHeating", .display_name = "Self Heating", .description = "On: the housing warms by 0.5-1 W of dissipation above ambient. Off: the camera sits at ambient (exact, repeatable dark signal).",
      .type = TC_FT_BOOL, .category = TC_CAT_TWIN, .access = TC_RW, .address = 0x10C38, .length = 4,
      .flags = TC_FF_PERSIST, .idefault = 1 },
    { .name = "TwinNoiseEnable", .display_name = "Noise Enable", .description = "Temporal noise on (the camera) or off (the mean image, for tests).",
      .type = TC_FT_BOOL, .category = TC_CAT_TWIN, .access = TC_RW, .address = 0x10C20, .length = 4,
      .flags = TC_FF_PERSIST, .idefault = 1 },
    { .name = "TwinFramesDropped", .display_name = "Frames Dropped", .description = "Frames the camera made but could not deliver (no free buffer or link).",
      .type = TC_FT_INTEGER, .category = TC_CAT_TWIN, .access = TC_RO, .address = 0x10C28, .length = 8,
      .flags = TC_FF_VOLATILE, .imin = 0, .imax = INT64_MAX, .get = tc_get_frames_dropped },
    { .name = "TwinOverruns", .display_name = "Overruns", .description = "Frames the host machine could not make on the camera's timeline: made after their readout window ended, or skipped (their block ids are left out). Timestamps stay the model's; 0 on a host that keeps up.",
      .type = TC_FT_INTEGER, .category = TC_CAT_TWIN, .access = TC_RO, .address = 0x10C90, .length = 8,
      .flags = TC_FF_VOLATILE, .imin = 0, .imax = INT64_MAX, .get = tc_get_overruns },
    { .name = "TwinReadoutSpeedup", .display_name = "Readout Speedup", .description = "Divides the sensor line time: 1 is the real camera; more runs the twin faster than the datasheet (headroom benchmarks).",
      .type = TC_FT_FLOAT, .category = TC_CAT_TWIN, .access = TC_RW, .address = 0x10C80, .length = 8,
      .flags = TC_FF_LOCKED_ACQ, .fmin = 1, .fmax = 64, .fdefault = 1 },
    { .name = "TwinTriggerMissed", .display_name = "Triggers Missed", .description = "Triggers that came while the sensor could not take them (never queued silently).",
      .type = TC_FT_INTEGER, .category = TC_CAT_TWIN, .access = TC_RO, .address = 0x10C88, .length = 8,
      .flags = TC_FF_VOLATILE, .imin = 0, .imax = INT64_MAX, .get = tc_get_triggers_missed },
    { .name = "TwinLineTime", .display_name = "Line Time", .description = "Effective line time of the rolling shutter (stretched when the link limits); rows are read and streamed at this pace.",
      .type = TC_FT_FLOAT, .category = TC_CAT_TWIN, .access = TC_RO, .address = 0x10C30, .length = 8,
      .fmin = 0, .fmax = 1e9, .unit = "ns", .get = tc_get_line_time },
    { .name = "TwinScenePath", .display_name = "Scene Path", .description = "PNG file (8 or 16 bit) shown when TwinScene is PngFile.",
      .type = TC_FT_STRING, .category = TC_CAT_TWIN, .access = TC_RW, .address = 0x10C40, .length = 64,
      .flags = TC_FF_PERSIST, .sdefault = "" },

    /* ---- helper nodes for dynamic bounds (no category) ---- */
    { .name = "WidthLimit", .description = "Largest Width at the current OffsetX.",
      .type = TC_FT_INTEGER, .category = TC_CAT_HIDDEN, .access = TC_RO, .visibility = TC_VIS_INVISIBLE, .address = 0x10494, .length = 4,
      .imin = 0, .imax = 4056, .get = tc_get_width_limit },
    { .name = "HeightLimit", .description = "Largest Height at the current OffsetY.",
      .type = TC_FT_INTEGER, .category = TC_CAT_HIDDEN, .access = TC_RO, .visibility = TC_VIS_INVISIBLE, .address = 0x10498, .length = 4,
      .imin = 0, .imax = 3040, .get = tc_get_height_limit },
    { .name = "OffsetXMax", .description = "Largest OffsetX at the current Width.",
      .type = TC_FT_INTEGER, .category = TC_CAT_HIDDEN, .access = TC_RO, .visibility = TC_VIS_INVISIBLE, .address = 0x1049C, .length = 4,
      .imin = 0, .imax = 4056, .get = tc_get_offset_x_max },
    { .name = "OffsetYMax", .description = "Largest OffsetY at the current Height.",
      .type = TC_FT_INTEGER, .category = TC_CAT_HIDDEN, .access = TC_RO, .visibility = TC_VIS_INVISIBLE, .address = 0x104A0, .length = 4,
      .imin = 0, .imax = 3040, .get = tc_get_offset_y_max },
    { .name = "AcquisitionFrameRateMax", .description = "Highest frame rate the timing model allows for the current settings.",
      .type = TC_FT_FLOAT, .category = TC_CAT_HIDDEN, .access = TC_RO, .visibility = TC_VIS_INVISIBLE, .address = 0x10620, .length = 8,
      .fmin = 0, .fmax = 1000, .unit = "Hz", .get = tc_get_frame_rate_max },
};

const unsigned tc_feature_count = sizeof(tc_features) / sizeof(tc_features[0]);

const tc_feature *tc_feature_find(const char *name)
{
    if (!name)
        return NULL;
    for (unsigned i = 0; i < tc_feature_count; i++)
        if (strcmp(tc_features[i].name, name) == 0)
            return &tc_features[i];
    return NULL;
}

const tc_enum_entry *tc_enum_by_name(const tc_feature *f, const char *name)
{
    for (unsigned i = 0; i < f->n_entries; i++)
        if (strcmp(f->entries[i].name, name) == 0)
            return &f->entries[i];
    return NULL;
}

const tc_enum_entry *tc_enum_by_value(const tc_feature *f, int64_t value)
{
    for (unsigned i = 0; i < f->n_entries; i++)
        if (f->entries[i].value == value)
            return &f->entries[i];
    return NULL;
}
