#pragma once
// The composition root: wires the real clock, the id streams and the SQLite repository to the
// core service. The C ABI is a thin, exception-proof skin over this class.
#include <memory>
#include <string_view>

#include "bindings/engine_options.h"
#include "core/service.h"

namespace cpep {

class Engine {
public:
    // Throws storage::OpenError or InvalidOptions.
    Engine(const std::string &db_path, std::string_view options_json);
    ~Engine();

    Response request(std::string_view method, std::string_view url, std::string_view caller_json,
                     std::string_view body, const RequestHeaders &headers = {});
    Response create_external_partner(std::string_view caller_json, std::string_view body);

    // A 500 with a Graph body, for failures no layer below could classify.
    Response unexpected_failure();

private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace cpep
