"""Creates/s through the ctypes package (cpep.Engine) against pure_create.PureCreate (json + sqlite3),
both durability modes, measured in the same run (bench/run.sh starts it).

    CPEP_LIBRARY=.../libcpep.so PYTHONPATH=bindings/python:bench \\
    LD_PRELOAD=.../libcpep_bench_fsync.so /usr/bin/python3 bench/py_create_bench.py \\
        [--rounds R] [--full N] [--normal N] [--block B] [--dir DIR] [--summary FILE]

Each round opens both sides on fresh WAL file databases and alternates blocks of B creates,
rotating the order, so machine noise lands on both; the ratio is the median of the rounds'
engine/pure ratios. The engine side is what a host writes: ``engine.request("POST", path, caller,
body_bytes)`` (which also parses the engine's response into a dict), status checked; the pure
side returns the response text. Both get the same caller bytes and body bytes. Before timing, both
sides answer a set of requests and must agree on statuses and on the 201 body's members.

With LD_PRELOAD of libcpep_bench_fsync.so the fsync+fdatasync calls per create of each side are
reported too.
"""

import argparse
import ctypes
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid

import cpep
import pure_create
from pure_create import PureCreate

TARGET = 1.2  # the issue: the package >= 1.2 x pure Python
WARMUP = 50
PATH = cpep.PARTNERS_PATH
PATH_BYTES = PATH.encode()
CALLER = json.dumps(cpep.app_caller("72f988bf-86f1-41af-91ab-2d7cd011db47"), separators=(",", ":")).encode()


def sync_counter():
    """fsync+fdatasync calls so far, when libcpep_bench_fsync.so is preloaded; else None."""
    try:
        lib = ctypes.CDLL(None)
        count = lib.cpep_bench_fsync_count
    except (OSError, AttributeError):
        return None
    count.restype = ctypes.c_ulonglong
    count.argtypes = []
    return count


BODY_PREFIX = b'{"@odata.type":"#microsoft.graph.cloudPcExternalPartner","partnerId":"'


def body(partner_id, enable=True):
    """The request body the C++ benchmarks send too; the partnerId starts at len(BODY_PREFIX)."""
    return BODY_PREFIX + partner_id.encode() + (b'","enableConnection":true}' if enable
                                                else b'","enableConnection":false}')


def remove_database(path):
    for suffix in ("", "-wal", "-shm", ".lock"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


class EngineSide:
    name = "engine"

    def __init__(self, path, durability):
        self.engine = cpep.Engine(path, durability=durability)

    def create(self, b):
        response = self.engine.request("POST", PATH, CALLER, b)
        if response.status != 201:
            raise SystemExit("engine create answered %d: %r" % (response.status, response.raw))

    def close(self):
        self.engine.close()


class DirectSide:
    """Reference: the same request through the bare ctypes function cpep_request (no package
    wrapper, no json.loads of the reply): what the engine itself costs seen from Python."""
    name = "ctypes-direct"

    def __init__(self, path, durability):
        self.engine = cpep.Engine(path, durability=durability)
        self.function = self.engine._lib.cpep_request
        self.dispose = self.engine._lib.cpep_buf_dispose
        self.handle = self.engine._handle
        self.buf = cpep._ffi.cpep_buf()
        self.ref = ctypes.byref(self.buf)

    def create(self, b):
        status = self.function(self.ref, self.handle, b"POST", PATH_BYTES, CALLER, b, len(b))
        ctypes.string_at(self.buf.ptr, self.buf.size)
        self.dispose(self.ref)
        if status != 201:
            raise SystemExit("ctypes create answered %d" % status)

    def close(self):
        self.engine.close()


class InsertOnlySide:
    """Reference: the pure side's SQLite part alone (uuid4, the clock, the autocommit INSERT on the
    same schema and pragmas), with no JSON: the time neither side can avoid."""
    name = "insert-only"

    def __init__(self, path, durability):
        self.pure = PureCreate(path, durability)
        self.execute = self.pure.db.execute
        self.tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

    def create(self, b):
        now = time.time_ns() // 1000
        partner = b[len(BODY_PREFIX):len(BODY_PREFIX) + 36].decode()
        self.execute(pure_create.INSERT, (str(uuid.uuid4()), self.tenant, partner, 1, now, now))

    def close(self):
        self.pure.close()


class PureSide:
    name = "pure"

    def __init__(self, path, durability):
        self.pure = PureCreate(path, durability)

    def create(self, b):
        status, text = self.pure.create(CALLER, b)
        if status != 201:
            raise SystemExit("pure create answered %d: %s" % (status, text))

    def close(self):
        self.pure.close()


def check_same_answers(directory):
    """Both sides answer the same statuses, and the same 201 members, for a few requests."""
    engine_path, pure_path = os.path.join(directory, "py-check-engine.db"), os.path.join(directory, "py-check-pure.db")
    remove_database(engine_path)
    remove_database(pure_path)
    engine = cpep.Engine(engine_path, durability="normal")
    pure = PureCreate(pure_path, "normal")
    partner = str(uuid.uuid4()).upper()
    reader = json.dumps(cpep.app_caller("72f988bf-86f1-41af-91ab-2d7cd011db47", roles=[cpep.READ])).encode()
    user = json.dumps(cpep.user_caller("72f988bf-86f1-41af-91ab-2d7cd011db47", scopes="openid cloudpc.readwrite.all")).encode()
    cases = [
        (CALLER, body(partner)),
        (CALLER, body(partner)),                                      # 409
        (user, body(str(uuid.uuid4()), enable=False)),
        (reader, body(str(uuid.uuid4()))),                            # 403
        (b"{", body(str(uuid.uuid4()))),                              # 401
        (CALLER, b'{"partnerId":"nope","enableConnection":true}'),    # 400
        (CALLER, b'{"partnerId":"%s","enableConnection":1}' % str(uuid.uuid4()).encode()),
        (CALLER, b'{"partnerId":"%s","enableConnection":true,"x":1}' % str(uuid.uuid4()).encode()),
        (CALLER, b'{"partnerId":"%s","enableConnection":true,"id":"a"}' % str(uuid.uuid4()).encode()),
        (CALLER, b'{"partnerId":"%s","partnerId":"%s","enableConnection":true}' % ((str(uuid.uuid4()).encode(),) * 2)),
        (CALLER, b'{"@odata.type":"#microsoft.graph.other","partnerId":"%s","enableConnection":true}' % str(uuid.uuid4()).encode()),
        (CALLER, b'[1]'),
    ]
    try:
        for caller, b in cases:
            response = engine.request("POST", PATH, caller, b)
            status, text = pure.create(caller, b)
            mine = json.loads(text)
            if response.status != status:
                raise SystemExit("pure and engine disagree on %r: %d vs %d (%s / %s)"
                                 % (b, status, response.status, text, response.raw))
            if status == 201:
                theirs = response.body
                same = list(theirs) == list(mine) and all(
                    theirs[k] == mine[k] for k in theirs if k not in ("id", "lastSyncDateTime"))
                if not same or uuid.UUID(mine["id"]).version != 4:
                    raise SystemExit("pure and engine 201 bodies differ:\n%s\n%s" % (response.raw, text))
            elif mine["error"]["innerError"]["code"] != response.body["error"]["innerError"]["code"]:
                raise SystemExit("pure and engine error codes differ:\n%s\n%s" % (response.raw, text))
    finally:
        engine.close()
        pure.close()
        remove_database(engine_path)
        remove_database(pure_path)
    return len(cases)


SIDES = (EngineSide, PureSide, DirectSide, InsertOnlySide)


def run_mode(mode, n, rounds, block, directory, syncs):
    rates = {cls.name: [] for cls in SIDES}
    ratios = {cls.name: [] for cls in SIDES}  # side / pure, per round
    sync_totals = {cls.name: 0 for cls in SIDES}
    for rnd in range(rounds):
        partner_ids = [str(uuid.uuid4()) for _ in range(WARMUP + n)]
        bodies = [body(p) for p in partner_ids]
        sides = []
        for cls in SIDES:
            path = os.path.join(directory, "py-%s-%s-%d.db" % (mode, cls.name, rnd))
            remove_database(path)
            side = cls(path, mode)
            side.path = path
            side.seconds = 0.0
            side.syncs = 0
            side.next = 0
            for _ in range(WARMUP):
                side.create(bodies[side.next])
                side.next += 1
            sides.append(side)
        turn = rnd
        done = 0
        while done < n:
            count = min(block, n - done)
            for k in range(len(sides)):
                side = sides[(k + turn) % len(sides)]
                create = side.create
                start_syncs = syncs() if syncs else 0
                start = time.perf_counter()
                for i in range(side.next, side.next + count):
                    create(bodies[i])
                side.seconds += time.perf_counter() - start
                side.syncs += (syncs() - start_syncs) if syncs else 0
                side.next += count
            done += count
            turn += 1
        line = []
        for side in sides:
            rates[side.name].append(n / side.seconds)
            sync_totals[side.name] += side.syncs
            line.append("%s %.0f/s" % (side.name, n / side.seconds))
            side.close()
            remove_database(side.path)
        for name in rates:
            ratios[name].append(rates[name][-1] / rates["pure"][-1])
        print("  python %s round %d/%d: %s" % (mode, rnd + 1, rounds, ", ".join(line)), file=sys.stderr, flush=True)
    per_create = {k: (v / (n * rounds) if syncs else None) for k, v in sync_totals.items()}
    return ({k: statistics.median(v) for k, v in rates.items()}, {k: statistics.median(v) for k, v in ratios.items()},
            per_create)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--full", type=int, default=1500)
    parser.add_argument("--normal", type=int, default=5000)
    parser.add_argument("--block", type=int, default=100)
    parser.add_argument("--dir")
    parser.add_argument("--summary")
    args = parser.parse_args()

    directory = args.dir or tempfile.mkdtemp(prefix="cpep-pybench-")
    os.makedirs(directory, exist_ok=True)
    syncs = sync_counter()
    import sqlite3
    checked = check_same_answers(directory)
    print("Python %s (%s), sqlite3 module on SQLite %s; libcpep %s (%s)"
          % (sys.version.split()[0], sys.executable, sqlite3.sqlite_version, cpep.library_version(),
             cpep.library_path()))
    print("a loop of creates: cpep.Engine.request (ctypes) vs bench/pure_create.py (json + sqlite3, same schema,\n"
          "same validation, uuid4, one autocommit INSERT per create, json.dumps reply); both agreed on %d\n"
          "check requests; %d rounds, fresh WAL file databases per round in %s, blocks of %d alternating\n"
          % (checked, args.rounds, directory, args.block))
    print("%-7s %6s %12s %12s %8s %13s  %-15s %14s %14s" % (
        "mode", "N", "pure", "engine", "ratio", "syncs/create", "target", "ctypes-direct", "insert-only"))
    missed = 0
    for mode, n in (("full", args.full), ("normal", args.normal)):
        rate, ratio, per_create = run_mode(mode, n, args.rounds, args.block, directory, syncs)
        ok = ratio["engine"] >= TARGET
        missed += not ok

        def sync_text(name):
            return ("%.3f / %.3f" % (per_create[name], per_create["pure"])) if syncs else "-"

        print("%-7s %6d %10.0f/s %10.0f/s %7.2fx %13s  >= %.2fx %-6s %8.0f/s %.2fx %8.0f/s %.2fx"
              % (mode, n, rate["pure"], rate["engine"], ratio["engine"], sync_text("engine"), TARGET,
                 "ok" if ok else "MISSED", rate["ctypes-direct"], ratio["ctypes-direct"], rate["insert-only"],
                 ratio["insert-only"]), flush=True)
        if args.summary:
            rows = [
                ["Python, %s: cpep.Engine.request creates/s" % mode, "pure Python json+sqlite3 %.0f/s" % rate["pure"],
                 "%.0f/s" % rate["engine"], "%.2fx" % ratio["engine"], ">= %.2fx" % TARGET, "ok" if ok else "MISSED",
                 sync_text("engine")],
                ["  reference, %s: bare ctypes cpep_request, no package" % mode, "pure Python json+sqlite3 %.0f/s" % rate["pure"],
                 "%.0f/s" % rate["ctypes-direct"], "%.2fx" % ratio["ctypes-direct"], "-", "info",
                 sync_text("ctypes-direct")],
                ["  reference, %s: pure side's INSERT alone" % mode, "pure Python json+sqlite3 %.0f/s" % rate["pure"],
                 "%.0f/s" % rate["insert-only"], "%.2fx" % ratio["insert-only"], "-", "info",
                 sync_text("insert-only")],
            ]
            with open(args.summary, "a") as f:
                for row in rows:
                    f.write("\t".join(row) + "\n")
    print("(creates/s: median of the rounds; ratios: median of the rounds' side/pure ratios; syncs/create: "
          "engine / pure;\n ctypes-direct: cpep_request through the bare ctypes function, no "
          "package and no json.loads;\n insert-only: the pure side's uuid4 + clock + INSERT alone, no JSON)")
    if not args.dir:
        shutil.rmtree(directory, ignore_errors=True)
    return 0 if missed == 0 else 3


if __name__ == "__main__":
    sys.exit(main())
