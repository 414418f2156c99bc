"""The create of cpep written in pure Python (json + sqlite3), the baseline of py_create_bench.py.

``PureCreate(path, durability).create(caller_json, body)`` does what
``POST /deviceManagement/virtualEndpoint/externalPartners`` does in the engine, for the same inputs:

- the caller claims (JSON text): an object with a GUID ``tid``; ``idtyp`` "app" takes the
  permissions from ``roles``, "user" from the space-separated ``scp``; the personal-account tenant
  is refused; ``CloudPC.ReadWrite.All`` (case-insensitive) is required (401/403 otherwise);
- the body (JSON text, at most 1 MiB): an object without duplicate keys, ``@odata.type`` if present
  must be ``#microsoft.graph.cloudPcExternalPartner``, unknown keys and read-only properties are
  refused, ``partnerId`` a GUID (stored lowercase), ``enableConnection`` a boolean (400 otherwise);
- a uuid4 id, the clock read in microseconds, one INSERT committed on its own (autocommit) into a
  table with the engine's columns, CHECKs and indexes (unique ``id``, unique
  ``(tenant_id, partner_id)``, ``(tenant_id, seq)``) in WAL mode with the same ``synchronous``;
  a duplicate partnerId answers 409;
- the 201 body: the same JSON members in the same order as the engine's, made with json.dumps.

It returns ``(status, response_text)``. Errors carry a Graph error body (without the engine's
request-id and date). Nothing here is shared with the engine: it is what a Python host would write
without it.
"""

import json
import re
import sqlite3
import time
import uuid

GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\Z")
PERSONAL_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
READ_WRITE = "cloudpc.readwrite.all"
PARTNER_TYPE = "microsoft.graph.cloudPcExternalPartner"
PROPERTIES = {"id", "partnerId", "enableConnection", "connectionStatus", "lastSyncDateTime",
              "statusDetails", "agentSetting"}
READ_ONLY = {"id", "connectionStatus", "statusDetails", "lastSyncDateTime", "agentSetting"}
MAX_BODY = 1024 * 1024
CONTEXT = ("https://graph.microsoft.com/beta/$metadata#deviceManagement/virtualEndpoint/"
           "externalPartners/$entity")

# The engine's columns of external_partner (migrations 0001 and 0002) and its indexes.
SCHEMA = """
CREATE TABLE IF NOT EXISTS external_partner (
    seq               INTEGER PRIMARY KEY,
    id                TEXT    NOT NULL,
    tenant_id         TEXT    NOT NULL,
    partner_id        TEXT    NOT NULL,
    enable_connection INTEGER NOT NULL CHECK (enable_connection IN (0, 1)),
    created_at        INTEGER NOT NULL,
    enabled_at        INTEGER,
    last_heartbeat_at INTEGER,
    agent_url TEXT,
    agent_sha256 TEXT,
    agent_install_parameters TEXT,
    agent_auto_deployment INTEGER,
    CHECK ((enable_connection = 1) = (enabled_at IS NOT NULL))
);
CREATE UNIQUE INDEX IF NOT EXISTS external_partner_id ON external_partner (id);
CREATE UNIQUE INDEX IF NOT EXISTS external_partner_tenant_partner ON external_partner (tenant_id, partner_id);
CREATE INDEX IF NOT EXISTS external_partner_tenant_seq ON external_partner (tenant_id, seq);
"""

INSERT = ("INSERT INTO external_partner (id, tenant_id, partner_id, enable_connection, created_at, enabled_at)"
          " VALUES (?, ?, ?, ?, ?, ?)")


class _Refused(Exception):
    def __init__(self, status, code, inner, message):
        super().__init__(message)
        self.status, self.code, self.inner, self.message = status, code, inner, message


def _no_duplicates(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Refused(400, "badRequest", "invalidJson", "The request body has a duplicate member name.")
    return obj


def _error(e):
    return e.status, json.dumps({"error": {"code": e.code, "message": e.message, "innerError": {"code": e.inner}}},
                                separators=(",", ":"))


def _instant(micros):
    seconds, fraction = divmod(micros, 1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%06dZ" % fraction


def _caller_tenant(caller_json):
    """The caller's tenant, once its claims allow creating; raises _Refused otherwise."""
    def invalid(message):
        return _Refused(401, "InvalidAuthenticationToken", "tokenInvalid", message)
    try:
        claims = json.loads(caller_json)
    except ValueError:
        raise invalid("Access token validation failure: the caller claims are not a valid JSON object.")
    if not isinstance(claims, dict):
        raise invalid("Access token validation failure: the caller claims are not a valid JSON object.")
    tid = claims.get("tid")
    if not isinstance(tid, str) or not GUID.match(tid):
        raise invalid("Access token validation failure: the 'tid' claim is missing or not a GUID.")
    tenant = tid.lower()
    idtyp = claims.get("idtyp")
    roles = claims.get("roles")
    scp = claims.get("scp")
    if idtyp is None:
        idtyp = "app" if scp is None and roles is not None else "user"
    if idtyp == "app":
        if roles is None:
            roles = []
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise invalid("Access token validation failure: the 'roles' claim is not an array of strings.")
        permissions = [r.lower() for r in roles]
        source = "application permission (roles)"
    elif idtyp == "user":
        if scp is not None and not isinstance(scp, str):
            raise invalid("Access token validation failure: the 'scp' claim is not a string.")
        permissions = (scp or "").lower().split()
        source = "delegated permission (scp)"
    else:
        raise invalid("Access token validation failure: the 'idtyp' claim must be 'app' or 'user'.")
    if tenant == PERSONAL_TENANT:
        raise _Refused(403, "forbidden", "personalAccountNotSupported",
                       "Personal Microsoft accounts are not supported; sign in with a work or school account.")
    if READ_WRITE not in permissions:
        raise _Refused(403, "forbidden", "missingPermission",
                       "The caller lacks the %s 'CloudPC.ReadWrite.All' that this operation requires." % source)
    return tenant


def _create_command(body):
    """(partner_id, enable_connection) of a valid body; raises _Refused otherwise."""
    def bad(inner, message):
        return _Refused(400, "badRequest", inner, message)
    if len(body) > MAX_BODY:
        raise _Refused(413, "requestEntityTooLarge", "requestTooLarge", "The request body exceeds 1 MiB.")
    try:
        data = json.loads(body, object_pairs_hook=_no_duplicates)
    except ValueError:
        raise bad("invalidJson", "The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise bad("invalidJson", "The request body must be a JSON object.")
    if "@odata.type" in data:
        odata_type = data["@odata.type"]
        if not isinstance(odata_type, str) or \
                (odata_type[1:] if odata_type.startswith("#") else odata_type) != PARTNER_TYPE:
            raise bad("invalidODataType", "A type named %r could not be resolved by the model." % (odata_type,))
    for key in data:
        if key != "@odata.type" and key not in PROPERTIES:
            raise bad("unknownProperty",
                      "The property '%s' does not exist on type 'microsoft.graph.cloudPcExternalPartner'." % key)
    for key in data:
        if key in READ_ONLY:
            raise bad("propertyNotUpdateable", "The property '%s' is read-only and cannot be set on create." % key)
    if "partnerId" not in data:
        raise bad("missingProperty", "The property 'partnerId' is required.")
    partner = data["partnerId"]
    if not isinstance(partner, str) or not GUID.match(partner):
        raise bad("invalidProperty", "The property 'partnerId' must be a GUID; got %r." % (partner,))
    if "enableConnection" not in data:
        raise bad("missingProperty", "The property 'enableConnection' is required.")
    enable = data["enableConnection"]
    if not isinstance(enable, bool):
        raise bad("invalidProperty", "The property 'enableConnection' must be a JSON boolean (true or false).")
    return partner.lower(), enable


class PureCreate:
    def __init__(self, path, durability="full"):
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA busy_timeout = 5000")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = %s" % ("FULL" if durability == "full" else "NORMAL"))
        self.db.executescript(SCHEMA)

    def close(self):
        self.db.close()

    def create(self, caller_json, body):
        try:
            tenant = _caller_tenant(caller_json)
            partner, enable = _create_command(body)
        except _Refused as e:
            return _error(e)
        entity_id = str(uuid.uuid4())
        now = time.time_ns() // 1000
        try:
            self.db.execute(INSERT, (entity_id, tenant, partner, 1 if enable else 0, now, now if enable else None))
        except sqlite3.IntegrityError:
            return _error(_Refused(409, "conflict", "partnerAlreadyExists",
                                   "An external partner with partnerId '%s' already exists in this tenant." % partner))
        if enable:
            last_sync, status, details = _instant(now), "available", "The external partner is available"
        else:
            last_sync, status, details = None, "notAvailable", "The external partner connection is disabled"
        return 201, json.dumps({
            "@odata.context": CONTEXT,
            "@odata.type": "#" + PARTNER_TYPE,
            "id": entity_id,
            "partnerId": partner,
            "enableConnection": enable,
            "lastSyncDateTime": last_sync,
            "connectionStatus": status,
            "statusDetails": details,
            "agentSetting": None,
        }, separators=(",", ":"))
