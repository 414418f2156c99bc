"""Builders for caller claim sets, the ``caller_json`` of every request (CONTRACT §2)."""

import json

WRITE = "CloudPC.ReadWrite.All"
READ = "CloudPC.Read.All"
PARTNER = "CloudPC.PartnerReadWrite.All"

# Entra role template ids (the ``wids`` claim) that configureAgent / deployAgent require.
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


def partner_caller(tenant_id, **extra):
    """Claims of the partner's application caller for ``Engine.heartbeat``: an application of
    ``tenant_id`` holding ``CloudPC.PartnerReadWrite.All`` and only it (CONTRACT §2)."""
    return app_caller(tenant_id, roles=(PARTNER,), **extra)


def user_caller(tenant_id, scopes=(WRITE,), wids=(), upn=None, appid=None, **extra):
    """Claims of a delegated caller: ``{"tid", "idtyp": "user", "scp": "a b", "wids": [...]}``,
    plus ``upn`` and ``appid`` when given (they end up in action reports) and any ``extra``
    claim (``oid=...``, ``acct=1`` for a guest). ``wids`` holds Entra role template ids such as
    ``GLOBAL_ADMINISTRATOR`` or ``WINDOWS_365_ADMINISTRATOR``."""
    scp = scopes if isinstance(scopes, str) else " ".join(str(s) for s in scopes)
    claims = {"tid": str(tenant_id), "idtyp": "user", "scp": scp, "wids": _names(wids)}
    if upn is not None:
        claims["upn"] = str(upn)
    if appid is not None:
        claims["appid"] = str(appid)
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
