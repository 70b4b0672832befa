/* tc_version(): the version this library was built as, from the same
 * generated header applications compile against, so an application can
 * compare the two at run time. */
#include "twincam/twincam.h"

const char *tc_version(void) { return TWINCAM_VERSION_STRING; }
