"""One engine shared by many Python threads: ctypes releases the GIL, so they really run at once."""

import sqlite3
import threading
import time
import uuid

from cpep_support import NOW, PARTNERS, TENANT, cpep, partner_body, writer

THREADS = 8
PER_THREAD = 200


def run_threads(count, target):
    """Runs target(index) on ``count`` threads started together; re-raises the first failure."""
    barrier = threading.Barrier(count)
    failures = []

    def body(index):
        try:
            barrier.wait()
            target(index)
        except BaseException as exc:  # noqa: B902 - reported to the main thread
            failures.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
        assert not t.is_alive(), "a thread is stuck in the engine"
    if failures:
        raise failures[0]


def count_rows(db_path):
    connection = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        return connection.execute("SELECT count(*) FROM external_partner").fetchone()[0]
    finally:
        connection.close()


def test_many_threads_create_on_one_engine(db_path):
    partners = [[str(uuid.uuid4()) for _ in range(PER_THREAD)] for _ in range(THREADS)]
    results = [None] * THREADS
    caller = writer()

    with cpep.Engine(db_path, durability="normal", now=NOW) as engine:
        def create_all(index):
            results[index] = [
                engine.request("POST", PARTNERS, caller, partner_body(p)) for p in partners[index]
            ]

        run_threads(THREADS, create_all)

    responses = [r for rs in results for r in rs]
    assert len(responses) == THREADS * PER_THREAD
    assert [r.status for r in responses] == [201] * len(responses)
    ids = [r.body["id"] for r in responses]
    assert len(set(ids)) == len(ids)
    for rs, ps in zip(results, partners):
        assert [r.body["partnerId"] for r in rs] == ps

    # Everything is in the file: after a reopen every partnerId is taken.
    with cpep.Engine(db_path, durability="normal") as engine:
        statuses = {
            engine.request("POST", PARTNERS, caller, partner_body(p, enable=False)).status
            for ps in partners
            for p in ps
        }
    assert statuses == {409}
    assert count_rows(db_path) == THREADS * PER_THREAD


def test_threads_racing_for_the_same_partners(db_path):
    """Each partnerId is created exactly once, however many threads try it at the same moment."""
    partners = [str(uuid.uuid4()) for _ in range(60)]
    outcomes = [[] for _ in range(THREADS)]
    with cpep.Engine(db_path, durability="normal") as engine:
        def attempt(index):
            order = partners[index % len(partners):] + partners[:index % len(partners)]
            for p in order:
                response = engine.request("POST", PARTNERS, writer(), partner_body(p))
                outcomes[index].append((p, response))

        run_threads(THREADS, attempt)

    created = {}
    for p, response in (o for thread in outcomes for o in thread):
        assert response.status in (201, 409), response.body
        if response.status == 201:
            assert p not in created, "partner %s created twice" % p
            created[p] = response.body["id"]
        else:
            assert response.body["error"]["code"] == "conflict"
    assert set(created) == set(partners)
    assert count_rows(db_path) == len(partners)


def test_threads_in_several_tenants(engine):
    tenants = [str(uuid.uuid4()) for _ in range(THREADS)]
    shared = [str(uuid.uuid4()) for _ in range(50)]
    statuses = [[] for _ in range(THREADS)]

    def create(index):
        caller = cpep.app_caller(tenants[index])
        for p in shared:
            statuses[index].append(engine.request("POST", PARTNERS, caller, partner_body(p)).status)

    run_threads(THREADS, create)
    # The same partnerIds in different tenants never collide.
    assert statuses == [[201] * len(shared)] * THREADS


def test_close_while_other_threads_call(db_path):
    """close() waits for calls in flight; later calls raise EngineClosedError, never crash."""
    engine = cpep.Engine(db_path, durability="normal")
    started = threading.Barrier(5)
    ends = []

    def hammer(index):
        started.wait()
        try:
            while True:
                response = engine.request("POST", PARTNERS, writer(), partner_body())
                assert response.status == 201
        except cpep.EngineClosedError as exc:
            ends.append(exc)

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    started.wait()
    time.sleep(0.2)
    engine.close()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive()
    assert len(ends) == 4
    assert all(e.code == -2 for e in ends)
    # The lock went with the engine.
    with cpep.Engine(db_path):
        pass


def test_concurrent_opens_of_one_file_give_one_winner(db_path):
    winners, locked = [], []
    lock = threading.Lock()

    def open_it(index):
        try:
            engine = cpep.Engine(db_path)
        except cpep.LockedError as exc:
            with lock:
                locked.append(exc)
            return
        with lock:
            winners.append(engine)

    run_threads(THREADS, open_it)
    try:
        assert len(winners) == 1
        assert len(locked) == THREADS - 1
    finally:
        for engine in winners:
            engine.close()


def test_misuse_raises_in_every_thread(engine):
    """Negative returns raise InvalidArgument, with the message, on whichever thread made them."""
    messages = [None] * THREADS

    def misuse(index):
        for _ in range(50):
            try:
                engine.request(None if index % 2 else "POST", None if index % 2 == 0 else PARTNERS,
                               cpep.app_caller(TENANT), b"")
            except cpep.InvalidArgument as exc:
                messages[index] = exc
            else:
                raise AssertionError("a NULL method or url was accepted")

    run_threads(THREADS, misuse)
    assert all(m is not None and m.code == -2 and m.message for m in messages)
