#include "json_text.h"

namespace cpep::cli {
namespace {

// True when no array or object in text opens deeper than max_depth (strings are skipped).
bool nesting_within(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                return false;
            }
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

}  // namespace

std::optional<Json> parse_json(std::string_view text, int max_depth) {
    if (!nesting_within(text, max_depth)) {
        return std::nullopt;
    }
    Json value = Json::parse(text, nullptr, false);
    if (value.is_discarded()) {
        return std::nullopt;
    }
    return value;
}

std::string pretty(const Json &value) {
    return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string pretty_body(std::string_view body) {
    if (const auto value = parse_json(body, 256)) {
        return pretty(*value);
    }
    return std::string(body);
}

}  // namespace cpep::cli
