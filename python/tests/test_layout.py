"""The cdef's struct layouts and constants against the real header.

cffi's ABI mode lays structs out from twincam/_cdef.py alone; a field the
header gained, lost or changed would make the library read and write the
wrong bytes. A probe generated from the cdef, compiled against the header,
prints what the C compiler makes of every checked struct (size, alignment,
each field's offset and size) and every TC_E* code; they must equal cffi's.

The header: the directories in $TWINCAM_INCLUDE (meson test sets it: the
source's include/ and the build's, where twincam/version.h is generated), else
a checkout's include/ and build/include/, else /usr/include. The compiler:
$CC, else cc.
"""
import os
import shutil
import subprocess

import pytest

from twincam._cdef import CHECKED_STRUCTS
from twincam._library import ffi, lib

HERE = os.path.dirname(os.path.abspath(__file__))
CODES = [n for n in dir(lib) if n.startswith("TC_E") or n == "TC_OK"]


def has_header(dirs, name):
    return any(os.path.isfile(os.path.join(d, "twincam", name)) for d in dirs)


def include_dirs():
    """([directories], whether the environment asked for the check)."""
    env = os.environ.get("TWINCAM_INCLUDE")
    if env:
        return env.split(os.pathsep), True
    checkout = os.path.join(HERE, "..", "..")
    for dirs in ([os.path.join(checkout, "include"), os.path.join(checkout, "build", "include")],
                 ["/usr/include"]):
        if has_header(dirs, "twincam.h") and has_header(dirs, "version.h"):
            return dirs, False
    return None, False


def cffi_layout():
    out = {}
    for s in CHECKED_STRUCTS:
        t = ffi.typeof(s)
        out[f"{s} size"] = ffi.sizeof(t)
        out[f"{s} align"] = ffi.alignof(t)
        for name, field in t.fields:
            out[f"{s}.{name} offset"] = field.offset
            out[f"{s}.{name} size"] = ffi.sizeof(field.type)
    for c in CODES:
        out[c] = getattr(lib, c)
    return out


def probe_source():
    lines = ["#include <stddef.h>", "#include <stdio.h>", "#include <twincam/twincam.h>",
             "int main(void)", "{"]

    def emit(key, expr):
        lines.append(f'    printf("%s=%lld\\n", "{key}", (long long)({expr}));')

    for s in CHECKED_STRUCTS:
        emit(f"{s} size", f"sizeof({s})")
        emit(f"{s} align", f"_Alignof({s})")
        for name, _ in ffi.typeof(s).fields:
            emit(f"{s}.{name} offset", f"offsetof({s}, {name})")
            emit(f"{s}.{name} size", f"sizeof((({s} *)0)->{name})")
    for c in CODES:
        emit(c, c)
    lines += ["    return 0;", "}"]
    return "\n".join(lines) + "\n"


def compiler():
    cc = os.environ.get("CC", "cc").split()
    return cc if shutil.which(cc[0]) else None


def layout_differences(dirs, tmp_path):
    """{key: (cffi's, the compiler's)} where they differ; dirs: -I list."""
    src = tmp_path / "probe.c"
    src.write_text(probe_source())
    exe = tmp_path / "probe"
    flags = [f"-I{d}" for d in dirs]
    subprocess.run(compiler() + ["-std=c11", "-Wall", "-Werror"] + flags + [str(src), "-o", str(exe)],
                   check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    c_layout = {k: int(v) for k, v in (line.split("=") for line in out.splitlines())}
    mine = cffi_layout()
    assert set(c_layout) == set(mine)
    return {k: (mine[k], c_layout[k]) for k in mine if mine[k] != c_layout[k]}


@pytest.fixture
def header_dirs():
    inc, required = include_dirs()
    if inc is None or compiler() is None:
        if required:
            pytest.fail("TWINCAM_INCLUDE is set but there is no C compiler ($CC or cc)")
        pytest.skip("no twincam.h or no C compiler to check the layouts with")
    return inc


def test_cdef_matches_header(header_dirs, tmp_path):
    differences = layout_differences(header_dirs, tmp_path)
    if differences:  # the run ends here: the other tests would corrupt memory
        pytest.exit("twincam/_cdef.py and twincam.h differ, {key: (cffi, C)}: "
                    f"{differences!r}", returncode=1)


def test_check_sees_a_field_the_cdef_lacks(header_dirs, tmp_path):
    """The check can fail: the header with a field put first in tc_options
    (as an extensible options struct's size field would be) is caught."""
    header = next(os.path.join(d, "twincam", "twincam.h") for d in header_dirs
                  if os.path.isfile(os.path.join(d, "twincam", "twincam.h")))
    text = open(header).read()
    anchor = "typedef struct tc_options {"
    assert anchor in text
    changed = tmp_path / "inc" / "twincam"
    changed.mkdir(parents=True)
    (changed / "twincam.h").write_text(text.replace(anchor, anchor + " size_t added_;"))
    # the changed header first; version.h (and the rest) from where they are
    differences = layout_differences([tmp_path / "inc"] + header_dirs, tmp_path)
    assert "tc_options size" in differences and "tc_options.serial offset" in differences


def test_library_fills_the_options_size_it_has():
    """The library itself (not only the header) agrees on tc_options: its
    tc_options_init, given room to spare, writes the size it was built with."""
    room = ffi.new("char[]", 1024)
    lib.tc_options_init(ffi.cast("tc_options *", room))
    assert ffi.cast("tc_options *", room).struct_size == ffi.sizeof("tc_options")
