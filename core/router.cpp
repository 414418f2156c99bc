#include "core/router.h"

#include <vector>

namespace cpep {
namespace {

constexpr std::string_view kServiceRoot = "https://graph.microsoft.com/beta";

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

GraphError segment_not_found(std::string_view segment) {
    return errors::not_found("Resource not found for the segment '" + quote_for_message(segment) + "'.");
}

}  // namespace

Outcome<RouteMatch> match_route(std::string_view method, std::string_view url) {
    if (url.size() >= kServiceRoot.size() && iequals(url.substr(0, kServiceRoot.size()), kServiceRoot))
        url.remove_prefix(kServiceRoot.size());
    std::string_view query;
    if (auto q = url.find('?'); q != std::string_view::npos) {
        query = url.substr(q + 1);
        url = url.substr(0, q);
    }
    if (url.empty() || url.front() != '/')
        return errors::not_found("The URL must be a path such as "
                                 "'/deviceManagement/virtualEndpoint/externalPartners'.");
    std::vector<std::string_view> segments;
    for (std::string_view rest = url.substr(1); !rest.empty();) {
        const auto slash = rest.find('/');
        segments.push_back(rest.substr(0, slash));
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }

    static constexpr std::string_view kCollectionPath[] = {"deviceManagement", "virtualEndpoint",
                                                           "externalPartners"};
    for (std::size_t i = 0; i < std::size(kCollectionPath); ++i) {
        if (i >= segments.size()) return segment_not_found(url);
        if (!iequals(segments[i], kCollectionPath[i])) return segment_not_found(segments[i]);
    }
    if (segments.size() == 3) {
        if (method == "POST") return RouteMatch{Route::create_partner, {}, query};
        return errors::method_not_allowed("The method '" + quote_for_message(method, 16) +
                                          "' is not supported on the externalPartners collection; "
                                          "supported: POST.");
    }
    // The item and its bound operations exist in Graph but are not served by this version.
    const bool known_item = segments.size() == 4 && !segments[3].empty();
    bool known_operation = false;
    if (segments.size() == 5 && !segments[3].empty()) {
        const std::string_view op = segments[4];
        const std::string_view name = op.substr(0, op.find('('));
        for (std::string_view known : {"configureAgent", "deployAgent", "retrieveActionReports",
                                       "retrieveDeployAgentActionResults"})
            known_operation = known_operation || iequals(name, known);
    }
    if (known_item || known_operation)
        return errors::method_not_allowed("The method '" + quote_for_message(method, 16) +
                                          "' is not supported on '" + quote_for_message(url) +
                                          "' by this version of the engine.");
    return segment_not_found(segments.back());
}

}  // namespace cpep
