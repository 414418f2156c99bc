import pytest

from cpep_support import NOW, cpep


@pytest.fixture
def engine():
    """An in-memory engine with a frozen clock and deterministic ids."""
    with cpep.Engine(now=NOW, idSeed="python-tests") as e:
        yield e


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "partners.db")
