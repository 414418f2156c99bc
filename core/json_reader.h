#pragma once
// Strict reading of request bodies (CONTRACT §3 step 1): size, NUL, UTF-8, syntax, depth and
// duplicate keys are checked while parsing, before anything copies or dumps the value, so no
// input can exhaust the stack or slip a second value for a key past validation.
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/graph_error.h"

namespace cpep {

struct JsonLimits {
    std::size_t max_bytes = 1024 * 1024;  // larger bodies answer 413
    std::size_t max_depth = 64;           // deeper nesting answers 400
};

// The parsed document, or 413 / 400 invalidJson with a message naming the problem.
Outcome<nlohmann::json> read_json_body(std::string_view body, const JsonLimits &limits = {});

// The same, always through the strict SAX parser (read_json_body takes a shortcut for flat objects
// of plain strings and literals). For the tests and the fuzzer that compare the two.
Outcome<nlohmann::json> read_json_body_strict(std::string_view body, const JsonLimits &limits = {});

// Byte offset of the first invalid UTF-8 sequence, or npos when `text` is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view text);

}  // namespace cpep
