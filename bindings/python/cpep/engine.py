"""``cpep.Engine``: one open database, and the requests served from it."""

import collections
import ctypes
import json
import os
import threading
import urllib.parse
import uuid
from ctypes import byref as _byref, string_at as _string_at

from . import _ffi
from .callers import caller_bytes
from .errors import EngineClosedError, EngineError, GraphError, engine_error
from .options import options_json

PARTNERS_PATH = "/deviceManagement/virtualEndpoint/externalPartners"
HEARTBEAT_PATH = "/partnerApi/heartbeat"


def _quote(value):
    """Percent-encodes one query value or path segment completely (space, quote, comma, ...)."""
    return urllib.parse.quote(str(value), safe="")


def partner_url(partner_id):
    """``PARTNERS_PATH/{id}`` with the id percent-encoded as one path segment."""
    return "%s/%s" % (PARTNERS_PATH, _quote(partner_id))


def _select_value(select):
    """``$select``: a comma list given as one string or as an iterable of property names."""
    names = [select] if isinstance(select, str) else [str(name) for name in select]
    return ",".join(_quote(name) for name in names)


def _integer(value, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, not %r" % (what, value))
    return str(value)


def list_url(filter=None, select=None, top=None, skip=None, count=False):
    """The list URL with its OData query options, every value percent-encoded."""
    query = []
    if filter is not None:
        query.append("$filter=" + _quote(filter))
    if select is not None:
        query.append("$select=" + _select_value(select))
    if top is not None:
        query.append("$top=" + _integer(top, "top"))
    if skip is not None:
        query.append("$skip=" + _integer(skip, "skip"))
    if count:
        query.append("$count=true")
    return PARTNERS_PATH + ("?" + "&".join(query) if query else "")


def _guid_text(value):
    """A ``uuid.UUID`` as its text; anything else as given, for the engine to judge."""
    return str(value) if isinstance(value, uuid.UUID) else value


def _odata_string(value):
    """An OData string literal's content: a quote doubled, then percent-encoded."""
    return _quote(str(value).replace("'", "''"))


_UNPARSED = object()


class Response:
    """An HTTP answer of the engine: ``status``, ``body`` (parsed JSON, ``None`` for 204) and
    ``raw`` (the bytes as the engine wrote them). Unpacks as ``status, body = response``.

    The engine's bytes are parsed on the first read of ``body`` (then kept), so a host that only
    looks at ``status`` or ``raw`` never pays for ``json.loads``. A body that is not JSON, which
    the engine never writes, raises ``EngineError`` there."""

    __slots__ = ("status", "_body", "raw")

    def __init__(self, status, body, raw=None):
        self.status = status
        self._body = body
        self.raw = raw

    @classmethod
    def _from_raw(cls, status, raw):
        """The engine's answer, its body parsed on first read."""
        return cls(status, _UNPARSED if raw else None, raw)

    @property
    def body(self):
        body = self._body
        if body is _UNPARSED:
            raw = self.raw
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError as exc:
                raise EngineError(
                    "the engine answered %d with a body that is not JSON: %r" % (self.status, raw[:200])
                ) from exc
            self._body = body
        return body

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
    cls = type(value)
    data = value if cls is bytes else (value.encode("utf-8") if cls is str else str(value).encode("utf-8"))
    if b"\0" in data:
        raise ValueError("%s must not contain a NUL character: %r" % (what, value))
    return data


class PageIterator:
    """Iterates over the ``value`` items of a Graph collection, following ``@odata.nextLink``.

    Nothing is requested until something is asked for; each further page is requested when the
    items of the previous one are used up. A non-2xx answer on any page raises ``GraphError``.

    - ``count``: ``@odata.count`` of the first page (``None`` unless ``$count=true`` was sent);
      reading it fetches the first page if needed, without consuming any item.
    - ``first_page``: the raw first page (a dict), fetched if needed.
    - ``pages()``: the raw page dicts not yet begun by ``next()``, in order, following nextLinks.
    - ``pages_fetched``: how many requests have been made so far.
    """

    def __init__(self, engine, caller, url):
        self._engine = engine
        self._caller = caller
        self._next_url = url
        self._items = collections.deque()
        self._unread_page = None  # fetched (through count/first_page) but not begun by next()
        self._first_page = None
        self._fetched = 0

    def _fetch(self):
        response = self._engine.request("GET", self._next_url, self._caller).raise_for_status()
        page = response.body
        if not isinstance(page, dict) or not isinstance(page.get("value"), list):
            raise EngineError("a collection page without a 'value' array: %r" % (page,))
        if self._first_page is None:
            self._first_page = page
        self._fetched += 1
        self._next_url = page.get("@odata.nextLink")
        return page

    @property
    def first_page(self):
        if self._first_page is None:
            self._unread_page = self._fetch()
        return self._first_page

    @property
    def count(self):
        return self.first_page.get("@odata.count")

    @property
    def pages_fetched(self):
        return self._fetched

    def pages(self):
        if self._unread_page is not None:
            page, self._unread_page = self._unread_page, None
            yield page
        while self._next_url is not None:
            yield self._fetch()

    def __iter__(self):
        return self

    def __next__(self):
        while not self._items:
            if self._unread_page is not None:
                page, self._unread_page = self._unread_page, None
            elif self._next_url is not None:
                page = self._fetch()
            else:
                raise StopIteration
            self._items.extend(page["value"])
        return self._items.popleft()


class Engine:
    """An engine on the database at ``path`` (``":memory:"`` by default).

    Options are the contract's engine options, camelCase (``idSeed=...``) or snake_case
    (``id_seed=...``); see CONTRACT §7. One engine may be shared by any number of threads;
    ``close()`` waits for calls in flight, and any call after it raises ``EngineClosedError``.
    """

    def __init__(self, path=":memory:", **options):
        self._handle = None
        self._lib = _ffi.library()
        self._lock = threading.Lock()
        self._state = threading.Condition(self._lock)
        self._in_flight = 0
        self._closing = False
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
            self._closing = True
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

    # -- the externalPartners resource (CONTRACT §5); every method raises GraphError on non-2xx --

    def get_external_partner(self, caller, id, select=None):
        """``GET PARTNERS_PATH/{id}[?$select=...]``: the entity as a dict."""
        url = partner_url(id)
        if select is not None:
            url += "?$select=" + _select_value(select)
        return self.request("GET", url, caller).raise_for_status().body

    def list_external_partners(self, caller, filter=None, select=None, top=None, skip=None,
                               count=False):
        """``GET PARTNERS_PATH`` with OData options: a ``PageIterator`` over the entities, in
        creation order, that follows ``@odata.nextLink``. ``filter`` is the raw ``$filter`` text
        (``"enableConnection eq true and partnerId eq '<guid>'"``), ``select`` a comma list or
        an iterable of names; every value is percent-encoded. With ``count=True`` the iterator's
        ``.count`` is ``@odata.count``."""
        url = list_url(filter=filter, select=select, top=top, skip=skip, count=count)
        return PageIterator(self, caller, url)

    def list_external_partners_page(self, caller, filter=None, select=None, top=None, skip=None,
                                    count=False, next_link=None):
        """One raw page of the list (a dict with ``value`` and, when present, ``@odata.count`` and
        ``@odata.nextLink``). With ``next_link`` the other options are ignored and that link is
        requested as it is."""
        url = next_link if next_link is not None else list_url(
            filter=filter, select=select, top=top, skip=skip, count=count)
        return self.request("GET", url, caller).raise_for_status().body

    def update_external_partner(self, caller, id, enable_connection):
        """``PATCH PARTNERS_PATH/{id}`` ``{"enableConnection": ...}``: the updated entity."""
        body = {"enableConnection": enable_connection}
        return self.request("PATCH", partner_url(id), caller, body).raise_for_status().body

    def delete_external_partner(self, caller, id):
        """``DELETE PARTNERS_PATH/{id}`` (204); returns ``None``."""
        self.request("DELETE", partner_url(id), caller).raise_for_status()

    def heartbeat(self, caller, partner_id):
        """``POST /partnerApi/heartbeat`` ``{"partnerId": ...}`` (204), from a partner caller
        (``cpep.partner_caller(tenant)``); returns ``None``."""
        body = {"partnerId": _guid_text(partner_id)}
        self.request("POST", HEARTBEAT_PATH, caller, body).raise_for_status()

    def configure_agent(self, caller, id, agent_setting):
        """``POST PARTNERS_PATH/{id}/configureAgent`` ``{"agentSetting": agent_setting}`` (204);
        returns ``None``."""
        body = {"agentSetting": agent_setting}
        url = partner_url(id) + "/configureAgent"
        self.request("POST", url, caller, body).raise_for_status()

    def deploy_agent(self, caller, id, cloud_pc_ids):
        """``POST PARTNERS_PATH/{id}/deployAgent`` ``{"cloudPcIds": [...]}``: the activityId (a
        str). A single id may be given as a str."""
        ids = [cloud_pc_ids] if isinstance(cloud_pc_ids, (str, uuid.UUID)) else cloud_pc_ids
        ids = [_guid_text(i) for i in ids]
        url = partner_url(id) + "/deployAgent"
        response = self.request("POST", url, caller, {"cloudPcIds": ids}).raise_for_status()
        return response.body["value"]

    def retrieve_deploy_agent_action_results(self, caller, id, activity_id="", cloud_pc_id=""):
        """``GET PARTNERS_PATH/{id}/retrieveDeployAgentActionResults(activityId='…',
        cloudPcId='…')``, both values percent-encoded with a quote doubled ("" matches any):
        every ``cloudPcExternalPartnerActionResult``, as a list gathered across all pages."""
        url = "%s/retrieveDeployAgentActionResults(activityId='%s',cloudPcId='%s')" % (
            partner_url(id), _odata_string(activity_id), _odata_string(cloud_pc_id))
        return list(PageIterator(self, caller, url))

    def retrieve_action_reports(self, caller, id):
        """``GET PARTNERS_PATH/{id}/retrieveActionReports``: every
        ``cloudPcExternalPartnerActionReport`` (a list, all pages)."""
        return list(PageIterator(self, caller, partner_url(id) + "/retrieveActionReports"))

    def batch(self, caller, requests):
        """``POST /$batch`` (Graph JSON batching): ``requests`` is a list of dicts with ``id``,
        ``method``, ``url`` and optionally ``body``, ``headers``, ``dependsOn`` (1 to 20). Returns
        the responses as a dict keyed by request id, each ``{"id", "status", "headers"?, "body"?}``;
        a failed request does not raise (its status says so), a refused batch raises GraphError."""
        response = self.request("POST", "/$batch", caller, {"requests": list(requests)}).raise_for_status()
        return {item["id"]: item for item in response.body["responses"]}

    def _call(self, function, *args):
        # In-flight accounting so close() can wait for calls on other threads: a plain lock here
        # (a Condition's Python-level enter/exit and notify cost microseconds per call); the
        # condition is used only while a close() is waiting.
        buf = _ffi.cpep_buf()  # before the count goes up: nothing may raise between it and the try
        ref = _byref(buf)
        lock = self._lock
        with lock:
            handle = self._handle
            if handle is None:
                raise EngineClosedError("the cpep engine on %r is closed" % (self.path,))
            self._in_flight += 1
        try:
            rc = function(ref, handle, *args)
            if rc < 0:
                raise engine_error(rc, _decode(self._lib.cpep_error_last()))
            raw = _string_at(buf.ptr, buf.size) if buf.ptr else None
        finally:
            if buf.ptr:
                self._lib.cpep_buf_dispose(ref)
            with lock:
                self._in_flight -= 1
                if self._closing and not self._in_flight:
                    self._state.notify_all()
        return Response._from_raw(rc, raw)


def _decode(message):
    if not message:
        return ""
    return message.decode("utf-8", "replace")
