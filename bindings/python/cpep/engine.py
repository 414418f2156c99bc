"""``cpep.Engine``: one open database, and the requests served from it."""

import ctypes
import json
import os
import threading

from . import _ffi
from .callers import caller_bytes
from .errors import EngineClosedError, EngineError, GraphError, engine_error
from .options import options_json

PARTNERS_PATH = "/deviceManagement/virtualEndpoint/externalPartners"


class Response:
    """An HTTP answer of the engine: ``status``, ``body`` (parsed JSON, ``None`` for 204) and
    ``raw`` (the bytes as the engine wrote them). Unpacks as ``status, body = response``."""

    __slots__ = ("status", "body", "raw")

    def __init__(self, status, body, raw=None):
        self.status = status
        self.body = body
        self.raw = raw

    @property
    def ok(self):
        return 200 <= self.status < 300

    def raise_for_status(self):
        """Returns ``self`` for a 2xx status, raises ``GraphError`` for any other."""
        if not self.ok:
            raise GraphError.from_response(self.status, self.body)
        return self

    def __iter__(self):
        return iter((self.status, self.body))

    def __eq__(self, other):
        if not isinstance(other, Response):
            return NotImplemented
        return (self.status, self.body) == (other.status, other.body)

    __hash__ = None

    def __repr__(self):
        return "Response(status=%r, body=%r)" % (self.status, self.body)


def _body_bytes(body):
    """The request body for the C ABI: bytes go as they are (NULs included), text as UTF-8, any
    other value as its JSON text, ``None`` as no body."""
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def _c_string(value, what):
    """A NUL-terminated argument of the C ABI. ``None`` stays NULL on purpose: the library answers
    it with CPEP_EINVALID (or 401 for a caller), raised or returned as such. An embedded NUL would
    silently cut the string short in C, so it is refused here."""
    if value is None:
        return None
    data = value if isinstance(value, bytes) else str(value).encode("utf-8")
    if b"\0" in data:
        raise ValueError("%s must not contain a NUL character: %r" % (what, value))
    return data


class Engine:
    """An engine on the database at ``path`` (``":memory:"`` by default).

    Options are the contract's engine options, camelCase (``idSeed=...``) or snake_case
    (``id_seed=...``); see CONTRACT §7. One engine may be shared by any number of threads;
    ``close()`` waits for calls in flight, and any call after it raises ``EngineClosedError``.
    """

    def __init__(self, path=":memory:", **options):
        self._handle = None
        self._lib = _ffi.library()
        self._state = threading.Condition(threading.Lock())
        self._in_flight = 0
        self.path = path if path == ":memory:" else os.fspath(path)

        opts = options_json(options)
        handle = _ffi.cpep_engine_p()
        rc = self._lib.cpep_open(
            ctypes.byref(handle),
            _c_string(os.fsencode(self.path), "path"),
            None if opts is None else opts.encode("utf-8"),
        )
        if rc < 0:
            # Read on this thread, before any other cpep call can replace the message.
            message = self._lib.cpep_error_last()
            raise engine_error(rc, _decode(message), opening=True)
        if rc != _ffi.CPEP_OK or not handle:
            raise EngineError("cpep_open returned %d without an engine" % rc)
        self._handle = handle

    # -- lifetime -------------------------------------------------------------------------------

    @property
    def closed(self):
        return self._handle is None

    def close(self):
        """Closes the engine and releases its file lock. Idempotent; waits for calls in flight,
        since ``cpep_close`` must not run concurrently with another call on the engine."""
        state = getattr(self, "_state", None)
        if state is None:
            return
        with state:
            handle, self._handle = self._handle, None
            if handle is None:
                return
            while self._in_flight:
                state.wait()
        self._lib.cpep_close(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __del__(self):
        # Only the safety net: an engine dropped without close() must not keep its lock.
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        return "<cpep.Engine %r%s>" % (self.path, " closed" if self.closed else "")

    # -- requests -------------------------------------------------------------------------------

    def request(self, method, url, caller, body=None):
        """Sends one request to the engine's router and returns its ``Response``, whatever the
        HTTP status. ``url`` is a path (optionally with a query string and the
        ``https://graph.microsoft.com/beta`` prefix). Raises ``EngineError`` only for a negative
        return of the C ABI, i.e. a misuse such as a ``None`` method."""
        data = _body_bytes(body)
        return self._call(
            self._lib.cpep_request,
            _c_string(method, "method"),
            _c_string(url, "url"),
            _c_string(caller_bytes(caller), "caller"),
            data,
            0 if data is None else len(data),
        )

    def create_external_partner(self, caller, body):
        """``POST /deviceManagement/virtualEndpoint/externalPartners``: the created entity as a
        dict, or ``GraphError`` for any non-2xx answer."""
        data = _body_bytes(body)
        response = self._call(
            self._lib.cpep_create_external_partner,
            _c_string(caller_bytes(caller), "caller"),
            data,
            0 if data is None else len(data),
        )
        return response.raise_for_status().body

    def _call(self, function, *args):
        handle = self._enter()
        try:
            rc, raw, error = _ffi.call_with_buf(self._lib, function, handle, *args)
        finally:
            self._leave()
        if rc < 0:
            raise engine_error(rc, _decode(error))
        if not raw:
            return Response(rc, None, raw)
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise EngineError(
                "the engine answered %d with a body that is not JSON: %r" % (rc, raw[:200])
            ) from exc
        return Response(rc, body, raw)

    def _enter(self):
        with self._state:
            if self._handle is None:
                raise EngineClosedError("the cpep engine on %r is closed" % (self.path,))
            self._in_flight += 1
            return self._handle

    def _leave(self):
        with self._state:
            self._in_flight -= 1
            if not self._in_flight:
                self._state.notify_all()


def _decode(message):
    if not message:
        return ""
    return message.decode("utf-8", "replace")
