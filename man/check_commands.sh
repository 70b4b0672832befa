#!/bin/sh
# The manual pages' command list (man/meson.build) against the commands
# `twincam --help` lists: a command added to the program without its page, or
# a page for a command that is gone, fails here.
# Usage: check_commands.sh TWINCAM COMMAND...
set -eu
twincam=$1; shift
listed=$("$twincam" --help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}' | sort)
pages=$(printf '%s\n' "$@" | sort)
if [ "$listed" != "$pages" ]; then
    echo "twincam --help lists:"; echo "$listed"
    echo "man/meson.build has pages for:"; echo "$pages"
    exit 1
fi
echo "$(echo "$pages" | wc -l) commands, each with its page"
