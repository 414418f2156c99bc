"""The ctypes view of libcpep: where the library is found, and every exported function's prototype.

Everything that touches ctypes directly lives here, so the rest of the package deals in Python
values only. The prototypes are one declarative table (as clang's cindex.py does it): a function
missing from the table cannot be called, and no function is left on ctypes' default ``int``
restype, which would truncate a returned pointer.
"""

import ctypes
import glob
import os
import threading

# The C ABI this package was written against (CPEP_ABI_VERSION in cpep.h).
ABI_VERSION = 1

# Negative return codes of the C ABI (the enum in cpep.h).
CPEP_OK = 0
CPEP_ERROR = -1
CPEP_EINVALID = -2
CPEP_ELOCKED = -3
CPEP_ESCHEMA = -4
CPEP_EIO = -5

LIBRARY_ENV = "CPEP_LIBRARY"


class cpep_buf(ctypes.Structure):
    """``struct cpep_buf { char *ptr; size_t size; }``, owned by the library.

    ``ptr`` is declared ``c_void_p`` rather than ``c_char_p`` so ctypes never copies it up to the
    first NUL on its own: the bytes are read with ``ctypes.string_at(ptr, size)``.
    """

    _fields_ = [("ptr", ctypes.c_void_p), ("size", ctypes.c_size_t)]


class cpep_engine(ctypes.Structure):
    """The opaque ``struct cpep_engine``; only pointers to it are ever handled."""


cpep_engine_p = ctypes.POINTER(cpep_engine)
cpep_buf_p = ctypes.POINTER(cpep_buf)

# (name, argtypes, restype) for every function cpep.h exports.
FUNCTIONS = (
    ("cpep_abi_version", [], ctypes.c_int),
    ("cpep_version", [], ctypes.c_char_p),
    ("cpep_error_last", [], ctypes.c_char_p),
    ("cpep_open", [ctypes.POINTER(cpep_engine_p), ctypes.c_char_p, ctypes.c_char_p], ctypes.c_int),
    ("cpep_close", [cpep_engine_p], None),
    (
        "cpep_create_external_partner",
        [cpep_buf_p, cpep_engine_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t],
        ctypes.c_int,
    ),
    (
        "cpep_request",
        [
            cpep_buf_p,
            cpep_engine_p,
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.c_size_t,
        ],
        ctypes.c_int,
    ),
    ("cpep_buf_dispose", [cpep_buf_p], None),
)


class LibraryNotFoundError(ImportError):
    """No libcpep shared library could be found or loaded."""


class AbiMismatchError(ImportError):
    """The library implements a different C ABI version than this package expects."""


def _package_dir():
    return os.path.dirname(os.path.abspath(__file__))


def _repo_root():
    # bindings/python/cpep/_ffi.py -> the repository root three levels up.
    return os.path.dirname(os.path.dirname(os.path.dirname(_package_dir())))


def _newest_first(paths):
    def mtime(path):
        try:
            return os.stat(path).st_mtime
        except OSError:
            return 0.0

    return sorted(paths, key=mtime, reverse=True)


def candidate_paths(environ=None, package_dir=None, repo_root=None):
    """The places the library is looked for, in order, as (origin, path) pairs.

    1. ``$CPEP_LIBRARY`` when set (and then only it: an explicit choice is never second-guessed);
    2. next to the package: ``cpep/libcpep.so`` then any ``cpep/libcpep.so.*``;
    3. the build tree: ``<repo>/build/lib/libcpep.so``, then ``<repo>/build*/lib/libcpep.so``,
       the most recently built first.
    """
    environ = os.environ if environ is None else environ
    package_dir = _package_dir() if package_dir is None else package_dir
    repo_root = _repo_root() if repo_root is None else repo_root

    explicit = environ.get(LIBRARY_ENV)
    if explicit:
        return [(LIBRARY_ENV, explicit)]

    found = []
    beside = os.path.join(package_dir, "libcpep.so")
    found.append(("package", beside))
    found.extend(("package", p) for p in sorted(glob.glob(beside + ".*"), reverse=True))
    default_build = os.path.join(repo_root, "build", "lib", "libcpep.so")
    found.append(("build tree", default_build))
    others = [
        p
        for p in glob.glob(os.path.join(glob.escape(repo_root), "build*", "lib", "libcpep.so"))
        if os.path.abspath(p) != os.path.abspath(default_build)
    ]
    found.extend(("build tree", p) for p in _newest_first(others))
    return found


def find_library(environ=None, package_dir=None, repo_root=None):
    """The path of the library to load; raises LibraryNotFoundError naming every place tried."""
    candidates = candidate_paths(environ, package_dir, repo_root)
    for origin, path in candidates:
        if os.path.isfile(path):
            return path
        if origin == LIBRARY_ENV:
            raise LibraryNotFoundError(
                "%s=%r does not name an existing file" % (LIBRARY_ENV, path)
            )
    tried = ", ".join(path for _, path in candidates)
    raise LibraryNotFoundError(
        "libcpep.so not found (tried %s); build the 'cpep' target or set %s"
        % (tried, LIBRARY_ENV)
    )


def load_library(path, expected_abi=None):
    """Loads libcpep from ``path``, declares every prototype and checks the ABI version.

    A library of another ABI version is refused: calling it through these prototypes could corrupt
    memory instead of failing cleanly.
    """
    expected = ABI_VERSION if expected_abi is None else expected_abi
    try:
        # CDLL, not PyDLL: the GIL is released during every call, so Python threads really do
        # run inside the engine at the same time.
        lib = ctypes.CDLL(path)
    except OSError as exc:
        raise LibraryNotFoundError("cannot load libcpep from %r: %s" % (path, exc)) from exc

    # The version comes first: a library of another ABI may lack or change any other function,
    # and "wrong version" is the message that helps then.
    try:
        abi_version = lib.cpep_abi_version
    except AttributeError as exc:
        raise LibraryNotFoundError(
            "%r is not a cpep library: it does not export cpep_abi_version" % (path,)
        ) from exc
    abi_version.argtypes, abi_version.restype = [], ctypes.c_int
    actual = abi_version()
    if actual != expected:
        raise AbiMismatchError(
            "%r implements cpep C ABI version %d, but this cpep package requires version %d; "
            "use a matching library or package" % (path, actual, expected)
        )

    for name, argtypes, restype in FUNCTIONS:
        try:
            function = getattr(lib, name)
        except AttributeError as exc:
            raise LibraryNotFoundError(
                "%r is not a complete cpep library: it does not export %s" % (path, name)
            ) from exc
        function.argtypes = argtypes
        function.restype = restype
    return lib


_loaded = None
_loading = threading.Lock()


def library():
    """The process's libcpep, found and checked on first use, then shared."""
    global _loaded
    with _loading:
        if _loaded is None:
            _loaded = load_library(find_library())
        return _loaded
