#!/bin/sh
# The generated GenICam XML (GigE and USB3 Vision flavours) validates against
# GenApi schema 1.1. The schema is taken at test time from the resources of
# Debian's arv-test-0.8 (aravis-tools-cli), not kept in this repository.
# arv-test-0.8 is only read (gresource), never run: no network use, so no
# private namespace (unshare -rn) is needed here.
# usage: check_schema.sh TWINCAM_BINARY
set -eu
command -v gresource >/dev/null && command -v xmllint >/dev/null && [ -x /usr/bin/arv-test-0.8 ] || {
    echo "SKIP: needs gresource (libglib2.0-bin), xmllint (libxml2-utils), arv-test-0.8"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gresource extract /usr/bin/arv-test-0.8 /org/aravis/GenApiSchema_Version_1_1.xsd > "$tmp/genapi11.xsd"
"$1" xml > "$tmp/gige.xml"
"$1" xml --usb > "$tmp/u3v.xml"
xmllint --noout --schema "$tmp/genapi11.xsd" "$tmp/gige.xml" "$tmp/u3v.xml"
