"""The Camera object over the real library: features, refusals, frames in
every pixel format (checked against each other: the camera keeps the
format's most significant bits of the same 12-bit values), triggers, lines."""
import os
import re

import numpy as np
import pytest

import twincam
from twincam import pixels
from twincam._library import lib

AOI = {"Width": 1200, "Height": 800, "OffsetX": 1400, "OffsetY": 1100}
FORMATS = [f.name for f in pixels.FORMATS]
# Seconds to wait for a frame that must come: the deterministic clock renders
# as fast as the machine can, which on a loaded machine can exceed grab's 1 s.
WAIT = 30.0


def first_frame(twincam_open, fmt, features=AOI, **options):
    cam = twincam_open(features={**features, "PixelFormat": fmt}, **options)
    cam.start()
    return cam.grab(WAIT)


def test_version_is_the_librarys():
    assert re.fullmatch(r"\d+\.\d+\.\d+", twincam.version())
    if "TWINCAM_VERSION" in os.environ:  # meson test: the project's version
        assert twincam.version() == os.environ["TWINCAM_VERSION"]


def test_open_passes_the_options(twincam_open, tmp_path):
    cam = twincam_open(serial="TC000777", seed=5)
    assert cam.get("DeviceSerialNumber") == "TC000777"
    assert cam.get("TwinNoiseSeed") == 5
    assert twincam_open().get("DeviceSerialNumber") == "TC000001"


def test_with_block_closes():
    with twincam.open(deterministic=True) as cam:
        assert cam.get("Width") == 4056
    assert cam.closed
    with pytest.raises(twincam.Error) as e:
        cam.get("Width")
    assert e.value.code == lib.TC_EINVAL
    cam.close()  # twice is fine


def test_features_lists_every_name(twincam_camera):
    names = twincam_camera.features()
    assert len(names) == lib.tc_feature_total() == len(set(names))
    assert {"Width", "PixelFormat", "ExposureTime", "TriggerSoftware", "ReverseX"} <= set(names)


@pytest.mark.parametrize("name, kind", [("Width", int), ("ExposureTime", float),
                                        ("PixelFormat", str), ("ReverseX", bool),
                                        ("DeviceSerialNumber", str)])
def test_get_gives_the_features_type(twincam_camera, name, kind):
    assert type(twincam_camera.get(name)) is kind


def test_set_then_get(twincam_camera):
    cam = twincam_camera
    cam.set("Width", 1200)
    cam.set("ExposureTime", 5000)
    cam.set("ReverseX", True)
    cam["PixelFormat"] = "BayerGR12p"
    assert (cam.get("Width"), cam.get("ExposureTime"), cam.get("ReverseX")) == (1200, 5000.0, True)
    assert cam["PixelFormat"] == "BayerGR12p"
    cam.set("PixelFormat", pixels.BY_NAME["BayerGR10"].code)  # an entry by its value
    assert cam.get("PixelFormat") == "BayerGR10"
    assert cam.describe("Width")["value"] == "1200"
    cam.set("Width", "0x258")  # text, as the CLI's --set takes it
    cam.set("ReverseX", "false")
    cam.set("ExposureTime", "2500.5")
    assert (cam.get("Width"), cam.get("ReverseX"), cam.get("ExposureTime")) == (600, False, 2500.5)


@pytest.mark.parametrize("name, value, code, words", [
    ("Width", 13, "TC_ERANGE", "Width = 13 is outside 24..4056"),
    ("WidthMax", 100, "TC_EACCESS", "read-only"),
    ("PixelFormat", "Mono8", "TC_EINVAL", "no entry 'Mono8'"),
    ("NoSuchFeature", 1, "TC_ENOFEATURE", "NoSuchFeature"),
    ("Width", 100.5, "TC_ETYPE", "Integer"),
    ("Width", "wide", "TC_EINVAL", "takes an integer, not 'wide'"),
    ("DeviceUserID", 5, "TC_ETYPE", "takes text"),
    ("TriggerSoftware", 1, "TC_ETYPE", "execute it"),
])
def test_refused_write_raises_the_cameras_reason(twincam_camera, name, value, code, words):
    before = twincam_camera.get("Width")
    with pytest.raises(twincam.Error) as e:
        twincam_camera.set(name, value)
    assert e.value.code == getattr(lib, code) and e.value.code_name == code
    assert words in e.value.reason and words in str(e.value)
    assert twincam_camera.get("Width") == before


def test_locked_while_acquiring(twincam_camera):
    twincam_camera.start()
    with pytest.raises(twincam.Error, match="cannot change while acquisition runs") as e:
        twincam_camera.set("PixelFormat", "BayerGR12")
    assert e.value.code == lib.TC_EACCESS
    twincam_camera.stop()
    twincam_camera.set("PixelFormat", "BayerGR12")


def test_execute(twincam_camera):
    with pytest.raises(twincam.Error) as e:
        twincam_camera.execute("Width")
    assert e.value.code == lib.TC_ETYPE
    with pytest.raises(twincam.Error) as e:
        twincam_camera.get("TriggerSoftware")
    assert e.value.code == lib.TC_ETYPE
    twincam_camera.execute("AcquisitionStart")
    assert twincam_camera.grab(WAIT)[1].block_id == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_grab_gives_an_image_per_format(twincam_open, fmt):
    img, info = first_frame(twincam_open, fmt)
    f = pixels.BY_NAME[fmt]
    assert img.shape == (800, 1200) and img.dtype == f.dtype
    assert (info.pixel_format, info.width, info.height, info.offset_x, info.offset_y) == \
        (fmt, 1200, 800, 1400, 1100)
    assert info.size == f.row_bytes(1200) * 800 and info.block_id == 1
    assert int(img.max()) < 1 << f.bits and img.std() > 0  # a picture, not a constant


@pytest.mark.parametrize("fmt, container, shift", [
    ("BayerGR12p", "BayerGR12", 0), ("BayerGR12g24IDS", "BayerGR12", 0),
    ("BayerGR10p", "BayerGR10", 0), ("BayerGR10g40IDS", "BayerGR10", 0),
    ("BayerGR10", "BayerGR12", 2), ("BayerGR8", "BayerGR12", 4),
])
def test_formats_carry_the_same_values(twincam_open, fmt, container, shift):
    """The same seed and settings give the same 12-bit values; each format
    keeps its top bits. A packed format unpacked here must equal the
    library's own 16-bit container of the same frame."""
    img, _ = first_frame(twincam_open, fmt)
    reference, _ = first_frame(twincam_open, container)
    assert np.array_equal(img, reference >> shift)


def test_full_frame_12p_unpacked_equals_12(twincam_open):
    img, info = first_frame(twincam_open, "BayerGR12p", features={})
    reference, _ = first_frame(twincam_open, "BayerGR12", features={})
    assert img.shape == (3040, 4056) and info.size == 4056 * 3040 * 3 // 2
    assert np.array_equal(img, reference)


def test_grab_raw_is_the_payload(twincam_open):
    cam = twincam_open(features={**AOI, "PixelFormat": "BayerGR12p"})
    cam.start()
    raw, info = cam.grab_raw(WAIT)
    assert isinstance(raw, bytes) and len(raw) == info.size == 1200 * 800 * 3 // 2
    img, _ = first_frame(twincam_open, "BayerGR12p")
    assert np.array_equal(pixels.unpack("BayerGR12p", raw, 1200, 800), img)


def test_seed_decides_the_noise(twincam_open):
    a, _ = first_frame(twincam_open, "BayerGR12", seed=1)
    b, _ = first_frame(twincam_open, "BayerGR12", seed=1)
    c, _ = first_frame(twincam_open, "BayerGR12", seed=2)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.twincam(features=AOI)
def test_frames_follow_each_other(twincam_camera):
    twincam_camera.start()
    infos = [twincam_camera.grab(WAIT)[1] for _ in range(3)]
    assert [i.block_id for i in infos] == [1, 2, 3]
    assert infos[0].timestamp_ns < infos[1].timestamp_ns < infos[2].timestamp_ns


def test_grab_while_stopped_is_busy(twincam_camera):
    with pytest.raises(twincam.Error, match="not running") as e:
        twincam_camera.grab()
    assert e.value.code == lib.TC_EBUSY


@pytest.mark.twincam(features={**AOI, "TriggerMode": "On", "TriggerSource": "Software"})
def test_software_trigger(twincam_camera):
    cam = twincam_camera
    with pytest.raises(twincam.Error) as e:
        cam.trigger()  # not acquiring
    assert e.value.code == lib.TC_EBUSY
    cam.start()
    with pytest.raises(twincam.Timeout) as e:
        cam.grab(timeout=0.05)  # no trigger, no frame
    assert isinstance(e.value, TimeoutError) and e.value.code == lib.TC_ETIMEOUT
    cam.trigger()
    assert cam.grab(WAIT)[1].block_id == 1


@pytest.mark.twincam(features={**AOI, "TriggerMode": "On", "TriggerSource": "Line0",
                               "TriggerActivation": "RisingEdge"})
def test_line0_edge_triggers(twincam_camera):
    cam = twincam_camera
    cam.start()
    cam.drive_line("Line0", 1)
    assert cam.line_level(0) == 1
    _, info = cam.grab(WAIT)
    assert info.block_id == 1
    cam.drive_line(0, 0)
    with pytest.raises(twincam.Timeout):
        cam.grab(timeout=0.05)  # a falling edge is not a trigger
    with pytest.raises(twincam.Error, match="output") as e:
        cam.drive_line("Line1", 1)
    assert e.value.code == lib.TC_EACCESS
    with pytest.raises(twincam.Error) as e:
        cam.drive_line(7, 1)
    assert e.value.code == lib.TC_EINVAL
    with pytest.raises(ValueError):
        cam.drive_line("Flash", 1)


def test_user_set_persists_in_state_dir(tmp_path):
    with twincam.open(deterministic=True, state_dir=tmp_path) as cam:
        cam.set("Width", 1200)
        cam.set("UserSetSelector", "UserSet1")
        cam.execute("UserSetSave")
    assert any(tmp_path.iterdir())
    with twincam.open(deterministic=True, state_dir=tmp_path) as cam:
        assert cam.get("Width") == 4056
        cam.set("UserSetSelector", "UserSet1")
        cam.execute("UserSetLoad")
        assert cam.get("Width") == 1200


def test_clocks_move_with_frames(twincam_camera):
    cam = twincam_camera
    t0 = cam.camera_time()
    cam.start()
    _, info = cam.grab(WAIT)
    cam.grab(WAIT)
    assert cam.camera_time() > t0 and cam.host_time() >= cam.camera_time()
    assert cam.frames_dropped == 0
