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
