"""The Engine handle: options, open failures, lifetime, misuse."""

import datetime
import json
import re
import sqlite3
import uuid

import pytest

from cpep_support import NOW, PARTNERS, cpep, partner_body, writer
from cpep import options as options_module


# -- options -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "key, expected",
    [
        ("id_seed", "idSeed"),
        ("busy_timeout_ms", "busyTimeoutMs"),
        ("heartbeat_timeout_seconds", "heartbeatTimeoutSeconds"),
        ("action_pending_after_seconds", "actionPendingAfterSeconds"),
        ("idSeed", "idSeed"),
        ("busyTimeoutMs", "busyTimeoutMs"),
        ("now", "now"),
        ("durability", "durability"),
    ],
)
def test_option_keys_become_camel_case(key, expected):
    assert options_module.camel_case(key) == expected


def test_options_json():
    assert options_module.options_json({}) is None
    assert options_module.options_json({"now": None}) is None
    sent = json.loads(options_module.options_json(
        {"id_seed": "s", "busyTimeoutMs": 10, "durability": "normal", "now": None}))
    assert sent == {"idSeed": "s", "busyTimeoutMs": 10, "durability": "normal"}
    with pytest.raises(TypeError):
        options_module.options_json({"id_seed": "a", "idSeed": "b"})


def test_now_accepts_an_aware_datetime():
    plus_one = datetime.timezone(datetime.timedelta(hours=1))
    instant = datetime.datetime(2020, 11, 3, 13, 43, 14, tzinfo=plus_one)
    assert json.loads(options_module.options_json({"now": instant})) == {"now": NOW}
    with pytest.raises(ValueError):
        options_module.options_json({"now": datetime.datetime(2020, 11, 3)})
    with cpep.Engine(now=instant) as engine:
        assert engine.create_external_partner(writer(), partner_body())["lastSyncDateTime"] == NOW


@pytest.mark.parametrize(
    "options",
    [
        {"durability": "full"},
        {"durability": "normal"},
        {"now": NOW},
        {"now": "2020-11-03T12:43:14.5Z"},
        {"idSeed": "x"},
        {"id_seed": "x"},
        {"busyTimeoutMs": 0},
        {"busy_timeout_ms": 250},
        {"durability": "normal", "now": NOW, "id_seed": "x", "busy_timeout_ms": 1},
    ],
)
def test_valid_options_open(db_path, options):
    with cpep.Engine(db_path, **options) as engine:
        assert engine.request("POST", PARTNERS, writer(), partner_body()).status == 201


def test_now_freezes_the_clock():
    with cpep.Engine(now="2021-02-03T04:05:06Z") as engine:
        got = [engine.create_external_partner(writer(), partner_body()) for _ in range(3)]
    assert {g["lastSyncDateTime"] for g in got} == {"2021-02-03T04:05:06Z"}


def test_fractional_now_is_kept():
    with cpep.Engine(now="2020-11-03T12:43:14.5Z") as engine:
        got = engine.create_external_partner(writer(), partner_body())
    assert got["lastSyncDateTime"] == "2020-11-03T12:43:14.5Z"


@pytest.mark.parametrize(
    "options, named",
    [
        ({"frobnicate": 1}, "frobnicate"),
        ({"no_such_option": True}, "noSuchOption"),
        ({"durability": "sometimes"}, "durability"),
        ({"durability": 1}, "durability"),
        ({"now": "yesterday"}, "now"),
        ({"now": 5}, "now"),
        ({"idSeed": 5}, "idSeed"),
        ({"busyTimeoutMs": -1}, "busyTimeoutMs"),
        ({"busy_timeout_ms": "10"}, "busyTimeoutMs"),
        ({"busyTimeoutMs": 1.5}, "busyTimeoutMs"),
    ],
)
def test_invalid_options_are_refused_naming_the_key(db_path, options, named):
    with pytest.raises(cpep.OptionsError) as caught:
        cpep.Engine(db_path, **options)
    error = caught.value
    assert error.code == -2
    assert isinstance(error, cpep.InvalidArgument)
    assert isinstance(error, cpep.EngineError)
    assert named in error.message
    # A refused open leaves no lock behind.
    with cpep.Engine(db_path):
        pass


def test_invalid_options_in_memory():
    with pytest.raises(cpep.EngineError) as caught:
        cpep.Engine(bogusOption=True)
    assert caught.value.code == -2
    assert "bogusOption" in caught.value.message


# -- open failures -------------------------------------------------------------------------------

def test_missing_directory_is_an_io_error(tmp_path):
    path = str(tmp_path / "no" / "such" / "dir" / "x.db")
    with pytest.raises(cpep.StorageIOError) as caught:
        cpep.Engine(path)
    assert caught.value.code == -5


def test_foreign_sqlite_database_is_a_schema_error(tmp_path):
    path = str(tmp_path / "foreign.db")
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE something_else (x INTEGER)")
    connection.execute("PRAGMA application_id = 12345")
    connection.execute("PRAGMA user_version = 3")
    connection.commit()
    connection.close()
    with pytest.raises(cpep.SchemaError) as caught:
        cpep.Engine(path)
    assert caught.value.code == -4


def test_newer_cpep_database_is_a_schema_error(db_path):
    with cpep.Engine(db_path):
        pass
    connection = sqlite3.connect(db_path)
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    assert version >= 1
    connection.execute("PRAGMA user_version = %d" % (version + 1000))
    connection.commit()
    connection.close()
    with pytest.raises(cpep.SchemaError) as caught:
        cpep.Engine(db_path)
    assert caught.value.code == -4
    assert caught.value.message


def test_garbage_file_is_refused_cleanly(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not a database\0" * 500)
    with pytest.raises((cpep.SchemaError, cpep.StorageIOError)) as caught:
        cpep.Engine(str(path))
    assert caught.value.message


def test_path_like_and_bytes_paths(tmp_path):
    with cpep.Engine(tmp_path / "p.db") as engine:
        assert engine.path == str(tmp_path / "p.db")
    with cpep.Engine(str(tmp_path / "p.db").encode()):
        pass


# -- lifetime ------------------------------------------------------------------------------------

def test_context_manager_closes():
    with cpep.Engine() as engine:
        assert not engine.closed
    assert engine.closed


def test_close_is_idempotent():
    engine = cpep.Engine()
    engine.close()
    engine.close()
    assert engine.closed
    assert "closed" in repr(engine)


@pytest.mark.parametrize(
    "use",
    [
        lambda e: e.request("POST", PARTNERS, writer(), partner_body()),
        lambda e: e.create_external_partner(writer(), partner_body()),
    ],
    ids=["request", "create_external_partner"],
)
def test_closed_engine_raises(use):
    engine = cpep.Engine()
    engine.close()
    with pytest.raises(cpep.EngineClosedError) as caught:
        use(engine)
    assert "closed" in str(caught.value)
    assert isinstance(caught.value, cpep.EngineError)
    assert isinstance(caught.value, ValueError)


def test_misuse_is_an_invalid_argument(engine):
    with pytest.raises(cpep.InvalidArgument) as caught:
        engine.request(None, PARTNERS, writer(), partner_body())
    assert caught.value.code == -2
    assert caught.value.message
    with pytest.raises(cpep.InvalidArgument):
        engine.request("POST", None, writer(), partner_body())
    # The engine is still fine afterwards.
    assert engine.request("POST", PARTNERS, writer(), partner_body()).status == 201


def test_unserialisable_body_is_a_type_error(engine):
    with pytest.raises(TypeError):
        engine.request("POST", PARTNERS, writer(), {"x": object()})


# -- the package ---------------------------------------------------------------------------------

def test_versions():
    assert cpep.ABI_VERSION == 1
    assert re.match(r"^\d+\.\d+\.\d+", cpep.__version__)
    assert cpep.__version__ == cpep.library_version()
    assert cpep._ffi.library().cpep_abi_version() == cpep.ABI_VERSION


def test_exception_hierarchy():
    for cls in (cpep.LockedError, cpep.SchemaError, cpep.StorageIOError, cpep.InvalidArgument,
                cpep.OptionsError, cpep.EngineClosedError):
        assert issubclass(cls, cpep.EngineError)
    assert issubclass(cpep.EngineError, cpep.Error)
    assert issubclass(cpep.GraphError, cpep.Error)
    assert not issubclass(cpep.GraphError, cpep.EngineError)
    assert (cpep.LockedError("m").code, cpep.SchemaError("m").code,
            cpep.StorageIOError("m").code, cpep.InvalidArgument("m").code,
            cpep.EngineError("m").code) == (-3, -4, -5, -2, -1)


def test_app_caller():
    assert cpep.app_caller("T") == {"tid": "T", "idtyp": "app", "roles": ["CloudPC.ReadWrite.All"]}
    assert cpep.app_caller("T", roles=["a", "b"], appid="x") == {
        "tid": "T", "idtyp": "app", "roles": ["a", "b"], "appid": "x"}


def test_user_caller():
    assert cpep.user_caller("T") == {
        "tid": "T", "idtyp": "user", "scp": "CloudPC.ReadWrite.All", "wids": []}
    assert cpep.user_caller("T", scopes=("a", "b"), wids=[cpep.GLOBAL_ADMINISTRATOR],
                            upn="admin@contoso.com", oid="o") == {
        "tid": "T", "idtyp": "user", "scp": "a b", "wids": [cpep.GLOBAL_ADMINISTRATOR],
        "upn": "admin@contoso.com", "oid": "o"}


def test_response_value_semantics():
    assert cpep.Response(204, None).ok
    assert not cpep.Response(404, {}).ok
    assert cpep.Response(201, {"a": 1}) == cpep.Response(201, {"a": 1}, b'{"a":1}')
    assert cpep.Response(201, {"a": 1}) != cpep.Response(200, {"a": 1})
    assert "201" in repr(cpep.Response(201, {}))


def test_response_body_is_parsed_on_first_read_and_kept(engine):
    response = engine.request("POST", PARTNERS, writer(), {"partnerId": str(uuid.uuid4()),
                                                           "enableConnection": True})
    assert response.status == 201 and response.raw.startswith(b"{")
    first = response.body
    assert first["connectionStatus"] == "available"
    assert response.body is first  # parsed once
    status, body = response
    assert (status, body) == (201, first)
    assert engine.request("DELETE", PARTNERS + "/" + first["id"], writer()).body is None


def test_a_reply_that_is_not_json_raises_engine_error_when_read():
    response = cpep.Response._from_raw(200, b"not json")
    assert response.status == 200 and response.raw == b"not json"
    with pytest.raises(cpep.EngineError, match="not JSON"):
        response.body
    with pytest.raises(cpep.EngineError, match="not JSON"):
        cpep.Response._from_raw(500, b"\xff").raise_for_status()


@pytest.mark.parametrize(
    "call",
    [
        lambda e: e.request("PO\0ST", PARTNERS, writer(), b""),
        lambda e: e.request("POST", PARTNERS + "\0/x", writer(), b""),
        lambda e: e.request("POST", PARTNERS, json.dumps(writer()) + "\0junk", b""),
        lambda e: e.create_external_partner(b'{"tid":"\0"}', b""),
    ],
    ids=["method", "url", "caller str", "caller bytes"],
)
def test_nul_in_a_c_string_argument_is_refused(engine, call):
    # These are C strings: a NUL would silently cut them short on the other side.
    with pytest.raises(ValueError):
        call(engine)


def test_nul_in_the_path_is_refused(tmp_path):
    with pytest.raises(ValueError):
        cpep.Engine(str(tmp_path / "a.db") + "\0.other")


def test_a_caller_dict_with_nul_inside_a_value_is_sent_escaped(engine):
    caller = dict(writer(), upn="a\0b@contoso.com")
    assert engine.request("POST", PARTNERS, caller, partner_body()).status == 201
