#!/bin/sh
# Run the GigE Vision integration tests inside a private network namespace
# with only loopback up: Aravis discovery broadcasts on every interface, and
# no test may ever send to a real network.
# usage: run_gige_tests.sh TWINCAM_BINARY SOURCE_DIR [unittest args]
set -eu
command -v unshare >/dev/null && python3 -c 1 2>/dev/null || { echo "SKIP: needs unshare"; exit 77; }
/usr/bin/python3 -c 'import gi; gi.require_version("Aravis", "0.8")' 2>/dev/null ||
    { echo "SKIP: needs gir1.2-aravis-0.8 and python3-gi"; exit 77; }
exec unshare -rn sh -c 'ip link set lo up && exec /usr/bin/python3 "$0" "$@"' \
    "$2/tests/gige/test_gige.py" "$@"
