"""Hostile and odd bodies reach the engine with their exact length and never crash it."""

import json
import random
import uuid

import pytest

from cpep_support import PARTNERS, cpep, dumps, partner_body, writer

P = "7d9ef3a6-22d0-4d5a-8f0b-7f0a3c1f6e21"
VALID = b'{"partnerId":"%s","enableConnection":true}' % P.encode()


@pytest.mark.parametrize(
    "body",
    [
        VALID + b"\0",
        VALID + b"\0garbage",
        VALID + b"\0" + VALID,
        b"\0" + VALID,
        VALID[:20] + b"\0" + VALID[20:],
        b'{"partnerId":"%s\0","enableConnection":true}' % P.encode(),
        b"\0",
        b"\0" * 1000,
    ],
    ids=["nul at end", "nul then garbage", "nul then a valid body", "leading nul",
         "nul inside a key", "nul inside a string", "only nul", "many nuls"],
)
def test_nul_bytes_inside_the_length_are_refused(engine, body):
    response = engine.request("POST", PARTNERS, writer(), body)
    assert response.status == 400, response.body
    assert response.body["error"]["code"] == "badRequest"
    # Nothing was created: the valid prefix is still free.
    assert engine.request("POST", PARTNERS, writer(), VALID).status == 201


def test_nul_in_create_external_partner(engine):
    with pytest.raises(cpep.GraphError) as caught:
        engine.create_external_partner(writer(), VALID + b"\0")
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe{}",
        b'{"partnerId":"\xc3","enableConnection":true}',
        b'{"partnerId":"%s","enableConnection":true,"\xed\xa0\x80":1}' % P.encode(),
        b"\xef\xbb\xbf" + b'{"x":1}',
        b"{" * 100000,
        b"[" * 100000 + b"]" * 100000,
        b'{"a":' * 100000 + b"1" + b"}" * 100000,
        b'{"partnerId":"%s","enableConnection":true,"x":%s}' % (P.encode(), b"[" * 65 + b"]" * 65),
        b'{"a":{"b":1,"b":2}}',
        b"null",
        b"true",
        b"0",
        b'"a string"',
        b"{}",
        b" ",
        b"\n\t\r ",
        b"{}{}",
        b'{"partnerId":"%s","enableConnection":true}}' % P.encode(),
        b'{"partnerId":"%s","enableConnection":tru}' % P.encode(),
        b'{"partnerId":"%s","enableConnection":true,}' % P.encode(),
        b"{'partnerId':'%s','enableConnection':true}" % P.encode(),
        b'{"partnerId":"%s-","enableConnection":true}' % P.encode(),
        b'{"partnerId":"%s","enableConnection":1e400}' % P.encode(),
        b'{"partnerId":"%s","enableConnection":[true]}' % P.encode(),
        b'{"partnerId":["%s"],"enableConnection":true}' % P.encode(),
        b'{"partnerId":"\\u0000","enableConnection":true}',
    ],
    ids=lambda b: repr(b[:40]),
)
def test_malformed_bodies_answer_400(engine, body):
    response = engine.request("POST", PARTNERS, writer(), body)
    assert response.status == 400, response.body
    assert response.body["error"]["code"] == "badRequest"


def test_every_truncation_of_a_valid_body_is_refused(engine):
    for end in range(len(VALID)):
        response = engine.request("POST", PARTNERS, writer(), VALID[:end])
        assert response.status == 400, (VALID[:end], response.body)
    assert engine.request("POST", PARTNERS, writer(), VALID).status == 201


def test_random_garbage_never_crashes(engine):
    rng = random.Random(20201103)
    alphabet = b'{}[]":,0123456789-.eEtruefalsn \\/\x00\xff\xc3\x80abcdef'
    statuses = set()
    for _ in range(2000):
        size = rng.randrange(0, 80)
        body = bytes(rng.choice(alphabet) for _ in range(size))
        response = engine.request("POST", PARTNERS, writer(), body)
        statuses.add(response.status)
        assert response.status in (201, 400), (body, response.body)
    assert 400 in statuses


def test_random_mutations_of_a_valid_body(engine):
    rng = random.Random(42)
    for _ in range(1000):
        body = bytearray(dumps(partner_body(uuid.UUID(int=rng.getrandbits(128)))))
        for _ in range(rng.randrange(1, 4)):
            body[rng.randrange(len(body))] = rng.randrange(256)
        response = engine.request("POST", PARTNERS, writer(), bytes(body))
        assert response.status in (201, 400, 409), (bytes(body), response.body)
        assert isinstance(response.body, dict)


def test_unicode_text_body_is_utf8_encoded(engine):
    # A str body goes as UTF-8: the unknown property is named back intact.
    response = engine.request("POST", PARTNERS, writer(), '{"caf\u00e9": 1}')
    assert response.status == 400
    assert "caf\u00e9" in response.body["error"]["message"]


def test_large_and_odd_callers(engine):
    big = writer()
    big["groups"] = [str(uuid.UUID(int=i)) for i in range(200)]  # a token with many groups
    assert engine.request("POST", PARTNERS, big, partner_body()).status == 201
    # A pathological claim set is refused or accepted, but answered.
    huge = dict(writer(), padding="x" * 2000000)
    assert engine.request("POST", PARTNERS, huge, partner_body()).status in (201, 401)
    deep = json.dumps(writer())[:-1] + ', "nested": ' + "[" * 100000 + "]" * 100000 + "}"
    assert engine.request("POST", PARTNERS, deep, partner_body()).status in (201, 401)
    for caller in ("{", "null", "\u00e9", '{"tid": 5}', '{"tid": null}', "{\"tid\": \"\u00e9\"}"):
        assert engine.request("POST", PARTNERS, caller, partner_body()).status == 401, caller
