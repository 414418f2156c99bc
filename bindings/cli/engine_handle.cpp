#include "engine_handle.h"

namespace cpep::cli {
namespace {

const char *c_str_or_null(const std::string &s) { return s.empty() ? nullptr : s.c_str(); }

const char *data_or_null(std::string_view s) { return s.empty() ? nullptr : s.data(); }

std::string describe(int rc) {
    return std::string(cpep_error_last()) + " (" + std::string(error_code_name(rc)) + ")";
}

class Buffer {
public:
    Buffer() = default;
    Buffer(const Buffer &) = delete;
    Buffer &operator=(const Buffer &) = delete;
    ~Buffer() { cpep_buf_dispose(&buf_); }

    cpep_buf *get() noexcept { return &buf_; }
    std::string str() const { return buf_.ptr ? std::string(buf_.ptr, buf_.size) : std::string(); }

private:
    cpep_buf buf_ = CPEP_BUF_INIT;
};

}  // namespace

std::string_view error_code_name(int code) {
    switch (code) {
    case CPEP_ERROR: return "CPEP_ERROR";
    case CPEP_EINVALID: return "CPEP_EINVALID";
    case CPEP_ELOCKED: return "CPEP_ELOCKED";
    case CPEP_ESCHEMA: return "CPEP_ESCHEMA";
    case CPEP_EIO: return "CPEP_EIO";
    default: return "unknown error";
    }
}

Engine::Engine(const std::string &db_path, const std::string &options_json) {
    cpep_engine *engine = nullptr;
    const int rc = cpep_open(&engine, db_path.c_str(), c_str_or_null(options_json));
    if (rc != CPEP_OK) {
        throw EngineError{rc, "cannot open '" + db_path + "': " + describe(rc)};
    }
    engine_.reset(engine);
}

Response Engine::request(const std::string &method, const std::string &url,
                         const std::string &caller_json, std::string_view body) {
    Buffer out;
    const int rc = cpep_request(out.get(), engine_.get(), method.c_str(), url.c_str(),
                                c_str_or_null(caller_json), data_or_null(body), body.size());
    if (rc < 0) {
        throw EngineError{rc, "the engine refused the request: " + describe(rc)};
    }
    return Response{rc, out.str()};
}

Response Engine::create_external_partner(const std::string &caller_json, std::string_view body) {
    Buffer out;
    const int rc = cpep_create_external_partner(out.get(), engine_.get(), c_str_or_null(caller_json),
                                                data_or_null(body), body.size());
    if (rc < 0) {
        throw EngineError{rc, "the engine refused the request: " + describe(rc)};
    }
    return Response{rc, out.str()};
}

}  // namespace cpep::cli
