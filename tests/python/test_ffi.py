"""The ctypes layer: the prototype table, library discovery and the ABI version check."""

import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import sys

import pytest

from cpep_support import REPO, TENANT, child_env, cpep
from cpep import _ffi

HEADER = REPO / "bindings" / "c" / "cpep.h"


def header_functions():
    text = HEADER.read_text()
    return set(re.findall(r"CPEP_EXTERN\s[^;(]*?\b(cpep_\w+)\s*\(", text))


def test_table_covers_exactly_the_header():
    names = [name for name, _, _ in _ffi.FUNCTIONS]
    assert len(names) == len(set(names))
    assert set(names) == header_functions()
    assert set(names) == {
        "cpep_abi_version", "cpep_version", "cpep_error_last", "cpep_open", "cpep_close",
        "cpep_create_external_partner", "cpep_request", "cpep_buf_dispose",
    }


def test_every_prototype_is_declared_on_the_loaded_library():
    lib = _ffi.library()
    for name, argtypes, restype in _ffi.FUNCTIONS:
        function = getattr(lib, name)
        assert function.argtypes == argtypes, name
        assert function.restype is restype, name
    # The pointer-returning functions are not left on ctypes' default int.
    assert lib.cpep_version.restype is ctypes.c_char_p
    assert lib.cpep_error_last.restype is ctypes.c_char_p


def test_buf_layout_matches_the_header():
    assert [f for f, _ in _ffi.cpep_buf._fields_] == ["ptr", "size"]
    pointer, size = ctypes.sizeof(ctypes.c_void_p), ctypes.sizeof(ctypes.c_size_t)
    assert ctypes.sizeof(_ffi.cpep_buf) == pointer + size


def test_error_last_is_empty_or_text():
    assert isinstance(_ffi.library().cpep_error_last(), bytes)


def test_dispose_is_null_safe():
    lib = _ffi.library()
    buf = _ffi.cpep_buf()
    lib.cpep_buf_dispose(ctypes.byref(buf))
    lib.cpep_buf_dispose(ctypes.byref(buf))
    lib.cpep_buf_dispose(None)
    lib.cpep_close(None)


def test_library_path_is_found():
    assert os.path.isfile(cpep.library_path())


def test_mismatched_abi_is_refused():
    with pytest.raises(cpep.AbiMismatchError) as caught:
        _ffi.load_library(cpep.library_path(), expected_abi=cpep.ABI_VERSION + 1)
    assert isinstance(caught.value, ImportError)
    message = str(caught.value)
    assert "version %d" % cpep.ABI_VERSION in message
    assert "version %d" % (cpep.ABI_VERSION + 1) in message


def test_mismatched_package_constant_is_refused(monkeypatch):
    monkeypatch.setattr(_ffi, "ABI_VERSION", 2)
    with pytest.raises(ImportError):
        _ffi.load_library(cpep.library_path())


def test_matching_abi_loads():
    lib = _ffi.load_library(cpep.library_path(), expected_abi=1)
    assert lib.cpep_abi_version() == 1


def test_a_library_without_the_cpep_symbols_is_refused():
    libc = ctypes.util.find_library("c")
    with pytest.raises(cpep.LibraryNotFoundError) as caught:
        _ffi.load_library(libc)
    assert "cpep_" in str(caught.value)


def test_search_order(tmp_path):
    package = tmp_path / "pkg"
    repo = tmp_path / "repo"
    package.mkdir()
    for build in ("build", "build-py", "build-asan"):
        (repo / build / "lib").mkdir(parents=True)

    def find(env):
        return _ffi.find_library(env, str(package), str(repo))

    env = {}
    (repo / "build-py" / "lib" / "libcpep.so").write_bytes(b"")
    assert find(env) == str(repo / "build-py" / "lib" / "libcpep.so")
    (repo / "build" / "lib" / "libcpep.so").write_bytes(b"")
    assert find(env) == str(repo / "build" / "lib" / "libcpep.so")
    (package / "libcpep.so.1").write_bytes(b"")
    assert find(env) == str(package / "libcpep.so.1")
    (package / "libcpep.so").write_bytes(b"")
    assert find(env) == str(package / "libcpep.so")
    explicit = tmp_path / "explicit.so"
    explicit.write_bytes(b"")
    env = {"CPEP_LIBRARY": str(explicit)}
    assert find(env) == str(explicit)


def test_explicit_missing_library_is_an_error(tmp_path):
    with pytest.raises(cpep.LibraryNotFoundError) as caught:
        _ffi.find_library({"CPEP_LIBRARY": str(tmp_path / "nope.so")}, str(tmp_path), str(tmp_path))
    assert "nope.so" in str(caught.value)


def test_nothing_found_names_the_places_tried(tmp_path):
    with pytest.raises(cpep.LibraryNotFoundError) as caught:
        _ffi.find_library({}, str(tmp_path / "pkg"), str(tmp_path / "repo"))
    assert "CPEP_LIBRARY" in str(caught.value)
    assert str(tmp_path / "repo" / "build" / "lib" / "libcpep.so") in str(caught.value)


@pytest.mark.parametrize(
    "library, expected",
    [("/nonexistent/libcpep.so", "does not name an existing file"), (__file__, "cannot load")],
    ids=["missing", "not a shared library"],
)
def test_import_fails_cleanly_with_a_bad_library(library, expected):
    env = child_env()
    env["CPEP_LIBRARY"] = library
    result = subprocess.run(
        [sys.executable, "-c", "import cpep"], env=env, capture_output=True, timeout=60
    )
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert "ImportError" in stderr or "LibraryNotFoundError" in stderr
    assert expected in stderr


def test_import_in_a_fresh_process():
    result = subprocess.run(
        [sys.executable, "-c", "import cpep; print(cpep.__version__, cpep.ABI_VERSION)"],
        env=child_env(), capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().split() == [cpep.__version__, "1"]


def test_calls_release_the_gil():
    # PyDLL would hold the GIL for the whole call and serialise every thread in the engine.
    lib = _ffi.library()
    assert not isinstance(lib, ctypes.PyDLL)
    assert not lib._func_flags_ & ctypes._FUNCFLAG_PYTHONAPI


def test_every_response_buffer_is_disposed_once(engine, monkeypatch):
    lib = _ffi.library()
    original = lib.cpep_buf_dispose
    seen = []

    def counting(buf):
        seen.append(buf._obj.ptr)
        original(buf)
        assert not buf._obj.ptr and buf._obj.size == 0

    monkeypatch.setattr(lib, "cpep_buf_dispose", counting)
    engine.request("POST", cpep.PARTNERS_PATH, cpep.app_caller(TENANT), {"bad": 1})
    engine.create_external_partner(cpep.app_caller(TENANT), {
        "partnerId": "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "enableConnection": True})
    with pytest.raises(cpep.InvalidArgument):
        engine.request(None, cpep.PARTNERS_PATH, None)
    # Two bodies were handed over and released, each once; a negative return leaves the buffer
    # {NULL, 0}, which needs no release, so the package makes no call for it.
    assert len(seen) == 2
    assert seen[0] and seen[1]


def compile_fake_library(tmp_path, source):
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        pytest.skip("no C compiler to build a stand-in library")
    src = tmp_path / "fake.c"
    src.write_text(source)
    out = tmp_path / "libcpep.so"
    # The compiler is not under test: under scripts/sanitize.sh it must not inherit the ASan
    # preload (LeakSanitizer would fail the compiler driver on its own exit-time leaks).
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS", "LSAN_OPTIONS")}
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(out), str(src)], check=True,
                   timeout=120, env=env)
    return str(out)


def import_with(library):
    env = child_env()
    env["CPEP_LIBRARY"] = library
    return subprocess.run([sys.executable, "-c", "import cpep"], env=env, capture_output=True,
                          timeout=60)


def test_import_refuses_a_library_of_another_abi_version(tmp_path):
    library = compile_fake_library(
        tmp_path, "int cpep_abi_version(void) { return 2; }\n"
                  "const char *cpep_version(void) { return \"9.9.9\"; }\n")
    result = import_with(library)
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert "AbiMismatchError" in stderr
    assert "version 2" in stderr and "version 1" in stderr


def test_import_refuses_an_incomplete_library(tmp_path):
    library = compile_fake_library(tmp_path, "int cpep_abi_version(void) { return 1; }\n")
    result = import_with(library)
    assert result.returncode == 1
    assert "does not export cpep_version" in result.stderr.decode()
