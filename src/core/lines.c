/* Output windows of frame-following line sources (lines.h). */
#include "core/lines.h"

bool tc_line_window(int source, int64_t t0, double exposure_ns, double line_ns, unsigned rows,
                    tc_window *w)
{
    double last_row = rows ? (rows - 1) * line_ns : 0;
    switch (source) {
    case TC_SRC_EXPOSURE_ACTIVE:
        w->start = t0;
        w->end = t0 + (int64_t)(last_row + exposure_ns);
        return true;
    case TC_SRC_FRAME_ACTIVE:
        w->start = t0;
        w->end = t0 + (int64_t)(exposure_ns + rows * line_ns);
        return true;
    case TC_SRC_FLASH_WINDOW:
        if (exposure_ns <= last_row)
            return false; /* rows never all expose at once */
        w->start = t0 + (int64_t)last_row;
        w->end = t0 + (int64_t)exposure_ns;
        return true;
    default:
        return false;
    }
}
