"""What the tests share: the desk worlds, the server launcher, the CLI harness, browser fixtures.

Imported as ``support.*`` (``pythonpath = ["tests"]`` in pyproject.toml); the fixtures are
loaded for every folder by ``tests/conftest.py`` through ``pytest_plugins``.
"""
