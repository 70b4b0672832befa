#!/bin/sh
# docs/features.md must be exactly what the feature table generates.
# usage: check_features_doc.sh TWINCAM_BINARY DOCS_FEATURES_MD
set -eu
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$1" docs > "$tmp"
if ! cmp -s "$tmp" "$2"; then
    echo "docs/features.md is stale: regenerate with 'build/twincam docs > docs/features.md'"
    diff -u "$2" "$tmp" | head -40
    exit 1
fi
echo "docs/features.md matches the feature table"
