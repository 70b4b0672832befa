#!/bin/sh
# The GenTL module nodemaps (System, Interface, Device, DataStream) validate against
# GenApi schema 1.1, taken at test time from Debian's arv-test-0.8 resources
# as tests/genicam/check_schema.sh does (only read, never run).
# usage: check_module_schema.sh DUMP_MODULE_XML TWINCAM_CTI
# Network safety: nothing here talks to a network (arv-test-0.8 is only read
# for its schema resource; the producer's cameras are in process), and it
# still runs inside a private network namespace with only loopback up, as
# every script that names an Aravis tool does.
set -eu
if [ -z "${TC_IN_NETNS:-}" ]; then
    exec env TC_IN_NETNS=1 unshare -rn sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$@"
fi
command -v gresource >/dev/null && command -v xmllint >/dev/null && [ -x /usr/bin/arv-test-0.8 ] || {
    echo "SKIP: needs gresource (libglib2.0-bin), xmllint (libxml2-utils), arv-test-0.8"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gresource extract /usr/bin/arv-test-0.8 /org/aravis/GenApiSchema_Version_1_1.xsd > "$tmp/genapi11.xsd"
TWINCAM_GENTL_CAMERAS=1 "$1" "$2" "$tmp"
xmllint --noout --schema "$tmp/genapi11.xsd" "$tmp/system.xml" "$tmp/interface.xml" "$tmp/device.xml" "$tmp/stream.xml"
