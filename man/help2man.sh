#!/bin/sh
# One manual page from the program's own --help (the one source of the
# options; nothing is written twice): help2man.sh TWINCAM COMMAND VERSION OUT
# COMMAND "-" is twincam(1) itself, else twincam-COMMAND(1). The first line of
# every --help is "twincam[ COMMAND] - summary": it becomes the NAME line, and
# the rest the page. SOURCE_DATE_EPOCH (Debian builds) fixes the page's date.
set -eu
twincam=$1 cmd=$2 version=$3 out=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ "$cmd" = - ]; then name=twincam; sub=""; else name=twincam-$cmd; sub=$cmd; fi
summary=$("$twincam" $sub --help | head -n 1 | sed 's/^[^-]* - //')
[ -n "$summary" ] || { echo "help2man.sh: no summary line from '$name --help'" >&2; exit 1; }
# help2man names the page after the program it runs, so run it through a
# wrapper of that name which prints the help without its summary line.
cat >"$dir/$name" <<W
#!/bin/sh
"$twincam" $sub --help | tail -n +2
W
chmod +x "$dir/$name"
help2man --no-info --no-discard-stderr --version-string="$version" \
    --name="$summary" --section=1 --source="twincam $version" \
    --manual="twincam manual" --output="$out" "$dir/$name"
