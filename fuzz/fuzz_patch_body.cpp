// Input: a PATCH body for partner A (enabled). A 200 must come from a JSON object body and must
// be readable back with GET; the engine is recreated now and then (a PATCH adds no rows, but
// re-enabling forgets heartbeats, so the state stays small anyway).
#include "fuzz/fuzz_support.h"

using namespace cpep_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static Harness h(two_partners, 20000);
    const std::string_view body = as_view(data, size);
    const std::string a = std::string(kCollection) + "/" + h.id_a;
    const cpep::Response r = h.request("PATCH", a, kAdmin, body);
    if (r.status == 200) {
        const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object()) fail("200 for a body that is not a JSON object", "PATCH", a, kAdmin, body, 200, r.body);
        const cpep::Response got = h.must(200, "GET", a, kAdmin, {});
        if (nlohmann::json::parse(got.body) != nlohmann::json::parse(r.body))
            fail("GET after PATCH differs from the PATCH answer", "PATCH", a, kAdmin, body, 200, r.body + "\n---\n" + got.body);
    }
    // The same body through the application caller on partner B (disabled).
    h.request("PATCH", std::string(kCollection) + "/" + h.id_b, kApp, body);
    h.grown();
    return 0;
}
