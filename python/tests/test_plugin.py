"""The pytest plugin as a user's suite meets it (an inner pytest run with
-p twincam.pytest_plugin): the fixture yields an open deterministic camera,
the marker sets options and features, and the camera is closed after."""
import os

import twincam
from twincam import _library

pytest_plugins = ["pytester"]

INNER = '''
import pytest
import twincam

seen = []

def first(cam):
    cam.set("Width", 240)
    cam.set("Height", 160)
    cam.start()
    return cam.grab(30.0)[0]

def test_default(twincam_camera):
    seen.append(twincam_camera)
    assert twincam_camera.get("TwinNoiseSeed") == 42
    # deterministic with seed 42: the very frame such a camera gives
    with twincam.open(seed=42, deterministic=True) as same:
        assert (first(twincam_camera) == first(same)).all()

@pytest.mark.twincam(seed=7, serial="TC000009", features={"PixelFormat": "BayerGR12p"})
def test_marker(twincam_camera):
    seen.append(twincam_camera)
    assert twincam_camera.get("TwinNoiseSeed") == 7
    assert twincam_camera.get("DeviceSerialNumber") == "TC000009"
    twincam_camera.start()  # left running: closing must stop it
    img, info = twincam_camera.grab(30.0)
    assert img.dtype.name == "uint16" and info.pixel_format == "BayerGR12p"

def test_opener(twincam_open):
    a, b = twincam_open(), twincam_open(serial="TC000002")
    seen.extend([a, b])
    assert b.get("DeviceSerialNumber") == "TC000002"

def test_all_closed():
    assert len(seen) == 4 and all(cam.closed for cam in seen)
'''


def test_plugin_fixtures(pytester, monkeypatch):
    # the inner run imports the same twincam (the checkout's or the installed one)
    package_parent = os.path.dirname(os.path.dirname(twincam.__file__))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        p for p in (package_parent, os.environ.get("PYTHONPATH")) if p))
    # and the same library (the inner run has another working directory)
    monkeypatch.setenv("TWINCAM_LIBRARY", _library.path)
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess("-p", "twincam.pytest_plugin", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
