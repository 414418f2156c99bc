#pragma once
// Maps a method and URL onto an operation of the resource (CONTRACT §4 precedence: an unknown
// path is 404, a known path with another method 405, before anything looks at the caller).
#include <string>
#include <string_view>

#include "core/graph_error.h"

namespace cpep {

enum class Route {
    create_partner,
};

struct RouteMatch {
    Route route;
    std::string id;          // percent-decoded {id} segment, when the path has one
    std::string_view query;  // raw query string after '?', possibly empty
};

Outcome<RouteMatch> match_route(std::string_view method, std::string_view url);

}  // namespace cpep
