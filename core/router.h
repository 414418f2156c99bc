#pragma once
// Maps a method and URL onto an operation of the resource (CONTRACT §4 precedence: an unknown
// path is 404, a known path with another method 405, before anything looks at the caller).
#include <string>
#include <string_view>

#include "core/graph_error.h"

namespace cpep {

enum class Route {
    create_partner,    // POST   …/externalPartners
    list_partners,     // GET    …/externalPartners
    get_partner,       // GET    …/externalPartners/{id}
    update_partner,    // PATCH  …/externalPartners/{id}
    delete_partner,    // DELETE …/externalPartners/{id}
    configure_agent,   // POST   …/externalPartners/{id}/configureAgent
    deploy_agent,      // POST   …/externalPartners/{id}/deployAgent
    retrieve_results,  // GET    …/externalPartners/{id}/retrieveDeployAgentActionResults(activityId='…',cloudPcId='…')
    retrieve_reports,  // GET    …/externalPartners/{id}/retrieveActionReports
    heartbeat,         // POST   /partnerApi/heartbeat (engine extension)
    batch,             // POST   /$batch (Graph JSON batching)
};

struct RouteMatch {
    Route route;
    std::string id;             // percent-decoded {id} segment, when the path has one
    std::string function_args;  // percent-decoded text between the parentheses of a function call
    std::string_view query;     // raw query string after '?', possibly empty
};

Outcome<RouteMatch> match_route(std::string_view method, std::string_view url);

// ASCII case-insensitive equality (path segments, function names, header names).
bool ascii_iequals(std::string_view a, std::string_view b);

}  // namespace cpep
