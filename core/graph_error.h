#pragma once
// Graph error values (CONTRACT §4): an HTTP status, error.code, innerError.code and a message a
// developer can act on. Rendering to the wire form lives in graph_json.h.
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cpep {

struct GraphError {
    int status = 500;
    std::string code;        // error.code, e.g. "badRequest"
    std::string inner_code;  // innerError.code, may be empty
    std::string message;
};

namespace errors {
GraphError bad_request(std::string inner_code, std::string message);
GraphError unauthorized(std::string inner_code, std::string message);
GraphError forbidden(std::string inner_code, std::string message);
GraphError not_found(std::string message);
GraphError method_not_allowed(std::string message);
GraphError conflict(std::string inner_code, std::string message);
GraphError payload_too_large(std::string message);
GraphError internal_storage();
GraphError storage_busy();
GraphError disk_full();
GraphError internal_unexpected();
}  // namespace errors

// Quotes user-supplied text for a message: at most `limit` bytes, cut on a UTF-8 boundary,
// with an ellipsis when shortened.
std::string quote_for_message(std::string_view text, std::size_t limit = 120);

// A value or the Graph error that prevented it.
template <class T>
class Outcome {
public:
    Outcome(T value) : v_(std::move(value)) {}               // NOLINT(google-explicit-constructor)
    Outcome(GraphError error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<0>(v_); }
    T &value() & { return std::get<0>(v_); }
    T &&value() && { return std::get<0>(std::move(v_)); }
    const GraphError &error() const { return std::get<1>(v_); }

private:
    std::variant<T, GraphError> v_;
};

}  // namespace cpep
