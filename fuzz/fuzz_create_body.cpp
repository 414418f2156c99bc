// Input: a create body. It goes through Engine::create_external_partner and through
// Engine::request("POST", collection); both must give the same status (they are the same
// operation), a 201 must come from a body that is a JSON object, and the created entity is
// deleted again (204) so the database stays empty between iterations.
#include "fuzz/fuzz_support.h"

using namespace cpep_fuzz;

namespace {

void remove_created(Harness &h, const cpep::Response &r, std::string_view body) {
    if (r.status != 201) return;
    const nlohmann::json j = nlohmann::json::parse(r.body);
    const auto id = j.find("id");
    if (id == j.end() || !id->is_string()) fail("201 without an id", "POST", kCollection, kApp, body, r.status, r.body);
    const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        fail("201 for a body that is not a JSON object", "POST", kCollection, kApp, body, r.status, r.body);
    h.must(204, "DELETE", std::string(kCollection) + "/" + id->get<std::string>(), kApp, {});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static Harness h(nullptr, 5000);
    const std::string_view body = as_view(data, size);
    const cpep::Response direct = h.create(kApp, body);
    remove_created(h, direct, body);
    const cpep::Response routed = h.request("POST", kCollection, kApp, body);
    remove_created(h, routed, body);
    if (direct.status != routed.status)
        fail("create_external_partner and POST collection disagree", "POST", kCollection, kApp, body, routed.status,
             direct.body + "\n---\n" + routed.body);
    h.grown();  // the id counter advances; recreate now and then anyway
    return 0;
}
