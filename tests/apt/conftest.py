"""APT fixtures: the same region as the pulse tests."""
from tests.pulse.conftest import region  # noqa: F401
