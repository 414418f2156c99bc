// JSON text helpers shared by the subcommands: bounded parsing and pretty-printing that keeps the
// engine's key order.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cpep::cli {

using Json = nlohmann::ordered_json;

// Parses text without throwing. Refuses (nullopt) text that is not JSON or nests deeper than
// max_depth: copying or dumping a deeply nested nlohmann value overflows the stack.
std::optional<Json> parse_json(std::string_view text, int max_depth = 64);

// Two-space indentation, keys in the order given; invalid UTF-8 is replaced rather than thrown.
std::string pretty(const Json &value);

// The engine's response body pretty-printed, or the body unchanged when it is not JSON.
std::string pretty_body(std::string_view body);

}  // namespace cpep::cli
