"""pytest fixtures over :mod:`tcr.testing`; load them with
``pytest_plugins = ["tcr.pytest_plugin"]`` in a conftest.py.

- ``tcr_emulator``: a fresh :class:`tcr.testing.Emulator` per test (options
  from the ``tcr_emulator_args`` fixture, which a test module may override).
- ``tcr_client``: a :class:`tcr.Client` for it, closed after the test.
"""
from typing import Iterator, Sequence

import pytest

from ._client import Client
from .testing import Emulator


@pytest.fixture()
def tcr_emulator_args() -> Sequence[str]:
    """More tcr-emulator options for ``tcr_emulator``; override to change them."""
    return ("--rate", "0")


@pytest.fixture()
def tcr_emulator(tcr_emulator_args: Sequence[str]) -> Iterator[Emulator]:
    with Emulator(*tcr_emulator_args) as emulator:
        yield emulator


@pytest.fixture()
def tcr_client(tcr_emulator: Emulator) -> Iterator[Client]:
    with tcr_emulator.client() as client:
        yield client
