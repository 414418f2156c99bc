"""Shared constants and helpers of the Python tests (imported by conftest and the test modules)."""

import datetime
import importlib.util
import json
import os
import pathlib
import re
import sys
import uuid

REPO = pathlib.Path(__file__).resolve().parents[2]
PACKAGE_PARENT = REPO / "bindings" / "python"

# PYTHONPATH normally points at the package (ctest sets it) and wins; without it, the source tree's.
if importlib.util.find_spec("cpep") is None:
    sys.path.insert(0, str(PACKAGE_PARENT))

import cpep  # noqa: E402

NOW = "2020-11-03T12:43:14Z"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT = "0d7c3b2e-5f3a-4c4b-9a59-2f7f8b1a6c01"
PERSONAL_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
PARTNERS = "/deviceManagement/virtualEndpoint/externalPartners"
GRAPH_PREFIX = "https://graph.microsoft.com/beta"
ODATA_TYPE = "#microsoft.graph.cloudPcExternalPartner"
ENTITY_CONTEXT = (
    "https://graph.microsoft.com/beta/$metadata"
    "#deviceManagement/virtualEndpoint/externalPartners/$entity"
)
ENTITY_KEYS = {
    "@odata.context",
    "@odata.type",
    "id",
    "partnerId",
    "enableConnection",
    "lastSyncDateTime",
    "connectionStatus",
    "statusDetails",
    "agentSetting",
}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ONE_MIB = 1024 * 1024


def writer():
    """An application caller of TENANT holding CloudPC.ReadWrite.All."""
    return cpep.app_caller(TENANT)


def partner_body(partner_id=None, enable=True, **extra):
    body = {
        "@odata.type": ODATA_TYPE,
        "partnerId": str(partner_id or uuid.uuid4()),
        "enableConnection": enable,
    }
    body.update(extra)
    return body


def is_uuid(text):
    return isinstance(text, str) and UUID_RE.match(text) is not None


def examples_dir():
    """The project's examples/ first; the shared spec's copy only when the project has none."""
    candidates = [REPO / "examples"]
    for env in ("CPEP_EXAMPLES_DIR",):
        if os.environ.get(env):
            candidates.append(pathlib.Path(os.environ[env]))
    if os.environ.get("CPEP_SHARED_SPEC"):
        candidates.append(pathlib.Path(os.environ["CPEP_SHARED_SPEC"]) / "examples")
    candidates.append(REPO.parent / "shared" / "spec" / "examples")
    for candidate in candidates:
        if (candidate / "create-request.http").is_file():
            return candidate
    raise FileNotFoundError("create-request.http not found in any of %s" % candidates)


def parse_http(data):
    """Splits an HTTP message (CRLF or LF line ends) into (start line, headers, body bytes)."""
    ends = [(i, sep) for sep in (b"\r\n\r\n", b"\n\n") for i in [data.find(sep)] if i >= 0]
    if not ends:
        raise ValueError("no blank line between headers and body")
    index, sep = min(ends)
    head, body = data[:index], data[index + len(sep):]
    lines = head.decode("utf-8").replace("\r\n", "\n").split("\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0].strip(), headers, body


def child_env():
    """Environment for a child Python process that must load the same library and package."""
    env = dict(os.environ)
    env["CPEP_LIBRARY"] = cpep.library_path()
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(cpep.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(
        [package_parent] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def error_fields(body):
    error = body["error"]
    return error["code"], error.get("innerError", {}).get("code"), error["message"]


def dumps(value):
    return json.dumps(value).encode("utf-8")


# -- the rest of the resource (issue 3) ----------------------------------------------------------

HEARTBEAT = "/partnerApi/heartbeat"
AGENT_SETTING = {
    "agentUrl": "https://www.external-partner.com/resources/agents/exampleAgentFile.exe",
    "agentSha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
}
APP_ID = "a8a3d2a0-7c1e-4e55-8b76-0d0f2b1c3e4d"
UPN = "admin@contoso.com"


def reader():
    """An application caller of TENANT holding CloudPC.Read.All."""
    return cpep.app_caller(TENANT, roles=[cpep.READ])


def global_admin(tenant=TENANT, **extra):
    """A delegated Global Administrator of ``tenant`` with CloudPC.ReadWrite.All (configureAgent,
    deployAgent), carrying a upn and an appid for the action reports."""
    extra.setdefault("upn", UPN)
    extra.setdefault("appid", APP_ID)
    return cpep.user_caller(tenant, wids=[cpep.GLOBAL_ADMINISTRATOR], **extra)


def w365_admin(tenant=TENANT, **extra):
    """A delegated Windows 365 Administrator (enough for deployAgent, not for configureAgent)."""
    return cpep.user_caller(tenant, wids=[cpep.WINDOWS_365_ADMINISTRATOR], **extra)


def new_guid():
    return str(uuid.uuid4())


def instant(seconds, base=NOW):
    """``base`` + ``seconds`` as a timezone-aware datetime (an engine ``now`` option)."""
    start = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)
    return start + datetime.timedelta(seconds=seconds)


def iso(seconds, base=NOW):
    """``instant(seconds)`` as the engine writes it (no fractional part for whole seconds)."""
    return instant(seconds, base).strftime("%Y-%m-%dT%H:%M:%SZ")


def create(engine, enable=True, caller=None, partner_id=None):
    """Creates a partner and returns the entity."""
    return engine.create_external_partner(caller or writer(), partner_body(partner_id, enable))
