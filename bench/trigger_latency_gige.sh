#!/bin/sh
# Trigger edge to GVSP leader latency through the GigE port, inside a
# private network namespace with only loopback up (re-executes itself there).
# usage: bench/trigger_latency_gige.sh [BUILD_DIR (build-release)] [N] [EXPOSURE_US]
set -eu
B=$(readlink -f "${1:-build-release}")
if [ -z "${TC_IN_NETNS:-}" ]; then
    exec env TC_IN_NETNS=1 unshare -rn sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$B" "${2:-1000}" "${3:-1000}"
fi
exec "$B/bench/trigger_latency_gige" "$2" "$3" 2>/dev/null
