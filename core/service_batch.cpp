// POST /$batch: Graph JSON batching (up to 20 requests with id, method, url, body, headers,
// dependsOn). Requests run in the order listed, each authorised and answered on its own; a request
// whose dependency failed answers 424. Consecutive creates are committed together — one commit for
// the lot — while each keeps its own outcome (a duplicate partnerId fails alone).
#include <set>

#include "core/authorization.h"
#include "core/graph_json.h"
#include "core/odata_query.h"
#include "core/service.h"

namespace cpep {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxBatchRequests = 20;

struct BatchItem {
    std::string id;
    std::string method;
    std::string url;
    std::string body;  // the request body re-serialised, "" when none
    std::string client_request_id;
    std::vector<std::size_t> depends_on;  // indexes of earlier items
};

GraphError invalid_batch(std::string message) { return errors::bad_request("invalidRequest", std::move(message)); }

Outcome<std::vector<BatchItem>> read_batch(const json &body) {
    if (!body.is_object()) return invalid_batch("A $batch body must be a JSON object {\"requests\": [...]}.");
    for (const auto &[key, value] : body.items())
        if (key != "requests") return invalid_batch("A $batch body takes only 'requests'; got '" + quote_for_message(key) + "'.");
    auto requests = body.find("requests");
    if (requests == body.end() || !requests->is_array() || requests->empty() || requests->size() > kMaxBatchRequests)
        return invalid_batch("'requests' must be an array of 1 to 20 requests.");
    std::vector<BatchItem> items;
    for (const json &r : *requests) {
        if (!r.is_object()) return invalid_batch("Each request of a $batch must be a JSON object.");
        BatchItem item;
        for (const auto &[key, value] : r.items()) {
            if (key == "id" && value.is_string() && !value.get_ref<const std::string &>().empty()) {
                item.id = value.get<std::string>();
            } else if (key == "method" && value.is_string()) {
                item.method = value.get<std::string>();
            } else if (key == "url" && value.is_string()) {
                item.url = value.get<std::string>();
            } else if (key == "body") {
                if (!value.is_null()) item.body = value.dump();
            } else if (key == "headers" && value.is_object()) {
                for (const auto &[name, v] : value.items()) {
                    if (!v.is_string()) return invalid_batch("Header values in a $batch request must be strings.");
                    if (ascii_iequals(name, "client-request-id")) item.client_request_id = v.get<std::string>();
                }
            } else if (key == "dependsOn" && value.is_array()) {
                for (const json &d : value) {
                    std::size_t found = items.size();
                    if (d.is_string())
                        for (std::size_t i = 0; i < items.size(); ++i)
                            if (items[i].id == d.get_ref<const std::string &>()) found = i;
                    if (found == items.size())
                        return invalid_batch("'dependsOn' must name the ids of requests listed earlier in the batch.");
                    item.depends_on.push_back(found);
                }
            } else {
                return invalid_batch("The member '" + quote_for_message(key) +
                                     "' of a $batch request is unknown or has the wrong type; expected id, method and url "
                                     "strings, and optionally body, headers (object of strings) and dependsOn (array of ids).");
            }
        }
        if (item.id.empty() || item.method.empty() || item.url.empty())
            return invalid_batch("Each request of a $batch needs a non-empty 'id', a 'method' and a 'url'.");
        for (const auto &other : items)
            if (other.id == item.id) return invalid_batch("The id '" + quote_for_message(item.id) + "' appears twice in the batch.");
        items.push_back(std::move(item));
    }
    return items;
}

}  // namespace

Outcome<Response> ExternalPartnerService::batch(const Outcome<Caller> &caller, std::string_view query, std::string_view body) {
    if (!query.empty()) return invalid_query("Query options are not supported on $batch.");
    auto parsed = read_body(body);
    if (!parsed) return parsed.error();
    auto items = read_batch(parsed.value());
    if (!items) return items.error();
    const auto &list = items.value();

    std::vector<std::optional<Response>> responses(list.size());
    struct Pending {
        std::size_t index;
        PreparedCreate create;
    };
    std::vector<Pending> pending;
    auto answer = [&](std::size_t i, Outcome<Response> r) {
        responses[i] = r ? std::move(r).value() : error_response(r.error(), {list[i].client_request_id});
    };
    auto flush = [&] {
        if (pending.empty()) return;
        std::vector<PartnerRepository::NewPartner> rows;
        for (const auto &p : pending) rows.push_back({&p.create.partner, p.create.id_sequence});
        try {
            const std::vector<bool> inserted = repository_.insert_all(rows);
            for (std::size_t k = 0; k < pending.size(); ++k)
                answer(pending[k].index, finish_create(pending[k].create, inserted[k]));
        } catch (const StorageError &e) {
            const GraphError error = storage_error(e);
            for (const auto &p : pending) answer(p.index, error);
        }
        pending.clear();
    };

    for (std::size_t i = 0; i < list.size(); ++i) {
        const BatchItem &item = list[i];
        bool waits_on_pending = false;
        for (std::size_t d : item.depends_on) waits_on_pending = waits_on_pending || !responses[d];
        if (waits_on_pending) flush();
        bool dependency_failed = false;
        for (std::size_t d : item.depends_on) dependency_failed = dependency_failed || responses[d]->status >= 400;
        if (dependency_failed) {
            answer(i, GraphError{424, "failedDependency", "",
                                 "A request this one depends on (dependsOn) failed, so it was not run."});
            continue;
        }
        auto match = match_route(item.method, item.url);
        if (match && match.value().route == Route::batch) {
            answer(i, errors::bad_request("invalidRequest", "A $batch cannot contain another $batch."));
            continue;
        }
        if (match && match.value().route == Route::create_partner) {  // the caller was judged by handle()
            if (auto denied = authorize(caller.value(), Operation::create)) {
                answer(i, *denied);
                continue;
            }
            auto prepared = prepare_create(caller.value(), match.value().query, item.body);
            if (!prepared) {
                answer(i, prepared.error());
                continue;
            }
            pending.push_back({i, std::move(prepared).value()});
            continue;
        }
        flush();  // requests other than creates see the batch's earlier creates committed
        responses[i] = handle(item.method, item.url, caller, item.body, {item.client_request_id});
    }
    flush();

    std::string out = "{\"responses\":[";
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i) out.push_back(',');
        out.append("{\"id\":");
        append_json_string(out, list[i].id);
        out.append(",\"status\":");
        out.append(std::to_string(responses[i]->status));
        if (!responses[i]->body.empty()) {
            out.append(",\"headers\":{\"content-type\":\"application/json\"},\"body\":");
            out.append(responses[i]->body);
        }
        out.push_back('}');
    }
    out.append("]}");
    return Response{200, std::move(out)};
}

}  // namespace cpep
