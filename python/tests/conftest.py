# The fixtures under test, also when pytest runs without -p twincam.pytest_plugin.
pytest_plugins = ["twincam.pytest_plugin"]


def pytest_collection_modifyitems(items):
    """The cdef's layout check first: with a struct the header has changed,
    the other tests would corrupt memory (and crash the run) before it ran."""
    items.sort(key=lambda item: item.path.name != "test_layout.py")
