#pragma once
// GUIDs as Graph writes them: 8-4-4-4-12 hexadecimal digits, compared case-insensitively.
#include <optional>
#include <string>
#include <string_view>

namespace cpep {

// The lowercase canonical form of a GUID written as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (any
// case), or nullopt. Braces, missing dashes and surrounding spaces are refused, so one GUID has
// exactly one stored spelling.
std::optional<std::string> canonical_guid(std::string_view text);
bool is_guid(std::string_view text);

}  // namespace cpep
