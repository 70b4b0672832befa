"""twincam: the camera twin in process, from Python.

    import twincam
    with twincam.open(seed=42, deterministic=True) as cam:
        cam.set("PixelFormat", "BayerGR12p")
        cam.start()
        img, info = cam.grab(timeout=1.0)   # numpy (Height, Width), uint16

A thin layer over libtwincam's C API (include/twincam/twincam.h) through
cffi's ABI mode: every decision (ranges, locks, timing) is the camera's, and a
refused call raises Error with the camera's reason and its TC_E* code.
docs/python.md has the whole interface.
"""
import time
from dataclasses import dataclass

from . import pixels
from ._library import ffi, lib

__all__ = ["Camera", "Error", "FrameInfo", "Timeout", "open", "version", "pixels"]

# The C API's status codes by value, for messages and Error.code_name.
CODES = {getattr(lib, n): n for n in ("TC_OK", "TC_ENOFEATURE", "TC_ETYPE", "TC_ERANGE",
                                      "TC_EACCESS", "TC_EBUSY", "TC_ETIMEOUT", "TC_ENOMEM",
                                      "TC_EINVAL", "TC_EIO", "TC_EADDRESS")}
# Long enough for any enum entry, string feature (DeviceUserID...) or value text.
_TEXT_LEN = 256
# A wait without a timeout goes to C in slices, so Ctrl-C reaches Python.
_WAIT_SLICE_MS = 200


class Error(Exception):
    """A call the camera refused. `code` is the TC_E* value (negative int),
    `code_name` its name, `reason` the camera's own words, `operation` what
    was asked ("set Width = 13")."""

    def __init__(self, code, reason, operation=""):
        self.code = code
        self.code_name = CODES.get(code, str(code))
        self.reason = reason
        self.operation = operation
        super().__init__(f"{reason} ({self.code_name})")


class Timeout(Error, TimeoutError):
    """No frame came within the timeout (TC_ETIMEOUT)."""


@dataclass(frozen=True)
class FrameInfo:
    block_id: int       # 1, 2, ... from open, on across acquisitions
    timestamp_ns: int   # exposure start of the first row, camera time
    pixel_format: str   # name, e.g. "BayerGR12p" (hex code if unknown)
    width: int
    height: int
    offset_x: int
    offset_y: int
    pixel_format_code: int
    size: int           # payload bytes


def version():
    """The running library's version text ("0.1.0", tc_version)."""
    return ffi.string(lib.tc_version()).decode()


def _reason(cam):
    """tc_camera_last_error as text ("" if the library gives none)."""
    p = lib.tc_camera_last_error(cam if cam is not None else ffi.NULL)
    return ffi.string(p).decode(errors="replace") if p != ffi.NULL else ""


def _text(s):
    return s.encode() if isinstance(s, str) else bytes(s)


def _line_number(line):
    """Line0..Line3 as 0..3; ints pass (the library checks the range)."""
    if isinstance(line, str):
        if not line.startswith("Line") or not line[4:].isdigit():
            raise ValueError(f"line {line!r}: want Line0..Line3 or 0..3")
        return int(line[4:])
    return int(line)


class Camera:
    """One in-process camera. Use twincam.open(); close() (or a with block)
    frees it, and the garbage collector does if neither ran."""

    def __init__(self, serial=None, seed=0, deterministic=False, state_dir=None,
                 frame_buffers=0, vendor_name=None, model_name=None):
        # The options' size-field protocol, not tc_options_init: that would
        # fill the library's sizeof(tc_options), which a newer library may
        # have grown past this struct. Zeroed fields are the defaults; the
        # library reads only the struct_size bytes declared here.
        opts = ffi.new("tc_options *")
        opts.struct_size = ffi.sizeof("tc_options")
        keep = []  # the option strings must live through tc_camera_open

        def cstr(s):
            if s is None:
                return ffi.NULL
            keep.append(ffi.new("char[]", _text(s)))
            return keep[-1]

        opts.serial = cstr(serial)
        opts.vendor_name = cstr(vendor_name)
        opts.model_name = cstr(model_name)
        opts.state_dir = cstr(None if state_dir is None else str(state_dir))
        opts.noise_seed = seed
        opts.deterministic = bool(deterministic)
        opts.frame_buffers = frame_buffers
        out = ffi.new("tc_camera **")
        rc = lib.tc_camera_open(opts, out)
        if rc != 0:
            # no camera to ask: the library keeps a failed open's reason for NULL
            raise Error(rc, _reason(None) or "the camera could not be opened", "open")
        self._cam = ffi.gc(out[0], lib.tc_camera_close)
        self._features = self._describe_all()

    # --- life -------------------------------------------------------------
    def close(self):
        """Stop acquisition and free the camera; later calls raise Error."""
        if self._cam is not None:
            cam, self._cam = self._cam, None
            ffi.release(cam)  # runs tc_camera_close now

    @property
    def closed(self):
        return self._cam is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _c(self):
        if self._cam is None:
            raise Error(lib.TC_EINVAL, "the camera is closed")
        return self._cam

    def _check(self, rc, what):
        """Raise the camera's reason for a failed call (read at once: the
        reason is kept per calling thread until its next call)."""
        if rc < 0:
            reason = _reason(self._cam)
            cls = Timeout if rc == lib.TC_ETIMEOUT else Error
            raise cls(rc, reason, what)
        return rc

    # --- features ---------------------------------------------------------
    def _describe_all(self):
        info = ffi.new("tc_feature_info *")
        feats = {}
        for i in range(lib.tc_feature_total()):
            self._check(lib.tc_feature_describe(self._cam, i, info), "describe")
            feats[ffi.string(info.name).decode()] = (ffi.string(info.type).decode(),
                                                     ffi.string(info.access).decode())
        return feats

    def features(self):
        """Every feature's name, in the camera's order."""
        return list(self._features)

    def describe(self, name):
        """One feature: dict of name, type, access, category, unit,
        description, value (as text) and the live range (as text)."""
        if name not in self._features:
            raise Error(lib.TC_ENOFEATURE, f"no feature named '{name}'", name)
        index = list(self._features).index(name)
        info = ffi.new("tc_feature_info *")
        self._check(lib.tc_feature_describe(self._c(), index, info), name)
        fields = ("name", "type", "access", "category", "unit", "description", "value", "range")
        return {f: ffi.string(getattr(info, f)).decode() for f in fields}

    def _type(self, name):
        t = self._features.get(name)
        if t is None:
            raise Error(lib.TC_ENOFEATURE, f"no feature named '{name}'", name)
        return t[0]

    def get(self, name):
        """A feature's value: int (Integer), float (Float), str (Enumeration
        entry name, String), bool (Boolean)."""
        cam, t, key = self._c(), self._type(name), _text(name)
        if t in ("Integer", "Boolean"):
            v = ffi.new("int64_t *")
            self._check(lib.tc_get_int(cam, key, v), f"get {name}")
            return bool(v[0]) if t == "Boolean" else int(v[0])
        if t == "Float":
            v = ffi.new("double *")
            self._check(lib.tc_get_float(cam, key, v), f"get {name}")
            return float(v[0])
        if t in ("Enumeration", "String"):
            buf = ffi.new("char[]", _TEXT_LEN)
            self._check(lib.tc_get_string(cam, key, buf, _TEXT_LEN), f"get {name}")
            return ffi.string(buf).decode()
        raise Error(lib.TC_ETYPE, f"{name} is a {t}: nothing to read (use execute)", name)

    def set(self, name, value):
        """Write a feature. Enumerations take the entry name (or its integer
        value), Booleans a bool (or 0/1); text is read as the CLI's --set
        reads it ("0x100", "true"). Raises Error, and changes nothing, when
        the camera refuses."""
        cam, t, key = self._c(), self._type(name), _text(name)
        what = f"set {name} = {value!r}"
        if isinstance(value, str) and t != "Command":
            rc = lib.tc_set_from_text(cam, key, _text(value))
        elif t == "Float":
            rc = lib.tc_set_float(cam, key, float(value))
        elif t in ("Integer", "Enumeration", "Boolean"):
            if isinstance(value, float) and not value.is_integer():
                raise Error(lib.TC_ETYPE, f"{name} is an {t}, not {value!r}", what)
            rc = lib.tc_set_int(cam, key, int(value))
        elif t == "String":
            raise Error(lib.TC_ETYPE, f"{name} is a String: it takes text, not {value!r}", what)
        else:
            raise Error(lib.TC_ETYPE, f"{name} is a {t}: execute it", what)
        self._check(rc, what)

    def execute(self, name):
        """Run a Command feature (AcquisitionStart, UserSetSave, ...)."""
        self._check(lib.tc_execute(self._c(), _text(name)), f"execute {name}")

    def __getitem__(self, name):
        return self.get(name)

    def __setitem__(self, name, value):
        self.set(name, value)

    # --- acquisition ------------------------------------------------------
    def start(self):
        self._check(lib.tc_start(self._c()), "AcquisitionStart")

    def stop(self):
        self._check(lib.tc_stop(self._c()), "AcquisitionStop")

    def trigger(self):
        """TriggerSoftware (TriggerMode On, TriggerSource Software)."""
        self._check(lib.tc_trigger_software(self._c()), "TriggerSoftware")

    def _wait(self, frame, timeout):
        """tc_wait_frame; None waits forever (in slices, so Ctrl-C works)."""
        cam = self._c()
        if timeout is not None:
            ms = max(0, int(round(timeout * 1000)))
            return self._check(lib.tc_wait_frame(cam, frame, ms), "grab")
        while True:
            rc = lib.tc_wait_frame(cam, frame, _WAIT_SLICE_MS)
            if rc != lib.TC_ETIMEOUT:
                return self._check(rc, "grab")

    def _take(self, timeout, convert):
        frame = ffi.new("tc_frame *")
        self._wait(frame, timeout)
        try:
            info = FrameInfo(frame.block_id, frame.timestamp_ns,
                             pixels.format_name(frame.pixel_format), frame.width, frame.height,
                             frame.offset_x, frame.offset_y, frame.pixel_format, frame.size)
            return convert(ffi.buffer(frame.data, frame.size), info), info
        finally:
            lib.tc_release_frame(self._cam, frame)

    def grab(self, timeout=1.0):
        """The next frame as (image, FrameInfo): image a (Height, Width) numpy
        array, uint8 for BayerGR8, uint16 for the 10- and 12-bit formats
        (packed ones unpacked; values at the format's own depth). timeout in
        seconds, None for ever. Raises Timeout when none came, Error (TC_EBUSY)
        when acquisition is stopped and no frame is queued."""
        def convert(buf, info):
            fmt = pixels.BY_CODE.get(info.pixel_format_code)
            if fmt is None:
                raise Error(lib.TC_EINVAL, f"pixel format {info.pixel_format} is unknown "
                            "to this module (grab_raw gives the bytes)", "grab")
            return pixels.unpack(fmt, buf, info.width, info.height)
        return self._take(timeout, convert)

    def grab_raw(self, timeout=1.0):
        """The next frame as (payload bytes, FrameInfo), as the camera sends it."""
        return self._take(timeout, lambda buf, info: buf[:])

    # --- lines and clocks -------------------------------------------------
    def drive_line(self, line, level, t_ns=0):
        """Drive input line (0..3 or "Line0".."Line3") to level 0/1 at host
        time t_ns (0: now; see host_time())."""
        self._check(lib.tc_drive_line(self._c(), _line_number(line), int(level), int(t_ns)),
                    f"drive Line{line} {level}" if not isinstance(line, str)
                    else f"drive {line} {level}")

    def line_level(self, line):
        """Electrical level of a line now (0/1, after the inverter)."""
        return self._check(lib.tc_line_level(self._c(), _line_number(line)), "line level")

    def camera_time(self):
        """Camera time now (ns), the frame timestamps' counter."""
        return lib.tc_camera_time(self._c())

    def host_time(self):
        """Host time now (ns), the time base of drive_line's t_ns."""
        return lib.tc_host_time(self._c())

    @property
    def frames_dropped(self):
        """Frames the camera could not deliver, every buffer being held."""
        return lib.tc_frames_dropped(self._c())


def open(serial=None, seed=0, deterministic=False, state_dir=None, frame_buffers=0,
         vendor_name=None, model_name=None):  # noqa: A001 (twincam.open is the name asked for)
    """Open a camera. serial: DeviceSerialNumber (seeds the fixed-pattern
    noise; None: TC000001); seed: temporal noise seed; deterministic: the
    virtual clock (frames as fast as taken, identical per seed and settings);
    state_dir: where user sets persist (None: in memory); frame_buffers:
    frames the camera can hold (0: the library's default)."""
    return Camera(serial=serial, seed=seed, deterministic=deterministic, state_dir=state_dir,
                  frame_buffers=frame_buffers, vendor_name=vendor_name, model_name=model_name)
