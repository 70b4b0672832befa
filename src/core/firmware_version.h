/* The firmware line the twin reports, apart from the twin's own build.
 *
 * A client compares DeviceFirmwareVersion against the camera's releases, so
 * it follows the camera's line: the datasheet's "1st supported firmware
 * version 3.20". The twin's own build (meson's project version,
 * TC_BUILD_VERSION from the generated core/build_version.h) is named in
 * DeviceManufacturerInfo instead. A firmware package (src/firmware/) may
 * carry another version of the line; the boot loader then tells the program
 * it runs which one it is. */
#ifndef TC_CORE_FIRMWARE_VERSION_H
#define TC_CORE_FIRMWARE_VERSION_H

#include "core/build_version.h"

/* DeviceFirmwareVersion of this build (the factory program). */
#define TC_FIRMWARE_VERSION "3.20.0"
/* No package below this version is ever installed (datasheet: 3.20 is the
 * first supported firmware version). */
#define TC_FIRMWARE_FLOOR "3.20.0"
/* DeviceModelName unless the options name another; a package must name the
 * camera's model. */
#define TC_TWIN_MODEL_NAME "IMX412C-12MP-twin"

#endif
