#include "core/router.h"

#include <optional>
#include <vector>

namespace cpep {
namespace {

constexpr std::string_view kServiceRoot = "https://graph.microsoft.com/beta";

std::optional<std::string> decode_segment(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        auto hex = [](char c) {
            return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        };
        const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

GraphError segment_not_found(std::string_view segment) {
    return errors::not_found("Resource not found for the segment '" + quote_for_message(segment) + "'.");
}

GraphError not_allowed(std::string_view method, std::string_view what, std::string_view allowed) {
    return errors::method_not_allowed("The method '" + quote_for_message(method, 16) + "' is not supported on " +
                                      std::string(what) + "; supported: " + std::string(allowed) + ".");
}

struct Candidate {
    const char *method;
    Route route;
};

Outcome<RouteMatch> pick(std::string_view method, std::initializer_list<Candidate> candidates, std::string_view what,
                         std::string_view allowed, RouteMatch base) {
    for (const auto &c : candidates)
        if (method == c.method) {
            base.route = c.route;
            return base;
        }
    return not_allowed(method, what, allowed);
}

}  // namespace

bool ascii_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

Outcome<RouteMatch> match_route(std::string_view method, std::string_view url) {
    if (url.size() >= kServiceRoot.size() && ascii_iequals(url.substr(0, kServiceRoot.size()), kServiceRoot))
        url.remove_prefix(kServiceRoot.size());
    RouteMatch m{Route::create_partner, {}, {}, {}};
    if (auto q = url.find('?'); q != std::string_view::npos) {
        m.query = url.substr(q + 1);
        url = url.substr(0, q);
    }
    if (url.empty() || url.front() != '/')
        return errors::not_found("The URL must be a path such as '/deviceManagement/virtualEndpoint/externalPartners'.");
    std::vector<std::string_view> seg;
    for (std::string_view rest = url.substr(1);;) {
        const auto slash = rest.find('/');
        seg.push_back(rest.substr(0, slash));
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    if (seg.size() > 1 && seg.back().empty()) seg.pop_back();  // one trailing slash is harmless

    if (seg.size() == 1 && seg[0] == "$batch")
        return pick(method, {{"POST", Route::batch}}, "$batch", "POST", m);
    if (seg.size() == 2 && ascii_iequals(seg[0], "partnerApi") && ascii_iequals(seg[1], "heartbeat"))
        return pick(method, {{"POST", Route::heartbeat}}, "the partner heartbeat", "POST", m);

    static constexpr std::string_view kCollection[] = {"deviceManagement", "virtualEndpoint", "externalPartners"};
    for (std::size_t i = 0; i < std::size(kCollection); ++i) {
        if (i >= seg.size()) return segment_not_found(url);
        if (!ascii_iequals(seg[i], kCollection[i])) return segment_not_found(seg[i]);
    }
    if (seg.size() == 3)
        return pick(method, {{"GET", Route::list_partners}, {"POST", Route::create_partner}},
                    "the externalPartners collection", "GET, POST", m);
    if (seg.size() > 5 || seg[3].empty()) return segment_not_found(seg.back().empty() ? url : seg.back());
    auto id = decode_segment(seg[3]);
    if (!id) return segment_not_found(seg[3]);
    m.id = std::move(*id);
    if (seg.size() == 4)
        return pick(method, {{"GET", Route::get_partner}, {"PATCH", Route::update_partner}, {"DELETE", Route::delete_partner}},
                    "an external partner", "GET, PATCH, DELETE", m);

    auto op = decode_segment(seg[4]);
    if (!op) return segment_not_found(seg[4]);
    std::string_view name = *op;
    std::string_view args;
    bool has_parens = false;
    if (auto open = name.find('('); open != std::string_view::npos) {
        if (name.back() != ')') return segment_not_found(seg[4]);
        args = name.substr(open + 1, name.size() - open - 2);
        name = name.substr(0, open);
        has_parens = true;
    }
    const bool empty_parens = !has_parens || args.empty();
    if (ascii_iequals(name, "configureAgent") && !has_parens)
        return pick(method, {{"POST", Route::configure_agent}}, "the configureAgent action", "POST", m);
    if (ascii_iequals(name, "deployAgent") && !has_parens)
        return pick(method, {{"POST", Route::deploy_agent}}, "the deployAgent action", "POST", m);
    if (ascii_iequals(name, "retrieveActionReports") && empty_parens)
        return pick(method, {{"GET", Route::retrieve_reports}}, "the retrieveActionReports function", "GET", m);
    if (ascii_iequals(name, "retrieveDeployAgentActionResults")) {
        m.function_args = std::string(args);
        return pick(method, {{"GET", Route::retrieve_results}}, "the retrieveDeployAgentActionResults function", "GET", m);
    }
    return segment_not_found(name);
}

}  // namespace cpep
