// Input: the caller's claims JSON, with fixed valid requests: a create (deleted again by the same
// caller when it succeeds), a list, a get, a PATCH to the current value, configureAgent,
// deployAgent and a heartbeat on pre-created entities of the fixed tenant.
// Oracles beyond fuzz_support.h: whoever may create may delete what it created (204); the caller
// is judged before the body, so no caller sees a 400 for these valid bodies; a caller that is
// refused with 401 is refused with 401 everywhere.
#include "fuzz/fuzz_support.h"

using namespace cpep_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static Harness h(two_partners, 100);
    const std::string_view caller = as_view(data, size);
    const std::string a = std::string(kCollection) + "/" + h.id_a;
    const std::string create_body =
        R"({"@odata.type":"#microsoft.graph.cloudPcExternalPartner","partnerId":"9adc7d86-6411-407e-b936-abfa0470dccf","enableConnection":true})";

    int statuses[8];
    int n = 0;
    const cpep::Response created = h.request("POST", kCollection, caller, create_body);
    statuses[n++] = created.status;
    if (created.status == 201) {
        const std::string id = nlohmann::json::parse(created.body).at("id").get<std::string>();
        h.must(204, "DELETE", std::string(kCollection) + "/" + id, caller, {});
    }
    statuses[n++] = h.request("GET", std::string(kCollection) + "?$count=true", caller, {}).status;
    statuses[n++] = h.request("GET", a, caller, {}).status;
    statuses[n++] = h.request("PATCH", a, caller, R"({"enableConnection":true})").status;
    statuses[n++] = h.request("POST", a + "/configureAgent", caller,
                              R"({"agentSetting":{"agentUrl":"https://rmm.example.com/agent/agent.msi",)"
                              R"("agentSha256":"EC6AF1EA0367D16DDE6639A89A080A524CEBC4D4BEDFE00ED0CAC4B865A918D8"}})")
                       .status;
    const cpep::Response deployed =
        h.request("POST", a + "/deployAgent", caller, R"({"cloudPcIds":["30d0e128-de93-41dc-89ec-33d84bb662a0"]})");
    statuses[n++] = deployed.status;
    const cpep::Response beat = h.request("POST", kHeartbeat, caller, R"({"partnerId":"198d7140-80bb-4843-8cc4-811377a49a92"})");
    statuses[n++] = beat.status;
    statuses[n++] = h.request("GET", a + "/retrieveActionReports", caller, {}).status;

    bool any401 = false, all401 = true;
    for (int i = 0; i < n; ++i) {
        if (statuses[i] == 400) fail("a valid body answered 400 (caller judged after the body?)", "*", a, caller, {}, 400, {});
        any401 |= statuses[i] == 401;
        all401 &= statuses[i] == 401;
    }
    if (any401 && !all401) fail("401 on some routes but not on others", "*", a, caller, {}, 401, {});
    if (deployed.status == 200 || beat.status == 204 || created.status == 201) h.grown();
    return 0;
}
