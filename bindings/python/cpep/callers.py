"""Builders for caller claim sets, the ``caller_json`` of every request (CONTRACT §2)."""

import json

WRITE = "CloudPC.ReadWrite.All"
READ = "CloudPC.Read.All"
PARTNER = "CloudPC.PartnerReadWrite.All"

GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
WINDOWS_365_ADMINISTRATOR = "11451d60-acb2-45eb-a7d6-43d0f0125c13"
PERSONAL_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


def _names(values):
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values]


def app_caller(tenant_id, roles=(WRITE,), **extra):
    """Claims of an application caller: ``{"tid", "idtyp": "app", "roles": [...], **extra}``."""
    claims = {"tid": str(tenant_id), "idtyp": "app", "roles": _names(roles)}
    claims.update(extra)
    return claims


def user_caller(tenant_id, scopes=(WRITE,), wids=(), **extra):
    """Claims of a delegated caller: ``{"tid", "idtyp": "user", "scp": "a b", "wids": [...]}``."""
    scp = scopes if isinstance(scopes, str) else " ".join(str(s) for s in scopes)
    claims = {"tid": str(tenant_id), "idtyp": "user", "scp": scp, "wids": _names(wids)}
    claims.update(extra)
    return claims


def caller_bytes(caller):
    """``caller_json`` for the C ABI: a mapping is serialised, text encoded, ``None`` is NULL."""
    if caller is None:
        return None
    if isinstance(caller, bytes):
        return caller
    if isinstance(caller, (bytearray, memoryview)):
        return bytes(caller)
    if isinstance(caller, str):
        return caller.encode("utf-8")
    return json.dumps(caller, separators=(",", ":")).encode("utf-8")
