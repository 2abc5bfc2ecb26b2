"""Engine tests: the providers a test's sessions opened are closed when it ends."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ._helpers import OPEN_PROVIDERS


@pytest.fixture(autouse=True)
async def close_providers() -> AsyncIterator[None]:
    yield
    while OPEN_PROVIDERS:
        await OPEN_PROVIDERS.pop().aclose()
