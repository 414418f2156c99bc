"""Run by scripts/sanitize.sh under the ASan-preloaded interpreter: leaks one response buffer of
libcpep on purpose (never calls cpep_buf_dispose). LeakSanitizer must report it, which proves
that scripts/python-lsan.supp hides only the interpreter's own exit-time leaks."""
import ctypes

import cpep
from cpep import _ffi

engine = cpep.Engine()
buf = _ffi.cpep_buf()
status = engine._lib.cpep_request(ctypes.byref(buf), engine._handle, b"GET", b"/nope", b"{}", None, 0)
print("lsan-canary: status %d, leaking %d bytes allocated by libcpep" % (status, buf.size))
engine.close()
