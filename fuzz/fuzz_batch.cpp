// Input: a POST /$batch body, sent by the delegated Global Administrator (every route but the
// heartbeat is open to it; a heartbeat item answers 403). Two partners exist (the same as in
// fuzz_url). Oracles beyond fuzz_support.h: a 200 envelope holds {"responses": [...]}, one per
// request in request order, each with the request's id and a status and body that pass check()
// themselves (424 failedDependency allowed); a 200 envelope comes from a JSON object body. The
// engine is recreated after a batch that changed anything, so every input meets the same state.
#include "fuzz/fuzz_support.h"

using namespace cpep_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static Harness h(two_partners, 1);
    const std::string_view body = as_view(data, size);
    const std::string_view url = size % 2 ? "/$batch" : "https://graph.microsoft.com/beta/$batch";
    const cpep::Response r = h.request("POST", url, kAdmin, body);
    if (r.status != 200) return 0;

    const nlohmann::json request = nlohmann::json::parse(body, nullptr, false);
    if (request.is_discarded() || !request.is_object()) fail("$batch 200 for a body that is not a JSON object", "POST", url, kAdmin, body, 200, r.body);
    const auto requests = request.find("requests");
    if (requests == request.end() || !requests->is_array()) fail("$batch 200 without a requests array", "POST", url, kAdmin, body, 200, r.body);
    const nlohmann::json answer = nlohmann::json::parse(r.body);
    const auto responses = answer.find("responses");
    if (answer.size() != 1 || responses == answer.end() || !responses->is_array() || responses->size() != requests->size())
        fail("$batch envelope is not {\"responses\": [one per request]}", "POST", url, kAdmin, body, 200, r.body);

    bool changed = false;
    for (std::size_t i = 0; i < responses->size(); ++i) {
        const nlohmann::json &item = (*responses)[i];
        const nlohmann::json &asked = (*requests)[i];
        if (!item.is_object() || !item.contains("id") || !asked.contains("id") || item["id"] != asked["id"])
            fail("$batch response out of order or without the request's id", "POST", url, kAdmin, body, 200, r.body);
        const auto status = item.find("status");
        if (status == item.end() || !status->is_number_integer()) fail("$batch item without an integer status", "POST", url, kAdmin, body, 200, r.body);
        cpep::Response inner{status->get<int>(), {}};
        if (const auto b = item.find("body"); b != item.end()) {
            if (inner.status == 204) fail("$batch 204 item with a body", "POST", url, kAdmin, body, 200, r.body);
            inner.body = b->dump();
        } else if (inner.status != 204) {
            fail("$batch non-204 item without a body", "POST", url, kAdmin, body, 200, r.body);
        }
        const std::string method = asked.value("method", std::string());
        check(inner, method, asked.value("url", std::string()), kAdmin, body, /*in_batch=*/true);
        if (inner.status >= 200 && inner.status < 300 && method != "GET") changed = true;
    }
    if (changed) h.grown();  // limit 1: a fresh engine for the next input
    return 0;
}
