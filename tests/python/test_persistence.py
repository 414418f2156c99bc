"""What a file-backed engine keeps across close and reopen."""

import uuid

import pytest

from cpep_support import NOW, OTHER_TENANT, PARTNERS, cpep, is_uuid, partner_body, writer


@pytest.mark.parametrize("durability", ["full", "normal"])
def test_created_partner_survives_reopen(db_path, durability):
    body = partner_body()
    with cpep.Engine(db_path, durability=durability, now=NOW) as engine:
        created = engine.create_external_partner(writer(), body)
    with cpep.Engine(db_path, durability=durability) as engine:
        response = engine.request("POST", PARTNERS, writer(), body)
        assert response.status == 409
        assert response.body["error"]["code"] == "conflict"
        # Another tenant is still free to use it.
        assert engine.request("POST", PARTNERS, cpep.app_caller(OTHER_TENANT), body).status == 201
    assert is_uuid(created["id"])


def test_a_refused_create_is_not_persisted(db_path):
    body = partner_body()
    with cpep.Engine(db_path) as engine:
        assert engine.request("POST", PARTNERS, writer(), dict(body, extra=1)).status == 400
    with cpep.Engine(db_path) as engine:
        assert engine.request("POST", PARTNERS, writer(), body).status == 201


def create_ids(engine, count):
    return [engine.create_external_partner(writer(), partner_body())["id"] for _ in range(count)]


def test_same_id_seed_gives_the_same_id_sequence(tmp_path):
    with cpep.Engine(str(tmp_path / "a.db"), idSeed="seed-1") as a:
        first = create_ids(a, 10)
    with cpep.Engine(str(tmp_path / "b.db"), id_seed="seed-1") as b:
        second = create_ids(b, 10)
    assert first == second
    assert len(set(first)) == 10
    assert all(is_uuid(i) and uuid.UUID(i).version == 5 for i in first)


def test_same_id_seed_in_memory_gives_the_same_id_sequence():
    with cpep.Engine(idSeed="seed-1") as a, cpep.Engine(idSeed="seed-1") as b:
        assert create_ids(a, 5) == create_ids(b, 5)


def test_ids_do_not_depend_on_the_request(tmp_path):
    """The n-th id of a seed is the same whatever partner, tenant or status the creates had."""
    with cpep.Engine(str(tmp_path / "a.db"), idSeed="s") as a:
        first = create_ids(a, 3)
    with cpep.Engine(str(tmp_path / "b.db"), idSeed="s") as b:
        second = [
            b.create_external_partner(
                cpep.app_caller(OTHER_TENANT), partner_body(enable=False))["id"]
            for _ in range(3)
        ]
    assert first == second


def test_different_id_seeds_give_different_ids(tmp_path):
    with cpep.Engine(str(tmp_path / "a.db"), idSeed="seed-1") as a:
        first = create_ids(a, 5)
    with cpep.Engine(str(tmp_path / "b.db"), idSeed="seed-2") as b:
        second = create_ids(b, 5)
    assert not set(first) & set(second)


def test_reopening_never_reissues_an_id(db_path, tmp_path):
    seen = []
    for _ in range(4):
        with cpep.Engine(db_path, idSeed="seed-1") as engine:
            seen.extend(create_ids(engine, 5))
    assert len(set(seen)) == len(seen) == 20
    # And the stream continues where it left off: a fresh database replays the same 20 in order.
    with cpep.Engine(str(tmp_path / "fresh.db"), idSeed="seed-1") as engine:
        assert create_ids(engine, 20) == seen


def test_failed_creates_do_not_burn_or_reissue_ids(db_path):
    with cpep.Engine(db_path, idSeed="s") as engine:
        first = create_ids(engine, 2)
        body = partner_body()
        engine.create_external_partner(writer(), body)
        assert engine.request("POST", PARTNERS, writer(), body).status == 409
        later = create_ids(engine, 2)
    assert len(set(first + later)) == 4


def test_reopen_without_options_keeps_working(db_path):
    with cpep.Engine(db_path) as engine:
        create_ids(engine, 3)
    with cpep.Engine(db_path, durability="normal", busy_timeout_ms=100) as engine:
        assert len(create_ids(engine, 3)) == 3
