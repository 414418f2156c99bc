"""One writer per database file, in this process and across processes."""

import gc
import os
import signal
import subprocess
import sys

import pytest

from cpep_support import PARTNERS, child_env, cpep, partner_body, writer

CHILD = r"""
import sys, json, cpep
engine = cpep.Engine(sys.argv[1], durability=sys.argv[2])
body = {"partnerId": sys.argv[3], "enableConnection": True}
response = engine.request("POST", cpep.PARTNERS_PATH, cpep.app_caller(sys.argv[4]), body)
print(response.status, flush=True)
sys.stdin.read()
"""


def test_second_engine_on_the_same_file_is_locked(db_path):
    with cpep.Engine(db_path):
        with pytest.raises(cpep.LockedError) as caught:
            cpep.Engine(db_path)
        assert caught.value.code == -3
        assert db_path in caught.value.message
        assert db_path in str(caught.value)
        assert isinstance(caught.value, cpep.EngineError)
    # Closing the first engine released the file.
    with cpep.Engine(db_path) as engine:
        assert engine.request("POST", PARTNERS, writer(), partner_body()).status == 201


def test_lock_follows_the_file_not_the_spelling(db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with cpep.Engine(db_path):
        with pytest.raises(cpep.LockedError):
            cpep.Engine("partners.db")


def test_explicit_close_releases_the_lock(db_path):
    first = cpep.Engine(db_path)
    first.close()
    second = cpep.Engine(db_path)
    second.close()


def test_a_forgotten_engine_releases_its_lock_when_collected(db_path):
    engine = cpep.Engine(db_path)
    del engine
    gc.collect()
    with cpep.Engine(db_path):
        pass


def test_memory_engines_never_lock_each_other():
    with cpep.Engine(":memory:") as a, cpep.Engine(":memory:") as b, cpep.Engine() as c:
        for engine in (a, b, c):
            body = partner_body("11111111-2222-4333-8444-555555555555")
            assert engine.request("POST", PARTNERS, writer(), body).status == 201


def test_different_files_do_not_lock_each_other(tmp_path):
    with cpep.Engine(str(tmp_path / "a.db")), cpep.Engine(str(tmp_path / "b.db")):
        pass


def start_child(db_path, partner, durability="full"):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db_path, durability, partner, writer()["tid"]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(),
    )
    line = child.stdout.readline()
    if not line:
        child.kill()
        _, err = child.communicate(timeout=30)
        raise AssertionError("child failed: %s" % err.decode(errors="replace"))
    return child, int(line)


@pytest.mark.parametrize("durability", ["full", "normal"])
def test_another_process_holds_the_lock_until_killed(db_path, durability):
    body = partner_body()
    child, status = start_child(db_path, body["partnerId"], durability)
    try:
        assert status == 201
        with pytest.raises(cpep.LockedError) as caught:
            cpep.Engine(db_path)
        assert db_path in caught.value.message
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdin.close()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    # The lock died with the process, and the 201 the child saw was committed.
    with cpep.Engine(db_path, durability=durability) as engine:
        response = engine.request("POST", PARTNERS, writer(), body)
        assert response.status == 409, response.body


def test_child_that_closes_normally_releases_the_lock(db_path):
    child, status = start_child(db_path, partner_body()["partnerId"])
    assert status == 201
    child.communicate(input=b"", timeout=60)
    assert child.returncode == 0
    with cpep.Engine(db_path):
        pass


def test_a_child_process_does_not_inherit_the_lock(db_path):
    """A program started while the engine is open (even keeping every inheritable descriptor)
    must not keep the lock alive after the engine closes."""
    engine = cpep.Engine(db_path)
    child = subprocess.Popen(["sleep", "30"], close_fds=False)
    try:
        engine.close()
        with cpep.Engine(db_path):
            pass
    finally:
        child.kill()
        child.wait(timeout=30)
