// The C ABI: every function is noexcept behind a catch-all, because a C++ exception that reaches
// C (or ctypes) aborts the host process.
#include "cpep.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "bindings/engine.h"
#include "storage/open_error.h"

struct cpep_engine {
    cpep::Engine engine;
    cpep_engine(const std::string &path, std::string_view options) : engine(path, options) {}
};

namespace {

thread_local std::string t_last_error;

void clear_error() noexcept { t_last_error.clear(); }

int fail(int code, const char *message) noexcept {
    try {
        t_last_error = message;
    } catch (...) {
        t_last_error.clear();  // out of memory: an empty message is all that can be offered
    }
    return code;
}

// Copies `body` into a NUL-terminated malloc'd block owned by the caller's cpep_buf.
bool fill(cpep_buf *out, const std::string &body) noexcept {
    if (body.empty()) return true;
    auto *p = static_cast<char *>(std::malloc(body.size() + 1));
    if (!p) return false;
    std::memcpy(p, body.data(), body.size());
    p[body.size()] = '\0';
    out->ptr = p;
    out->size = body.size();
    return true;
}

template <class F>
int serve(cpep_buf *out, cpep_engine *engine, F &&call) noexcept {
    cpep::Response response;
    try {
        response = call();
    } catch (const std::bad_alloc &) {
        return fail(CPEP_ERROR, "out of memory while serving the request");
    } catch (...) {
        try {
            response = engine->engine.unexpected_failure();
        } catch (...) {
            return fail(CPEP_ERROR, "internal error while serving the request");
        }
    }
    if (!fill(out, response.body)) return fail(CPEP_ERROR, "out of memory while returning the response");
    return response.status;
}

}  // namespace

extern "C" {

int cpep_abi_version(void) { return CPEP_ABI_VERSION; }

const char *cpep_version(void) { return CPEP_VERSION_STRING; }

const char *cpep_error_last(void) { return t_last_error.c_str(); }

namespace {
// A failure outside the classified ones (an allocation or an SQLite error while preparing the
// engine's statements): CPEP_ERROR with a message that names the file, as every open error does.
int fail_open(const char *db_path, const char *what) noexcept {
    try {
        const std::string message = std::string("cpep_open: cannot open '") + db_path + "': " + what;
        return fail(CPEP_ERROR, message.c_str());
    } catch (...) {
        return fail(CPEP_ERROR, "cpep_open: out of memory");
    }
}
}  // namespace

int cpep_open(cpep_engine **out, const char *db_path, const char *options_json) {
    clear_error();
    if (!out) return fail(CPEP_EINVALID, "cpep_open: out is NULL");
    *out = nullptr;
    if (!db_path) return fail(CPEP_EINVALID, "cpep_open: db_path is NULL");
    if (!*db_path) return fail(CPEP_EINVALID, "cpep_open: db_path is empty (use \":memory:\" for an in-memory database)");
    try {
        *out = new cpep_engine(db_path, options_json ? std::string_view(options_json) : std::string_view());
        return CPEP_OK;
    } catch (const cpep::InvalidOptions &e) {
        return fail(CPEP_EINVALID, e.what());
    } catch (const cpep::storage::OpenError &e) {
        switch (e.failure()) {
        case cpep::storage::OpenFailure::locked: return fail(CPEP_ELOCKED, e.what());
        case cpep::storage::OpenFailure::schema: return fail(CPEP_ESCHEMA, e.what());
        case cpep::storage::OpenFailure::io: return fail(CPEP_EIO, e.what());
        }
        return fail(CPEP_ERROR, e.what());
    } catch (const std::bad_alloc &) {
        return fail_open(db_path, "out of memory");
    } catch (const std::exception &e) {
        return fail_open(db_path, e.what());
    } catch (...) {
        return fail_open(db_path, "unexpected failure");
    }
}

void cpep_close(cpep_engine *engine) {
    clear_error();
    delete engine;  // the destructors do not throw: SQLiteCpp's close and ours are noexcept
}

int cpep_create_external_partner(cpep_buf *out, cpep_engine *engine, const char *caller_json,
                                 const char *body, size_t body_len) {
    clear_error();
    if (!out) return fail(CPEP_EINVALID, "cpep_create_external_partner: out is NULL");
    cpep_buf_dispose(out);
    if (!engine) return fail(CPEP_EINVALID, "cpep_create_external_partner: engine is NULL");
    if (!body && body_len) return fail(CPEP_EINVALID, "cpep_create_external_partner: body is NULL but body_len is not 0");
    return serve(out, engine, [&] {
        return engine->engine.create_external_partner(caller_json ? std::string_view(caller_json) : std::string_view(),
                                                      std::string_view(body ? body : "", body_len));
    });
}

int cpep_request(cpep_buf *out, cpep_engine *engine, const char *method, const char *url,
                 const char *caller_json, const char *body, size_t body_len) {
    clear_error();
    if (!out) return fail(CPEP_EINVALID, "cpep_request: out is NULL");
    cpep_buf_dispose(out);
    if (!engine) return fail(CPEP_EINVALID, "cpep_request: engine is NULL");
    if (!method) return fail(CPEP_EINVALID, "cpep_request: method is NULL");
    if (!url) return fail(CPEP_EINVALID, "cpep_request: url is NULL");
    if (!body && body_len) return fail(CPEP_EINVALID, "cpep_request: body is NULL but body_len is not 0");
    return serve(out, engine, [&] {
        return engine->engine.request(method, url, caller_json ? std::string_view(caller_json) : std::string_view(),
                                      std::string_view(body ? body : "", body_len));
    });
}

void cpep_buf_dispose(cpep_buf *buf) {
    if (!buf) return;
    std::free(buf->ptr);
    buf->ptr = nullptr;
    buf->size = 0;
}

}  // extern "C"
