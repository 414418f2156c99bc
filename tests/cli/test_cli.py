#!/usr/bin/env python3
"""Tests of the cpep command line, run as a subprocess.

    test_cli.py --cpep build/bin/cpep --examples examples [unittest arguments]
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

CPEP = None
EXAMPLES = None

TENANT = "5c7a7e3c-8d46-4b49-9a4d-4a1c6e0b2d1f"
PARTNER = "198d7140-80bb-4843-8cc4-811377a49a92"
NOW = "2020-11-03T12:43:14Z"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
COLLECTION = "https://graph.microsoft.com/beta/deviceManagement/virtualEndpoint/externalPartners"
OTHER_TENANT = "0b6f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"
APP = ("--tenant", TENANT, "--as", "app")
USER = ("--tenant", TENANT, "--as", "user")
NO_CONTENT = "HTTP/1.1 204 No Content\n\n"
STATED_APP = "cpep: acting as application caller of tenant %s with %s\n"
STATED_USER = "cpep: acting as delegated (user) caller of tenant %s with %s\n"


def partner_id(n, block=0):
    return "00000000-0000-4000-8%03d-%012d" % (block, n)


def claims(permission, kind="app", tenant=TENANT):
    if kind == "app":
        return json.dumps({"tid": tenant, "idtyp": "app", "roles": [permission]})
    return json.dumps({"tid": tenant, "idtyp": "user", "scp": permission})


def scratch_dir(prefix):
    """A temporary directory, on tmpfs when there is one: a durable write costs an fsync."""
    shm = "/dev/shm"
    where = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    return tempfile.mkdtemp(prefix=prefix, dir=where)


def read_example(name):
    with open(os.path.join(EXAMPLES, name), "rb") as f:
        return f.read()


def split_http(text):
    """(status line, {lower-case header: value}, body text) of a raw HTTP message."""
    head, sep, body = text.replace("\r\n", "\n").partition("\n\n")
    lines = head.split("\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers, body


def create_body(partner=PARTNER, enable=True):
    return json.dumps({"partnerId": partner, "enableConnection": enable})


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="cpep-cli-")
        self.db = os.path.join(self.dir, "cpep.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def cpep(self, *args, stdin=b"", db=True):
        argv = [CPEP] + (["--db", self.db] if db else []) + list(args)
        proc = subprocess.run(argv, input=stdin, capture_output=True, timeout=120)
        # Whatever the input, the CLI exits by itself: no signal, no abort.
        self.assertGreaterEqual(proc.returncode, 0, proc.stderr)
        self.assertLess(proc.returncode, 128, proc.stderr)
        return proc

    def http(self, request, *args):
        return self.cpep("http", "--tenant", TENANT, "--as", "app", "--now", NOW, *args,
                         stdin=request)

    def http_parts(self, proc):
        return split_http(proc.stdout.decode())

    def assert_usage_error(self, proc, *fragments):
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(proc.stdout, b"")
        err = proc.stderr.decode()
        self.assertTrue(err.startswith("cpep: "), err)
        for fragment in fragments:
            self.assertIn(fragment, err)

    def create(self, partner=PARTNER, enable=True, now=NOW, tenant=TENANT):
        proc = self.cpep("create", create_body(partner, enable), "--tenant", tenant, "--as", "app",
                         "--now", now)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout)

    def assert_ok_json(self, proc):
        """Exit 0, pretty JSON on stdout; returns it parsed."""
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(proc.stdout.startswith(b'{\n  "'), proc.stdout[:80])
        return json.loads(proc.stdout)

    def assert_graph_error(self, proc, status_code, inner_code=None):
        """Exit 1 and a Graph error body on stdout; returns error."""
        self.assertEqual(proc.returncode, 1, proc.stderr)
        error = json.loads(proc.stdout)["error"]
        self.assertEqual(error["code"], status_code, error)
        if inner_code is not None:
            self.assertEqual(error["innerError"]["code"], inner_code, error)
        return error

    def assert_matches_documented_response(self, body):
        _, _, documented = split_http(read_example("create-response.http").decode())
        expected = json.loads(documented)
        self.assertRegex(body["id"], UUID_RE)
        for key, value in expected.items():
            if key != "id":
                self.assertEqual(body.get(key), value, key)


class HttpTest(CliTest):
    def test_documented_request_creates_then_conflicts(self):
        request = read_example("create-request.http")
        first = self.http(request)
        self.assertEqual(first.returncode, 0, first.stderr)
        status, headers, body = self.http_parts(first)
        self.assertEqual(status, "HTTP/1.1 201 Created")
        self.assertEqual(headers.get("content-type"), "application/json")
        self.assertTrue(body.startswith('{\n  "'), body)  # pretty, two spaces
        self.assert_matches_documented_response(json.loads(body))
        self.assertIn("acting as application caller of tenant " + TENANT, first.stderr.decode())

        second = self.http(request)
        self.assertEqual(second.returncode, 1)
        status, headers, body = self.http_parts(second)
        self.assertEqual(status, "HTTP/1.1 409 Conflict")
        self.assertEqual(headers.get("content-type"), "application/json")
        self.assertEqual(json.loads(body)["error"]["code"], "conflict")

    def test_engine_key_order_is_kept(self):
        proc = self.http(read_example("create-request.http"))
        _, _, body = self.http_parts(proc)
        keys = list(json.loads(body).keys())
        documented = list(json.loads(split_http(read_example("create-response.http").decode())[2]))
        self.assertEqual([k for k in keys if k in documented], documented)

    def test_crlf_and_lf_line_ends(self):
        request = read_example("create-request.http").replace(b"\r\n", b"\n")
        for name, variant in (("crlf", request.replace(b"\n", b"\r\n")), ("lf", request)):
            with self.subTest(name):
                self.db = os.path.join(self.dir, name + ".db")
                proc = self.http(variant)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                status, _, body = self.http_parts(proc)
                self.assertEqual(status, "HTTP/1.1 201 Created")
                self.assert_matches_documented_response(json.loads(body))

    def test_version_token_optional_and_relative_url(self):
        for i, line in enumerate([
                "POST " + COLLECTION + " HTTP/1.1",
                "POST /deviceManagement/virtualEndpoint/externalPartners",
                "\r\nPOST   /deviceManagement/virtualEndpoint/externalPartners   HTTP/1.1"]):
            with self.subTest(line):
                partner = "198d7140-80bb-4843-8cc4-81137700000%d" % i
                request = (line + "\nContent-Type: application/json\n\n" + create_body(partner)).encode()
                proc = self.http(request)
                self.assertEqual(self.http_parts(proc)[0], "HTTP/1.1 201 Created", proc.stderr)

    def test_client_request_id_echoed_on_error(self):
        request = read_example("create-request.http").replace(
            b"Content-Type: application/json\r\n",
            b"Content-Type: application/json\r\nCLIENT-Request-ID: 7c5e3b1a-0000-4000-8000-000000000001\r\n")
        first = self.http(request)
        status, headers, body = self.http_parts(first)
        self.assertEqual(status, "HTTP/1.1 201 Created")
        self.assertEqual(headers.get("client-request-id"), "7c5e3b1a-0000-4000-8000-000000000001")
        self.assertNotIn("client-request-id", body)

        second = self.http(request)
        status, headers, body = self.http_parts(second)
        self.assertEqual(status, "HTTP/1.1 409 Conflict")
        error = json.loads(body)["error"]
        self.assertEqual(error["innerError"]["client-request-id"], "7c5e3b1a-0000-4000-8000-000000000001")
        self.assertIn("request-id", error["innerError"])

    def test_authorization_header_is_ignored(self):
        request = ("POST " + COLLECTION + "\nAuthorization: Bearer eyJ0eXAiOi.junk.sig\n"
                   "Content-Type: application/json\n\n" + create_body()).encode()
        self.assertEqual(self.http_parts(self.http(request))[0], "HTTP/1.1 201 Created")
        no_caller = self.cpep("http", stdin=request)
        self.assert_usage_error(no_caller, "no caller", "Authorization")

    def test_content_length_bounds_the_body(self):
        body = create_body().encode()
        request = (b"POST " + COLLECTION.encode() + b"\ncontent-length: " + str(len(body)).encode() +
                   b"\n\n" + body + b"\ngarbage that is not JSON")
        proc = self.http(request)
        self.assertEqual(self.http_parts(proc)[0], "HTTP/1.1 201 Created", proc.stderr)

    def test_content_length_beyond_the_input_is_malformed(self):
        request = b"POST " + COLLECTION.encode() + b"\nContent-Length: 500\n\n{}"
        self.assert_usage_error(self.http(request), "Content-Length")

    def test_unknown_path_and_wrong_method(self):
        proc = self.http(b"GET https://graph.microsoft.com/beta/nothing/here\n\n")
        self.assertEqual(proc.returncode, 1)
        status, headers, body = self.http_parts(proc)
        self.assertEqual(status, "HTTP/1.1 404 Not Found")
        self.assertEqual(json.loads(body)["error"]["code"], "notFound")

        proc = self.http(b"PUT " + COLLECTION.encode() + b"\n\n{}")
        self.assertEqual(self.http_parts(proc)[0], "HTTP/1.1 405 Method Not Allowed")

    def test_body_over_one_mebibyte_is_413(self):
        body = b'{"partnerId": "' + b"x" * (1 << 20) + b'"}'
        proc = self.http(b"POST " + COLLECTION.encode() + b"\n\n" + body)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(self.http_parts(proc)[0], "HTTP/1.1 413 Request Entity Too Large")

    def test_input_over_the_read_limit_is_413(self):
        request = b"POST " + COLLECTION.encode() + b"\n\n" + b" " * ((64 << 20) + 4096)
        proc = self.http(request)
        self.assertEqual(self.http_parts(proc)[0], "HTTP/1.1 413 Request Entity Too Large")

    def test_garbage_never_crashes(self):
        rng = random.Random(20201103)
        inputs = [
            b"",
            b"\n\n\n",
            b"\r\n",
            b"POST",
            b"POST " + COLLECTION.encode(),  # no headers, no blank line, no body
            b"POST " + COLLECTION.encode() + b"\nContent-Type: application/json",
            b"POST " + COLLECTION.encode() + b"\n" + create_body().encode(),  # no blank line
            b"POST " + COLLECTION.encode() + b"\n\n{\"partnerId\": ",
            b"POST " + COLLECTION.encode() + b"\n\n" + b"[" * 100000,
            b"POST " + COLLECTION.encode() + b"\n\n\x00\x01\x02",
            b"POST " + COLLECTION.encode() + b"\nContent-Length: -1\n\n{}",
            b"POST " + COLLECTION.encode() + b"\nContent-Length: 99999999999999999999999\n\n{}",
            b"POST " + COLLECTION.encode() + b"\nTransfer-Encoding: chunked\n\n2\r\n{}\r\n0\r\n\r\n",
            b"POST \x00" + COLLECTION.encode() + b"\n\n{}",
            b" POST " + COLLECTION.encode() + b"\n\n{}",
            b"POST " + COLLECTION.encode() + b"\n folded: header\n\n{}",
            b"HTTP/1.1\n\n",
            b"POST HTTP/1.1\n\n",
            b"{\"partnerId\": \"x\"}",
            b"\n" * (2 << 20),
            b"POST /x\nX: " + b"y" * (2 << 20) + b"\n\n",
            b"\xff\xfe\xfd" * 1000,
        ]
        inputs += [bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 2000))) for _ in range(20)]
        for i, data in enumerate(inputs):
            with self.subTest(i=i, head=data[:40]):
                proc = self.http(data)
                if proc.returncode == 2:
                    self.assertEqual(proc.stdout, b"")
                    self.assertTrue(proc.stderr.startswith(b"cpep: "), proc.stderr)
                else:
                    self.assertEqual(proc.returncode, 1, proc.stderr)
                    status = self.http_parts(proc)[0]
                    self.assertRegex(status, r"^HTTP/1\.1 (400|404|405|413) ")

    def test_no_positional_arguments(self):
        self.assert_usage_error(self.cpep("http", "--tenant", TENANT, "--as", "app", "extra"))

    def test_get_list_without_a_body(self):
        for n in range(3):
            self.create(partner_id(n))
        request = ("GET " + COLLECTION + "?$top=2\r\nAccept: application/json\r\n"
                   "client-request-id: 11111111-2222-4333-8444-555555555555\r\n\r\n").encode()
        proc = self.http(request)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        status, headers, body = self.http_parts(proc)
        self.assertEqual(status, "HTTP/1.1 200 OK")
        self.assertEqual(headers.get("content-type"), "application/json")
        self.assertEqual(headers.get("client-request-id"), "11111111-2222-4333-8444-555555555555")
        page = json.loads(body)
        self.assertTrue(page["@odata.context"].endswith("#deviceManagement/virtualEndpoint/externalPartners"))
        self.assertEqual([e["partnerId"] for e in page["value"]], [partner_id(0), partner_id(1)])

        # Raw spaces in the query, as the documentation writes them; no blank line, no headers.
        proc = self.http(("GET /deviceManagement/virtualEndpoint/externalPartners?$filter=partnerId eq '"
                          + partner_id(2) + "'&$select=partnerId&$count=true HTTP/1.1").encode())
        status, _, body = self.http_parts(proc)
        self.assertEqual(status, "HTTP/1.1 200 OK", proc.stdout)
        page = json.loads(body)
        self.assertEqual(page["@odata.count"], 1)
        self.assertEqual(set(page["value"][0]), {"@odata.type", "id", "partnerId"})

    def test_get_list_bad_query_is_400(self):
        proc = self.http(("GET " + COLLECTION + "?$orderby=id\n\n").encode())
        self.assertEqual(proc.returncode, 1)
        status, _, body = self.http_parts(proc)
        self.assertEqual(status, "HTTP/1.1 400 Bad Request")
        self.assertEqual(json.loads(body)["error"]["innerError"]["code"], "invalidQueryOption")

    def test_patch_then_delete(self):
        entity = self.create()
        url = COLLECTION + "/" + entity["id"]
        proc = self.http(("PATCH " + url + " HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"
                          '{"enableConnection": false}').encode())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        status, headers, body = self.http_parts(proc)
        self.assertEqual(status, "HTTP/1.1 200 OK")
        self.assertEqual(headers.get("content-type"), "application/json")
        updated = json.loads(body)
        self.assertEqual((updated["id"], updated["enableConnection"], updated["connectionStatus"]),
                         (entity["id"], False, "notAvailable"))

        proc = self.http(("PATCH " + url + "\n\n" + '{"partnerId": "' + PARTNER + '"}').encode())
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(self.http_parts(proc)[0], "HTTP/1.1 400 Bad Request")

        proc = self.http(("DELETE " + url + " HTTP/1.1\r\n\r\n").encode())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.decode(), NO_CONTENT)

        proc = self.http(("DELETE " + url + "\n").encode())
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(self.http_parts(proc)[0], "HTTP/1.1 404 Not Found")

    def test_204_echoes_client_request_id_and_nothing_else(self):
        entity = self.create()
        proc = self.http(("DELETE " + COLLECTION + "/" + entity["id"] +
                          "\nclient-request-id: abc-123\n\n").encode())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.decode(), "HTTP/1.1 204 No Content\nclient-request-id: abc-123\n\n")

    def test_heartbeat_builds_a_partner_caller(self):
        self.create()
        request = ("POST https://graph.microsoft.com/beta/partnerApi/heartbeat HTTP/1.1\r\n"
                   "Content-Type: application/json\r\n\r\n" + json.dumps({"partnerId": PARTNER})).encode()
        proc = self.cpep("http", *APP, "--now", "2020-11-03T12:50:00Z", stdin=request)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.decode(), NO_CONTENT)
        self.assertEqual(proc.stderr.decode(), STATED_APP % (TENANT, "CloudPC.PartnerReadWrite.All"))

        got = self.assert_ok_json(self.cpep("get", self.create_id_of(PARTNER), *USER, "--now",
                                            "2020-11-03T12:51:00Z"))
        self.assertEqual((got["connectionStatus"], got["lastSyncDateTime"]),
                         ("healthy", "2020-11-03T12:50:00Z"))

        # The same request from a caller holding only CloudPC.ReadWrite.All is refused.
        proc = self.cpep("http", "--caller", claims("CloudPC.ReadWrite.All"), stdin=request)
        self.assertEqual(proc.returncode, 1)
        status, _, body = self.http_parts(proc)
        self.assertEqual(status, "HTTP/1.1 403 Forbidden")
        self.assertEqual(proc.stderr, b"")

    def create_id_of(self, partner):
        proc = self.cpep("list", *USER, "--filter", "partnerId eq '%s'" % partner, "--select", "id")
        return self.assert_ok_json(proc)["value"][0]["id"]


class CreateTest(CliTest):
    def test_happy_path_as_app(self):
        proc = self.cpep("create", create_body(), "--tenant", TENANT, "--as", "app", "--now", NOW)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        body = json.loads(proc.stdout)
        self.assertTrue(proc.stdout.startswith(b'{\n  "'))
        self.assert_matches_documented_response(body)
        self.assertEqual(proc.stderr.decode(),
                         "cpep: acting as application caller of tenant %s with CloudPC.ReadWrite.All\n"
                         % TENANT)

    def test_as_user(self):
        proc = self.cpep("--as", "user", "--tenant", TENANT, "create", create_body(enable=False))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        body = json.loads(proc.stdout)
        self.assertEqual(body["connectionStatus"], "notAvailable")
        self.assertIsNone(body["lastSyncDateTime"])
        self.assertIn("delegated (user) caller of tenant " + TENANT, proc.stderr.decode())

    def test_body_from_file_and_stdin(self):
        path = os.path.join(self.dir, "body.json")
        with open(path, "w") as f:
            f.write(create_body("00000000-0000-4000-8000-000000000001"))
        cases = [
            (["--file", path], b""),
            (["--file=-"], create_body("00000000-0000-4000-8000-000000000002").encode()),
            (["-"], create_body("00000000-0000-4000-8000-000000000003").encode()),
        ]
        for args, stdin in cases:
            with self.subTest(args=args):
                proc = self.cpep("create", "--tenant", TENANT, "--as", "app", *args, stdin=stdin)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertEqual(json.loads(proc.stdout)["enableConnection"], True)

    def test_conflict_exits_1_with_body(self):
        args = ("create", create_body(), "--tenant", TENANT, "--as", "app")
        self.assertEqual(self.cpep(*args).returncode, 0)
        proc = self.cpep(*args)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(json.loads(proc.stdout)["error"]["code"], "conflict")

    def test_caller_without_permission_gets_403(self):
        caller = json.dumps({"tid": TENANT, "idtyp": "app", "roles": ["CloudPC.Read.All"]})
        caller_file = os.path.join(self.dir, "caller.json")
        with open(caller_file, "w") as f:
            f.write(caller)
        for value in (caller, "@" + caller_file):
            with self.subTest(value=value):
                proc = self.cpep("create", create_body(), "--caller", value)
                self.assertEqual(proc.returncode, 1, proc.stderr)
                self.assertEqual(json.loads(proc.stdout)["error"]["code"], "forbidden")
                self.assertEqual(proc.stderr, b"")

    def test_bad_body_is_400(self):
        proc = self.cpep("create", '{"partnerId": "nope", "enableConnection": true}',
                         "--tenant", TENANT, "--as", "app")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(json.loads(proc.stdout)["error"]["code"], "badRequest")

    def test_missing_caller_is_a_clear_error(self):
        self.assert_usage_error(self.cpep("create", create_body()), "no caller", "--caller", "--tenant")

    def test_usage_errors(self):
        cases = [
            ([], "no command"),
            (["frobnicate"], "no command named"),
            (["create", "--bogus", create_body(), "--tenant", TENANT, "--as", "app"], "unknown option '--bogus'"),
            (["create", "-x"], "unknown option '-x'"),
            (["create", "--tenant", TENANT, "--as", "app"], "needs a body"),
            (["create", create_body(), create_body(), "--tenant", TENANT, "--as", "app"], "one body"),
            (["create", create_body(), "--file", "x.json", "--tenant", TENANT, "--as", "app"], "not both"),
            (["create", create_body(), "--tenant", TENANT], "--as"),
            (["create", create_body(), "--as", "app"], "--tenant"),
            (["create", create_body(), "--tenant", TENANT, "--as", "robot"], "'app' or 'user'"),
            (["create", create_body(), "--caller", "{}", "--tenant", TENANT, "--as", "app"], "cannot be combined"),
            (["create", create_body(), "--tenant", TENANT, "--as", "app", "--durability", "eventual"], "--durability"),
            (["create", create_body(), "--tenant", TENANT, "--as", "app", "--options", "[1]"], "--options"),
            (["create", create_body(), "--tenant", TENANT, "--as", "app", "--options", "{" * 5000], "--options"),
            (["create", create_body(), "--tenant", TENANT, "--as", "app", "--now"], "needs a value"),
            (["create", create_body(), "--tenant", TENANT, "--tenant", TENANT, "--as", "app"], "twice"),
            (["create", "--file", os.path.join(self.dir, "missing.json"), "--tenant", TENANT, "--as", "app"], "missing.json"),
            (["create", create_body(), "--caller", "@" + os.path.join(self.dir, "none.json")], "none.json"),
            (["help", "--file", "x"], "does not apply"),
            (["help", "--tenant", TENANT], "does not apply"),
            (["help", "frobnicate"], "no command named"),
            (["--help=yes"], "takes no value"),
        ]
        for args, fragment in cases:
            with self.subTest(args=args):
                self.assert_usage_error(self.cpep(*args), fragment)

    def test_engine_options_are_accepted_everywhere(self):
        proc = self.cpep("help", "--now", NOW)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_unknown_flag_prints_usage(self):
        proc = self.cpep("--frob")
        self.assert_usage_error(proc, "unknown option '--frob'", "Usage: cpep")

    def test_now_and_id_seed_are_engine_options(self):
        ids = []
        for name in ("a.db", "b.db"):
            self.db = os.path.join(self.dir, name)
            proc = self.cpep("create", create_body(), "--tenant", TENANT, "--as", "app",
                             "--id-seed", "seed-1", "--now", "2021-01-02T03:04:05Z",
                             "--durability", "normal")
            self.assertEqual(proc.returncode, 0, proc.stderr)
            body = json.loads(proc.stdout)
            self.assertEqual(body["lastSyncDateTime"], "2021-01-02T03:04:05Z")
            ids.append(body["id"])
        self.assertEqual(ids[0], ids[1])
        self.assertRegex(ids[0], UUID_RE)

    def test_options_json_and_flag_override(self):
        proc = self.cpep("create", create_body(), "--tenant", TENANT, "--as", "app",
                         "--options", '{"now": "2019-01-01T00:00:00Z", "busyTimeoutMs": 100}',
                         "--now", NOW)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["lastSyncDateTime"], NOW)


class ListTest(CliTest):
    def test_empty_collection(self):
        proc = self.cpep("list", *USER)
        body = self.assert_ok_json(proc)
        self.assertEqual(body["value"], [])
        self.assertTrue(body["@odata.context"].endswith("$metadata#deviceManagement/virtualEndpoint/externalPartners"))
        self.assertNotIn("@odata.nextLink", body)
        # One rule for a built caller: CloudPC.ReadWrite.All, which implies the read permission.
        self.assertEqual(proc.stderr.decode(), STATED_USER % (TENANT, "CloudPC.ReadWrite.All"))

    def test_filter_select_top_skip_count(self):
        for n in range(5):
            self.create(partner_id(n), enable=n % 2 == 0)
        self.create(partner_id(0), tenant=OTHER_TENANT)  # another tenant's entity never shows

        body = self.assert_ok_json(self.cpep("list", *APP))
        self.assertEqual([e["partnerId"] for e in body["value"]], [partner_id(n) for n in range(5)])

        body = self.assert_ok_json(self.cpep("list", *USER, "--filter", "enableConnection eq true",
                                             "--select", "partnerId,enableConnection", "--count"))
        self.assertEqual(body["@odata.count"], 3)
        self.assertEqual([e["partnerId"] for e in body["value"]], [partner_id(n) for n in (0, 2, 4)])
        for entity in body["value"]:
            self.assertEqual(set(entity), {"@odata.type", "id", "partnerId", "enableConnection"})
        self.assertTrue(body["@odata.context"].endswith("externalPartners(partnerId,enableConnection)"))

        body = self.assert_ok_json(self.cpep("list", *USER, "--filter",
                                             "partnerId eq '%s' and enableConnection eq false" % partner_id(3).upper()))
        self.assertEqual([e["partnerId"] for e in body["value"]], [partner_id(3)])

        body = self.assert_ok_json(self.cpep("list", *USER, "--top=2", "--skip", "1", "--count"))
        self.assertEqual(body["@odata.count"], 5)
        self.assertEqual([e["partnerId"] for e in body["value"]], [partner_id(1), partner_id(2)])

        body = self.assert_ok_json(self.cpep("list", "--tenant", OTHER_TENANT, "--as", "app", "--count"))
        self.assertEqual(body["@odata.count"], 1)

    def test_option_values_are_percent_encoded(self):
        self.create(partner_id(1))
        self.create(partner_id(2))
        # Sent unencoded, '&' would end $filter and start a $top=1 the engine accepts: encoded,
        # the whole text is the filter, which the engine refuses.
        error = self.assert_graph_error(self.cpep("list", *USER, "--filter", "enableConnection eq true&$top=1"),
                                        "badRequest", "invalidQueryOption")
        self.assertIn("message", error)
        self.assert_graph_error(self.cpep("list", *USER, "--select", "partnerId&$count=true"),
                                "badRequest", "invalidQueryOption")
        # A '+' is a '+', not a space; '%' is a '%', not an escape.
        self.assert_graph_error(self.cpep("list", *USER, "--filter", "enableConnection+eq+true"),
                                "badRequest", "invalidQueryOption")
        self.assert_graph_error(self.cpep("list", *USER, "--filter", "enableConnection%20eq%20true"),
                                "badRequest", "invalidQueryOption")

    def test_malformed_options_are_400(self):
        for args in (["--top", "0"], ["--top", "1000"], ["--top", "two"], ["--skip", "-1"],
                     ["--filter", "connectionStatus eq 'healthy'"], ["--select", "nothing"]):
            with self.subTest(args=args):
                self.assert_graph_error(self.cpep("list", *USER, *args), "badRequest", "invalidQueryOption")

    def test_caller_rules(self):
        self.create()
        read_only = self.cpep("list", "--caller", claims("CloudPC.Read.All", "user"))
        self.assertEqual(len(self.assert_ok_json(read_only)["value"]), 1)
        self.assertEqual(read_only.stderr, b"")
        self.assert_graph_error(self.cpep("list", "--caller", claims("CloudPC.PartnerReadWrite.All")), "forbidden")
        self.assert_graph_error(self.cpep("list", "--caller", "{}"), "InvalidAuthenticationToken")
        self.assert_usage_error(self.cpep("list"), "no caller")


class PagingTest(CliTest):
    """One database of 120 entities (every third disabled) shared by the read-only tests."""
    COUNT = 120

    @classmethod
    def setUpClass(cls):
        cls.shared_dir = scratch_dir("cpep-cli-paging-")
        cls.shared_db = os.path.join(cls.shared_dir, "paging.db")
        for n in range(1, cls.COUNT + 1):
            proc = subprocess.run(
                [CPEP, "--db", cls.shared_db, "--durability", "normal", "create", *APP, "--now", NOW,
                 create_body(partner_id(n), enable=n % 3 != 0)],
                capture_output=True, timeout=60)
            if proc.returncode != 0:
                raise RuntimeError("creating entity %d failed: %r" % (n, proc.stderr))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared_dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.db = self.shared_db

    def partners(self, body):
        return [e["partnerId"] for e in body["value"]]

    def test_one_page_is_100_with_a_next_link(self):
        body = self.assert_ok_json(self.cpep("list", *USER, "--count"))
        self.assertEqual(body["@odata.count"], self.COUNT)
        self.assertEqual(self.partners(body), [partner_id(n) for n in range(1, 101)])
        next_link = body["@odata.nextLink"]
        self.assertTrue(next_link.startswith(COLLECTION + "?"), next_link)

        # The link works through cpep http, sent back exactly as it came.
        proc = self.http(("GET " + next_link + "\n\n").encode())
        status, _, text = self.http_parts(proc)
        self.assertEqual(status, "HTTP/1.1 200 OK", proc.stdout)
        page = json.loads(text)
        self.assertEqual(self.partners(page), [partner_id(n) for n in range(101, self.COUNT + 1)])
        self.assertNotIn("@odata.nextLink", page)

    def test_all_merges_every_page(self):
        proc = self.cpep("list", *USER, "--all", "--count")
        body = self.assert_ok_json(proc)
        self.assertEqual(list(body), ["@odata.context", "@odata.count", "value"])
        self.assertEqual(body["@odata.count"], self.COUNT)
        self.assertEqual(self.partners(body), [partner_id(n) for n in range(1, self.COUNT + 1)])
        self.assertEqual(len({e["id"] for e in body["value"]}), self.COUNT)
        self.assertEqual(proc.stderr.decode(), STATED_USER % (TENANT, "CloudPC.ReadWrite.All"))

        body = self.assert_ok_json(self.cpep("list", *USER, "--all"))
        self.assertEqual(list(body), ["@odata.context", "value"])
        self.assertEqual(len(body["value"]), self.COUNT)

    def test_all_with_top_skip_filter_select(self):
        body = self.assert_ok_json(self.cpep("list", *USER, "--all", "--top", "105", "--skip", "3", "--count"))
        self.assertEqual(body["@odata.count"], self.COUNT)
        self.assertEqual(self.partners(body), [partner_id(n) for n in range(4, 109)])

        body = self.assert_ok_json(self.cpep("list", *USER, "--all", "--filter", "enableConnection eq true",
                                             "--select", "partnerId", "--count"))
        expected = [partner_id(n) for n in range(1, self.COUNT + 1) if n % 3 != 0]
        self.assertEqual(body["@odata.count"], len(expected))
        self.assertEqual(self.partners(body), expected)
        self.assertTrue(body["@odata.context"].endswith("externalPartners(partnerId)"))

        body = self.assert_ok_json(self.cpep("list", *USER, "--all", "--skip", "500"))
        self.assertEqual(body["value"], [])

    def test_all_prints_an_error_as_the_engine_answered_it(self):
        proc = self.cpep("list", *USER, "--all", "--top", "1000")
        self.assert_graph_error(proc, "badRequest", "invalidQueryOption")
        self.assertEqual(proc.stdout.count(b'"error"'), 1)
        self.assert_graph_error(self.cpep("list", "--all", "--caller",
                                          claims("CloudPC.PartnerReadWrite.All")), "forbidden")


class EntityTest(CliTest):
    def test_get(self):
        created = self.create()
        proc = self.cpep("get", created["id"], *USER, "--now", NOW)
        got = self.assert_ok_json(proc)
        self.assertEqual(got, created)
        self.assertEqual(proc.stderr.decode(), STATED_USER % (TENANT, "CloudPC.ReadWrite.All"))

        got = self.assert_ok_json(self.cpep("get", created["id"].upper(), "--select", "partnerId,connectionStatus",
                                            "--caller", claims("CloudPC.Read.All")))
        self.assertEqual(set(got), {"@odata.context", "@odata.type", "id", "partnerId", "connectionStatus"})
        self.assertEqual(got["id"], created["id"])

    def test_get_errors(self):
        created = self.create()
        for missing in ("9a0b1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3", "not-a-guid",
                        created["id"] + "?$select=partnerId",  # percent-encoded: one odd id, not a query
                        created["id"] + "/configureAgent"):
            with self.subTest(id=missing):
                self.assert_graph_error(self.cpep("get", missing, *USER), "notFound", "resourceNotFound")
        self.assert_graph_error(self.cpep("get", created["id"], "--tenant", OTHER_TENANT, "--as", "user"),
                                "notFound")
        self.assert_graph_error(self.cpep("get", created["id"], *USER, "--select", "bogus"),
                                "badRequest", "invalidQueryOption")
        self.assert_graph_error(self.cpep("get", created["id"], "--caller",
                                          claims("CloudPC.Read.All", tenant="9188040d-6c67-4c5b-b112-36a304b66dad")),
                                "forbidden")

    def test_update(self):
        created = self.create()
        proc = self.cpep("update", created["id"], "--disable", *APP, "--now", "2020-11-04T00:00:00Z")
        body = self.assert_ok_json(proc)
        self.assertEqual((body["id"], body["enableConnection"], body["connectionStatus"], body["lastSyncDateTime"]),
                         (created["id"], False, "notAvailable", None))
        self.assertEqual(proc.stderr.decode(), STATED_APP % (TENANT, "CloudPC.ReadWrite.All"))

        body = self.assert_ok_json(self.cpep("update", "--enable", created["id"], *USER, "--now", "2020-11-05T00:00:00Z"))
        self.assertEqual((body["enableConnection"], body["connectionStatus"], body["lastSyncDateTime"]),
                         (True, "available", "2020-11-05T00:00:00Z"))

    def test_update_errors(self):
        created = self.create()
        self.assert_graph_error(self.cpep("update", "9a0b1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3", "--enable", *APP),
                                "notFound")
        self.assert_graph_error(self.cpep("update", created["id"], "--disable", "--caller",
                                          claims("CloudPC.Read.All", "user")), "forbidden")
        got = self.assert_ok_json(self.cpep("get", created["id"], *USER))
        self.assertTrue(got["enableConnection"])  # the refused PATCH changed nothing

    def test_delete(self):
        created = self.create()
        proc = self.cpep("delete", created["id"], *APP)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, b"")
        self.assertEqual(proc.stderr.decode(), STATED_APP % (TENANT, "CloudPC.ReadWrite.All"))
        self.assert_graph_error(self.cpep("get", created["id"], *USER), "notFound")
        self.assert_graph_error(self.cpep("delete", created["id"], *APP), "notFound", "resourceNotFound")
        # The partnerId is free again.
        self.create()

    def test_delete_errors(self):
        created = self.create()
        self.assert_graph_error(self.cpep("delete", created["id"], "--caller", claims("CloudPC.Read.All")),
                                "forbidden")
        self.assert_graph_error(self.cpep("delete", created["id"], "--tenant", OTHER_TENANT, "--as", "app"),
                                "notFound")
        self.assertEqual(self.assert_ok_json(self.cpep("get", created["id"], *USER))["id"], created["id"])

    def test_usage_errors(self):
        some_id = "9a0b1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3"
        cases = [
            (["list", "extra", *USER], "no arguments"),
            (["list", "--enable", *USER], "does not apply"),
            (["list", "--count=true", *USER], "takes no value"),
            (["list", *USER, "--top"], "needs a value"),
            (["list", "--file", "x", *USER], "does not apply"),
            (["get", *USER], "needs the id"),
            (["get", some_id, some_id, *USER], "takes one id"),
            (["get", "", *USER], "empty"),
            (["get", some_id, "--all", *USER], "does not apply"),
            (["get", some_id, "--filter", "x", *USER], "does not apply"),
            (["get", some_id], "no caller"),
            (["update", some_id, *APP], "--enable or --disable"),
            (["update", some_id, "--enable", "--disable", *APP], "not both"),
            (["update", "--enable", *APP], "needs the id"),
            (["update", some_id, "--enable", "--select", "id", *APP], "does not apply"),
            (["delete", *APP], "needs the id"),
            (["delete", some_id, "--enable", *APP], "does not apply"),
            (["heartbeat", *APP], "needs the partnerId"),
            (["heartbeat", PARTNER, PARTNER, *APP], "takes one partnerId"),
            (["heartbeat", PARTNER, "--tenant", TENANT], "--as"),
            (["create", create_body(), "--enable", *APP], "does not apply"),
            (["http", "--top", "1", *APP], "does not apply"),
        ]
        for args, fragment in cases:
            with self.subTest(args=args):
                self.assert_usage_error(self.cpep(*args), fragment)


class HeartbeatTest(CliTest):
    def test_heartbeat_makes_the_connection_healthy(self):
        created = self.create()
        proc = self.cpep("heartbeat", PARTNER.upper(), *APP, "--now", "2020-11-03T13:00:00Z")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, b"")
        self.assertEqual(proc.stderr.decode(), STATED_APP % (TENANT, "CloudPC.PartnerReadWrite.All"))

        got = self.assert_ok_json(self.cpep("get", created["id"], *USER, "--now", "2020-11-03T13:05:00Z"))
        self.assertEqual((got["connectionStatus"], got["lastSyncDateTime"], got["statusDetails"]),
                         ("healthy", "2020-11-03T13:00:00Z", "The external partner is healthy"))
        got = self.assert_ok_json(self.cpep("get", created["id"], *USER, "--now", "2020-11-03T13:15:01Z"))
        self.assertEqual(got["connectionStatus"], "unhealthy")

        # --caller is passed as is: a partner application with the right role.
        proc = self.cpep("heartbeat", PARTNER, "--caller", claims("CloudPC.PartnerReadWrite.All"))
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr), (0, b"", b""))

    def test_heartbeat_errors(self):
        created = self.create()
        self.assert_graph_error(self.cpep("heartbeat", "9a0b1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3", *APP), "notFound")
        self.assert_graph_error(self.cpep("heartbeat", "not-a-guid", *APP), "badRequest")
        self.assert_graph_error(self.cpep("heartbeat", PARTNER, "--tenant", OTHER_TENANT, "--as", "app"), "notFound")
        # Delegated callers and CloudPC.ReadWrite.All are not the partner.
        proc = self.cpep("heartbeat", PARTNER, *USER)
        self.assert_graph_error(proc, "forbidden")
        self.assertEqual(proc.stderr.decode(), STATED_USER % (TENANT, "CloudPC.PartnerReadWrite.All"))
        self.assert_graph_error(self.cpep("heartbeat", PARTNER, "--caller", claims("CloudPC.ReadWrite.All")),
                                "forbidden")

        self.assert_ok_json(self.cpep("update", created["id"], "--disable", *APP))
        self.assert_graph_error(self.cpep("heartbeat", PARTNER, *APP), "conflict", "connectionDisabled")


class EngineFailureTest(CliTest):
    def test_unknown_engine_option_exits_3(self):
        proc = self.cpep("create", create_body(), "--caller", "{}", "--options", '{"colour": "blue"}')
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertEqual(proc.stdout, b"")
        self.assertIn("colour", proc.stderr.decode())
        self.assertTrue(proc.stderr.decode().startswith("cpep: cannot open"), proc.stderr)

    def test_unopenable_database_exits_3(self):
        self.db = os.path.join(self.dir, "no", "such", "dir", "cpep.db")
        proc = self.cpep("create", create_body(), "--tenant", TENANT, "--as", "app")
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertIn("cpep: cannot open", proc.stderr.decode())

    def test_every_command_exits_3_when_the_engine_cannot_open(self):
        some_id = "9a0b1c2d-3e4f-4a5b-8c6d-7e8f90a1b2c3"
        for args in (["list", "--all"], ["get", some_id], ["update", some_id, "--enable"],
                     ["delete", some_id], ["heartbeat", PARTNER]):
            with self.subTest(args=args):
                proc = self.cpep(*args, *APP, "--options", '{"colour": "blue"}')
                self.assertEqual(proc.returncode, 3, proc.stderr)
                self.assertEqual(proc.stdout, b"")
                self.assertIn("colour", proc.stderr.decode())

    def test_locked_database_exits_3(self):
        import fcntl
        with open(self.db + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            proc = self.cpep("create", create_body(), "--tenant", TENANT, "--as", "app")
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertIn("CPEP_ELOCKED", proc.stderr.decode())


class HelpTest(CliTest):
    def test_version(self):
        proc = self.cpep("--version", db=False)
        self.assertEqual(proc.returncode, 0)
        self.assertRegex(proc.stdout.decode(), r"^\d+\.\d+\.\d+\S*\n$")

    def test_help_forms(self):
        for args in (["--help"], ["help"], ["-h"]):
            with self.subTest(args=args):
                proc = self.cpep(*args, db=False)
                self.assertEqual(proc.returncode, 0)
                out = proc.stdout.decode()
                self.assertIn("Usage: cpep", out)
                self.assertIn("create", out)
                self.assertIn("--db PATH", out)
        for args in (["help", "http"], ["http", "--help"]):
            with self.subTest(args=args):
                out = self.cpep(*args, db=False).stdout.decode()
                self.assertIn("Usage: cpep http", out)
                self.assertIn("Authorization", out)

    def test_every_command_has_help(self):
        general = self.cpep("--help", db=False).stdout.decode()
        self.assertIn("CloudPC.PartnerReadWrite.All", general)  # the caller rule is stated
        self.assertIn("Exit status", general)
        expected = {
            "list": ["--filter EXPR", "--select a,b", "--top N", "--skip N", "--count", "--all"],
            "get": ["--select a,b"],
            "update": ["--enable", "--disable"],
            "delete": [],
            "heartbeat": ["CloudPC.PartnerReadWrite.All"],
            "create": ["--file PATH"],
            "http": ["/partnerApi/heartbeat"],
        }
        for command, fragments in expected.items():
            with self.subTest(command=command):
                self.assertRegex(general, r"\n  %s " % command)
                proc = self.cpep("help", command, db=False)
                self.assertEqual(proc.returncode, 0)
                out = proc.stdout.decode()
                self.assertIn("Usage: cpep " + command, out)
                for fragment in fragments:
                    self.assertIn(fragment, out)
        self.assertNotIn("--filter", self.cpep("help", "get", db=False).stdout.decode())


def main():
    global CPEP, EXAMPLES
    argv = sys.argv[1:]
    rest = []
    while argv:
        arg = argv.pop(0)
        if arg == "--cpep":
            CPEP = os.path.abspath(argv.pop(0))
        elif arg == "--examples":
            EXAMPLES = os.path.abspath(argv.pop(0))
        else:
            rest.append(arg)
    if not CPEP or not EXAMPLES:
        sys.exit("usage: test_cli.py --cpep PATH --examples DIR [unittest args]")
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
