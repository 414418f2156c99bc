// Input: byte 0 chooses the method (GET, POST, PATCH, DELETE, PUT: byte % 5) and the caller
// (byte / 5 % 2: delegated Global Administrator, or the application holding ReadWrite.All and
// PartnerReadWrite.All); the rest, up to the first '\n', is the URL with its query options; what
// follows that '\n' is the body. Two partners exist (ids are deterministic: the engine runs with
// an idSeed, so the dictionary and the corpus hold them). A request that changes state (a 2xx to
// anything but GET) makes the harness recreate the engine, so every input meets the same state.
#include "fuzz/fuzz_support.h"

using namespace cpep_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static Harness h(two_partners, 1);
    if (size == 0) return 0;
    static constexpr std::string_view kMethods[] = {"GET", "POST", "PATCH", "DELETE", "PUT"};
    const std::string_view method = kMethods[data[0] % 5];
    const std::string_view caller = (data[0] / 5) % 2 ? kApp : kAdmin;
    std::string_view rest = as_view(data + 1, size - 1);
    std::string_view url = rest, body;
    if (const auto nl = rest.find('\n'); nl != std::string_view::npos) {
        url = rest.substr(0, nl);
        body = rest.substr(nl + 1);
    }
    const cpep::Response r = h.request(method, url, caller, body);
    if (method != "GET" && r.status >= 200 && r.status < 300) h.grown();  // limit 1: a fresh engine
    return 0;
}
