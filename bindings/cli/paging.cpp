#include "paging.h"

#include "json_text.h"

#include <unordered_set>

namespace cpep::cli {
namespace {

constexpr const char *kNextLink = "@odata.nextLink";

[[noreturn]] void misbehaved(const std::string &what, std::size_t page) {
    throw EngineError{CPEP_ERROR, "page " + std::to_string(page) + " of the collection: " + what};
}

}  // namespace

Response fetch_all_pages(Engine &engine, const std::string &url, const std::string &caller_json) {
    Json merged = Json::object();
    Json values = Json::array();
    std::unordered_set<std::string> seen_links;
    std::string next = url;
    for (std::size_t page = 1;; ++page) {
        Response response = engine.request("GET", next, caller_json, {});
        if (response.status < 200 || response.status >= 300) {
            return response;
        }
        auto body = parse_json(response.body, 256);
        if (!body || !body->is_object()) {
            misbehaved("the engine answered " + std::to_string(response.status) + " without a JSON object",
                       page);
        }
        const auto value = body->find("value");
        if (value == body->end() || !value->is_array()) {
            misbehaved("the engine's answer has no \"value\" array", page);
        }
        if (page == 1) {
            for (const char *key : {"@odata.context", "@odata.count"}) {
                if (const auto it = body->find(key); it != body->end()) {
                    merged[key] = *it;
                }
            }
        }
        for (Json &entity : *value) {
            values.push_back(std::move(entity));
        }
        const auto link = body->find(kNextLink);
        if (link == body->end()) {
            break;
        }
        if (!link->is_string()) {
            misbehaved("@odata.nextLink is not a string", page);
        }
        next = link->get<std::string>();
        if (!seen_links.insert(next).second) {
            misbehaved("the engine repeated an @odata.nextLink: paging would never end", page);
        }
    }
    merged["value"] = std::move(values);
    return Response{200, merged.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace cpep::cli
