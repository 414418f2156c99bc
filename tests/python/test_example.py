"""The documentation's create example, sent through ctypes, answers what the documentation shows."""

import json

import pytest

from cpep_support import (
    ENTITY_CONTEXT,
    ENTITY_KEYS,
    NOW,
    TENANT,
    cpep,
    examples_dir,
    is_uuid,
    parse_http,
    writer,
)


def load_example(name):
    return parse_http((examples_dir() / name).read_bytes())


@pytest.mark.parametrize("newline", [b"\r\n", b"\n"])
def test_parse_http_accepts_crlf_and_lf(newline):
    data = newline.join([b"POST /x HTTP/1.1", b"Content-Type: application/json", b"", b'{"a": 1}'])
    start, headers, body = parse_http(data)
    assert start == "POST /x HTTP/1.1"
    assert headers == {"content-type": "application/json"}
    assert json.loads(body) == {"a": 1}


def send_example(engine, caller):
    start, headers, body = load_example("create-request.http")
    method, url = start.split()[:2]
    assert headers["content-type"].startswith("application/json")
    return engine.request(method, url, caller, body)


def expected_example():
    start, headers, body = load_example("create-response.http")
    return int(start.split()[1]), json.loads(body)


@pytest.mark.parametrize(
    "caller",
    [writer(), cpep.user_caller(TENANT)],
    ids=["application", "delegated"],
)
def test_documented_create_example(caller):
    expected_status, expected = expected_example()
    with cpep.Engine(now=NOW) as engine:
        response = send_example(engine, caller)

    assert response.status == expected_status == 201
    assert response.ok
    got = response.body
    for key, value in expected.items():
        if key == "id":
            continue
        assert key in got, "response lacks %r" % key
        assert got[key] == value, "property %r" % key
    assert is_uuid(got["id"]), got["id"]
    assert got["@odata.context"] == ENTITY_CONTEXT
    assert got["agentSetting"] is None
    assert set(got) == ENTITY_KEYS
    assert json.loads(response.raw) == got


def test_documented_example_through_create_external_partner():
    _, expected = expected_example()
    _, _, body = load_example("create-request.http")
    with cpep.Engine(now=NOW) as engine:
        got = engine.create_external_partner(writer(), body)
    assert {k: v for k, v in got.items() if k in expected and k != "id"} == {
        k: v for k, v in expected.items() if k != "id"
    }
    assert is_uuid(got["id"])


def test_documented_example_without_the_graph_prefix():
    _, _, body = load_example("create-request.http")
    with cpep.Engine(now=NOW) as engine:
        response = engine.request("POST", cpep.PARTNERS_PATH, writer(), body)
    assert response.status == 201
