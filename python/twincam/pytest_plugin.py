"""pytest fixtures for tests that need a camera: `pytest -p twincam.pytest_plugin`
(or `pytest_plugins = ["twincam.pytest_plugin"]` in a conftest.py).

twincam_camera   an open camera, deterministic (virtual clock) with noise seed
                 42, closed after the test. Options and feature values come
                 from the `twincam` marker:
                     @pytest.mark.twincam(seed=7, serial="TC000009",
                                          features={"PixelFormat": "BayerGR12"})
                     def test_x(twincam_camera): ...
twincam_open     a function opening cameras like twincam.open (deterministic
                 with seed 42 unless told), every one closed after the test.
"""
import pytest

import twincam

DEFAULTS = {"seed": 42, "deterministic": True}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "twincam(**options, features={}): options of twincam.open and feature "
        "values (set in order) for the twincam_camera fixture")


def _open(options, features):
    cam = twincam.open(**{**DEFAULTS, **options})
    try:
        for name, value in features.items():
            cam.set(name, value)
    except BaseException:
        cam.close()
        raise
    return cam


@pytest.fixture
def twincam_open():
    cams = []

    def opener(features=None, **options):
        cams.append(_open(options, features or {}))
        return cams[-1]

    yield opener
    for cam in cams:
        cam.close()


@pytest.fixture
def twincam_camera(request):
    marker = request.node.get_closest_marker("twincam")
    options = dict(marker.kwargs) if marker else {}
    features = options.pop("features", {})
    cam = _open(options, features)
    yield cam
    cam.close()
