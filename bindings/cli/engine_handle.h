// RAII around the public C ABI (cpep.h): the CLI is an ordinary host of libcpep.so.
#pragma once

#include "cpep.h"

#include <memory>
#include <string>
#include <string_view>

namespace cpep::cli {

// A failed cpep_open, or a negative return from a request; message quotes cpep_error_last().
struct EngineError {
    int code;
    std::string message;
};

struct Response {
    int status = 0;
    std::string body;  // empty for 204
};

class Engine {
public:
    // Opens db_path with options_json (empty for none). Throws EngineError.
    Engine(const std::string &db_path, const std::string &options_json);

    // cpep_request. An empty caller_json passes NULL (no caller). Throws EngineError on a
    // negative return, which only misuse of the ABI produces.
    Response request(const std::string &method, const std::string &url,
                     const std::string &caller_json, std::string_view body);

    // cpep_create_external_partner, with the same conventions as request.
    Response create_external_partner(const std::string &caller_json, std::string_view body);

private:
    struct Closer {
        void operator()(cpep_engine *engine) const noexcept { cpep_close(engine); }
    };
    std::unique_ptr<cpep_engine, Closer> engine_;
};

// A short name for a negative CPEP_E* code, for messages.
std::string_view error_code_name(int code);

}  // namespace cpep::cli
