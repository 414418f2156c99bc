// Input: byte 0 chooses the action (byte % 3: configureAgent, deployAgent, heartbeat) and the
// partner (byte / 3 % 2: A enabled with an agent configured, or B disabled without one); the rest
// is the body. configureAgent and deployAgent are called by the delegated Global Administrator,
// the heartbeat by the application holding CloudPC.PartnerReadWrite.All (its body names the
// partner, so the selector does not matter there). Successful actions add rows (action results,
// reports, heartbeats): after each, the reports are read back, and the engine is recreated after
// 200 of them so reads stay cheap.
#include "fuzz/fuzz_support.h"

using namespace cpep_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static Harness h(two_partners, 200);
    if (size == 0) return 0;
    const unsigned action = data[0] % 3;
    const std::string &id = (data[0] / 3) % 2 ? h.id_b : h.id_a;
    const std::string_view body = as_view(data + 1, size - 1);
    const std::string entity = std::string(kCollection) + "/" + id;
    cpep::Response r;
    switch (action) {
    case 0: r = h.request("POST", entity + "/configureAgent", kAdmin, body); break;
    case 1: r = h.request("POST", entity + "/deployAgent", kAdmin, body); break;
    default: r = h.request("POST", kHeartbeat, kApp, body); break;
    }
    if (r.status >= 200 && r.status < 300) {
        const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_object()) fail("2xx for a body that is not a JSON object", "POST", entity, {}, body, r.status, r.body);
        h.must(200, "GET", entity + "/retrieveActionReports", kAdmin, {});
        if (action == 1) {
            const std::string activity = nlohmann::json::parse(r.body).at("value").get<std::string>();
            h.must(200, "GET", entity + "/retrieveDeployAgentActionResults(activityId='" + activity + "',cloudPcId='')", kAdmin, {});
        }
        // A configureAgent on A that succeeded replaced its setting: deployAgent on A still works
        // because any successful configure leaves a valid setting.
        h.grown();
    }
    return 0;
}
