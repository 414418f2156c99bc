"""cpep: the Microsoft Graph beta externalPartners engine (cloudPcExternalPartner), through ctypes.

    import cpep

    with cpep.Engine("partners.db", durability="normal") as engine:
        partner = engine.create_external_partner(
            cpep.app_caller("72f988bf-86f1-41af-91ab-2d7cd011db47"),
            {"partnerId": "198d7140-80bb-4843-8cc4-811377a49a92", "enableConnection": True},
        )

The shared library is found through ``$CPEP_LIBRARY``, then next to this package, then the
repository's build tree; importing the package loads it and refuses a library of another C ABI
version.
"""

from . import _ffi
from ._ffi import ABI_VERSION, AbiMismatchError, LibraryNotFoundError
from .callers import (
    GLOBAL_ADMINISTRATOR,
    PARTNER,
    PERSONAL_TENANT,
    READ,
    WINDOWS_365_ADMINISTRATOR,
    WRITE,
    app_caller,
    partner_caller,
    user_caller,
)
from .engine import HEARTBEAT_PATH, PARTNERS_PATH, Engine, PageIterator, Response
from .errors import (
    EngineClosedError,
    EngineError,
    Error,
    GraphError,
    InvalidArgument,
    LockedError,
    OptionsError,
    SchemaError,
    StorageIOError,
)


def library_version():
    """The version string of the loaded libcpep (``cpep_version()``)."""
    return _ffi.library().cpep_version().decode("ascii")


def library_path():
    """The file the loaded libcpep came from."""
    return _ffi.library()._name


__version__ = library_version()

__all__ = [
    "ABI_VERSION",
    "AbiMismatchError",
    "Engine",
    "EngineClosedError",
    "EngineError",
    "Error",
    "GLOBAL_ADMINISTRATOR",
    "GraphError",
    "HEARTBEAT_PATH",
    "InvalidArgument",
    "LibraryNotFoundError",
    "LockedError",
    "OptionsError",
    "PARTNER",
    "PageIterator",
    "PARTNERS_PATH",
    "PERSONAL_TENANT",
    "READ",
    "Response",
    "SchemaError",
    "StorageIOError",
    "WINDOWS_365_ADMINISTRATOR",
    "WRITE",
    "app_caller",
    "library_path",
    "library_version",
    "partner_caller",
    "user_caller",
]
