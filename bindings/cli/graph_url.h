// The URLs the convenience subcommands send to cpep_request: the resource's paths and an OData
// query string whose values are percent-encoded.
#pragma once

#include <string>
#include <string_view>

namespace cpep::cli {

inline constexpr std::string_view kCollectionPath = "/deviceManagement/virtualEndpoint/externalPartners";
inline constexpr std::string_view kHeartbeatPath = "/partnerApi/heartbeat";

// Every byte outside RFC 3986's unreserved set (ALPHA DIGIT - . _ ~) as %XX (upper-case hex), so
// a value holding '&', '=', '+', '#', '%', a space or a quote reaches the engine exactly as given.
std::string percent_encode(std::string_view text);

// kCollectionPath + "/" + the percent-encoded id: "a/b" stays one path segment.
std::string entity_path(std::string_view id);

// Builds "?name=value&..." (empty when nothing was added); names are written as given ("$top"),
// values percent-encoded.
class QueryString {
public:
    void add(std::string_view name, std::string_view value);
    const std::string &str() const { return text_; }

private:
    std::string text_;
};

// True when target (absolute "https://graph.microsoft.com/beta/..." or a path, query allowed)
// names the partner heartbeat, compared the way the engine's router compares it.
bool is_heartbeat_target(std::string_view target);

}  // namespace cpep::cli
