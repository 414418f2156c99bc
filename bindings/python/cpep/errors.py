"""The exceptions of the cpep package.

Two families, kept apart because they mean different things:

- ``EngineError`` and its subclasses: the C ABI returned a negative code (an engine that could not
  be opened, or a misuse of the API). ``.code`` is that negative code and ``.message`` the text of
  ``cpep_error_last()``.
- ``GraphError``: the engine answered a request with a non-2xx HTTP status and a Microsoft Graph
  error body. Only the convenience methods raise it; ``Engine.request`` returns every status.
"""

from . import _ffi


class Error(Exception):
    """Base class of every exception this package raises on purpose."""


class EngineError(Error):
    """A negative return from the C ABI (``CPEP_ERROR`` unless a subclass says otherwise)."""

    default_code = _ffi.CPEP_ERROR

    def __init__(self, message, code=None):
        self.code = self.default_code if code is None else code
        self.message = message
        super().__init__(message)

    def __str__(self):
        return "%s (cpep code %d)" % (self.message, self.code)


class InvalidArgument(EngineError, ValueError):
    """``CPEP_EINVALID``: a NULL argument or an invalid option."""

    default_code = _ffi.CPEP_EINVALID


class OptionsError(InvalidArgument):
    """``CPEP_EINVALID`` from ``cpep_open``: an unknown option or a value of the wrong type."""


class EngineClosedError(InvalidArgument):
    """The engine was used after ``close()``; raised before anything reaches the library."""


class LockedError(EngineError):
    """``CPEP_ELOCKED``: another engine, in this process or another, holds the database file."""

    default_code = _ffi.CPEP_ELOCKED


class SchemaError(EngineError):
    """``CPEP_ESCHEMA``: not a cpep database, or one made by a newer version of cpep."""

    default_code = _ffi.CPEP_ESCHEMA


class StorageIOError(EngineError):
    """``CPEP_EIO``: the database file or its lock file cannot be opened or read."""

    default_code = _ffi.CPEP_EIO


_BY_CODE = {
    _ffi.CPEP_EINVALID: InvalidArgument,
    _ffi.CPEP_ELOCKED: LockedError,
    _ffi.CPEP_ESCHEMA: SchemaError,
    _ffi.CPEP_EIO: StorageIOError,
}


def engine_error(code, message, opening=False):
    """The exception for a negative return ``code``; ``opening`` marks a ``cpep_open`` failure."""
    if opening and code == _ffi.CPEP_EINVALID:
        cls = OptionsError
    else:
        cls = _BY_CODE.get(code, EngineError)
    return cls(message or "cpep call failed", code)


class GraphError(Error):
    """A non-2xx answer from the engine, carrying the fields of the Graph error body."""

    def __init__(self, status, code, inner_code, message, body):
        self.status = status
        self.code = code
        self.inner_code = inner_code
        self.message = message
        self.body = body
        super().__init__(status, code, inner_code, message, body)

    @classmethod
    def from_response(cls, status, body):
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            error = {}
        inner = error.get("innerError")
        if not isinstance(inner, dict):
            inner = {}
        return cls(status, error.get("code"), inner.get("code"), error.get("message"), body)

    @property
    def request_id(self):
        """``innerError.request-id`` of the error body, when there is one."""
        try:
            return self.body["error"]["innerError"]["request-id"]
        except (KeyError, TypeError):
            return None

    def __str__(self):
        inner = " (%s)" % self.inner_code if self.inner_code else ""
        return "%s %s%s: %s" % (self.status, self.code, inner, self.message)
