#pragma once
// Shared harness for the libFuzzer targets: one ":memory:" cpep::Engine per process, deterministic
// (frozen clock, seeded ids), recreated when its state has grown enough; and the oracles every
// answer must pass (CONTRACT §4 and §6):
//   - the status is 200, 201, 204 or one of the error statuses of §4, and never a 5xx on an
//     in-memory database (nothing can fail underneath it, so a 5xx means an unexpected failure;
//     set CPEP_FUZZ_ALLOW_5XX=1 to let the fuzzer go past one while it is being fixed);
//   - a 204 has an empty body; every other body is valid JSON (nlohmann, UTF-8 checked);
//   - a 2xx body is a JSON object; an error body is Graph's {"error": {"code", "message",
//     "innerError": {"code"?, "date", "request-id"}}} with the code of its status;
//   - no exception leaves cpep::Engine (the C ABI would turn one into a 500).
// A violated oracle prints the request and the answer and calls abort(), which libFuzzer reports
// as a crash and saves as a reproducer.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bindings/engine.h"

namespace cpep_fuzz {

inline constexpr std::string_view kCollection = "/deviceManagement/virtualEndpoint/externalPartners";
inline constexpr std::string_view kHeartbeat = "/partnerApi/heartbeat";
inline constexpr std::string_view kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
inline constexpr std::string_view kPartnerA = "198d7140-80bb-4843-8cc4-811377a49a92";  // enabled, agent configured
inline constexpr std::string_view kPartnerB = "459a0e56-da26-4ba1-a729-8eeef733425b";  // disabled

// Delegated Global Administrator with CloudPC.ReadWrite.All: every route but the heartbeat.
inline constexpr std::string_view kAdmin =
    R"({"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","idtyp":"user","scp":"CloudPC.ReadWrite.All openid",)"
    R"("oid":"5e1f0c2a-35d8-4d16-9c0b-1d2b3b4c5d6e","appid":"14d82eec-204b-4c2f-b7e8-296a70dab67e",)"
    R"("upn":"admin@contoso.com","wids":["62e90394-69f5-4237-9190-012177145e10"]})";
// Application with CloudPC.ReadWrite.All and CloudPC.PartnerReadWrite.All: CRUD and the heartbeat.
inline constexpr std::string_view kApp =
    R"({"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","idtyp":"app",)"
    R"("roles":["CloudPC.ReadWrite.All","CloudPC.PartnerReadWrite.All"],"appid":"0e4a3c1d-2b5f-4a6e-8d7c-9f0a1b2c3d4e"})";

inline constexpr const char *kOptions =
    R"({"durability":"normal","now":"2020-11-03T12:43:14Z","idSeed":"cpep-fuzz"})";

[[noreturn]] inline void fail(const char *what, std::string_view method, std::string_view url,
                              std::string_view caller, std::string_view body, int status,
                              std::string_view answer) {
    std::fprintf(stderr,
                 "\n==cpep-fuzz== ORACLE VIOLATED: %s\n  method: %.*s\n  url:    %.*s\n  caller: %.*s\n"
                 "  body (%zu bytes): %.*s\n  status: %d\n  answer (%zu bytes): %.*s\n",
                 what, int(method.size()), method.data(), int(url.size()), url.data(), int(caller.size()),
                 caller.data(), body.size(), int(body.size() > 2000 ? 2000 : body.size()), body.data(), status,
                 answer.size(), int(answer.size() > 4000 ? 4000 : answer.size()), answer.data());
    std::abort();
}

inline const char *expected_error_code(int status, bool in_batch = false) {
    if (in_batch && status == 424) return "failedDependency";  // a $batch item whose dependency failed
    switch (status) {
    case 400: return "badRequest";
    case 401: return "InvalidAuthenticationToken";
    case 403: return "forbidden";
    case 404: return "notFound";
    case 405: return "methodNotAllowed";
    case 409: return "conflict";
    case 413: return "requestEntityTooLarge";
    case 500: return "internalServerError";
    case 503: return "serviceUnavailable";
    case 507: return "insufficientStorage";
    default: return nullptr;
    }
}

inline bool env_flag(const char *name) {
    const char *v = std::getenv(name);
    return v && *v && *v != '0';
}

inline bool allow_5xx() {
    static const bool allowed = env_flag("CPEP_FUZZ_ALLOW_5XX");
    return allowed;
}

// CPEP_FUZZ_SELFTEST=1 turns every 2xx into a finding: scripts/fuzz.sh must then fail, which
// proves a finding reaches its exit status (scripts/fuzz.sh selftest).
inline bool selftest() {
    static const bool on = env_flag("CPEP_FUZZ_SELFTEST");
    return on;
}

// CPEP_FUZZ_VERBOSE=1 prints every request and its answer (to replay a reproducer by hand).
inline bool verbose() {
    static const bool on = env_flag("CPEP_FUZZ_VERBOSE");
    return on;
}

// Checks one answer against the oracles above; returns it unchanged. `in_batch`: the answer is
// one item of a $batch response, which may also be 424 failedDependency.
inline const cpep::Response &check(const cpep::Response &r, std::string_view method, std::string_view url,
                                   std::string_view caller, std::string_view body, bool in_batch = false) {
    const int s = r.status;
    if (verbose())
        std::fprintf(stderr, "==cpep-fuzz== %.*s %.*s (body %zu bytes) -> %d %.*s\n", int(method.size()), method.data(),
                     int(url.size()), url.data(), body.size(), s, int(r.body.size() > 300 ? 300 : r.body.size()), r.body.data());
    const bool success = s == 200 || s == 201 || s == 204;
    const char *code = expected_error_code(s, in_batch);
    if (!success && !code) fail("status outside CONTRACT §4 and 200/201/204", method, url, caller, body, s, r.body);
    if (success && selftest()) fail("self-test: a 2xx counts as a finding", method, url, caller, body, s, r.body);
    if (s >= 500 && !allow_5xx()) fail("5xx from an in-memory engine", method, url, caller, body, s, r.body);
    if (s == 204) {
        if (!r.body.empty()) fail("204 with a body", method, url, caller, body, s, r.body);
        return r;
    }
    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) fail("response body is not valid JSON", method, url, caller, body, s, r.body);
    if (!j.is_object()) fail("response body is not a JSON object", method, url, caller, body, s, r.body);
    if (success) return r;
    const auto e = j.find("error");
    if (e == j.end() || !e->is_object()) fail("error body without an \"error\" object", method, url, caller, body, s, r.body);
    const auto c = e->find("code");
    if (c == e->end() || !c->is_string() || c->get_ref<const std::string &>() != code)
        fail("error.code does not match the status", method, url, caller, body, s, r.body);
    const auto m = e->find("message");
    if (m == e->end() || !m->is_string() || m->get_ref<const std::string &>().empty())
        fail("error.message missing or empty", method, url, caller, body, s, r.body);
    const auto inner = e->find("innerError");
    if (inner == e->end() || !inner->is_object()) fail("error.innerError missing", method, url, caller, body, s, r.body);
    for (const char *k : {"date", "request-id"}) {
        const auto v = inner->find(k);
        if (v == inner->end() || !v->is_string()) fail("innerError.date/request-id missing", method, url, caller, body, s, r.body);
    }
    return r;
}

// The process's engine. `grown()` counts requests that added rows; past `limit` of them the
// engine is replaced by a fresh one (set up again by the target's `setup`), so neither memory nor
// the cost of a request grows without bound over millions of iterations.
class Harness {
public:
    using Setup = void (*)(Harness &);
    Harness(Setup setup, unsigned limit) : setup_(setup), limit_(limit) { reset(); }

    void reset() {
        engine_.reset();
        engine_ = std::make_unique<cpep::Engine>(":memory:", kOptions);
        grown_ = 0;
        if (setup_) setup_(*this);
    }
    void grown() {
        if (++grown_ >= limit_) reset();
    }

    cpep::Response request(std::string_view method, std::string_view url, std::string_view caller,
                           std::string_view body) {
        cpep::Response r;
        try {
            r = engine_->request(method, url, caller, body);
        } catch (const std::exception &ex) {
            fail(ex.what(), method, url, caller, body, -1, "an exception left cpep::Engine::request");
        } catch (...) {
            fail("unknown exception", method, url, caller, body, -1, "an exception left cpep::Engine::request");
        }
        return check(r, method, url, caller, body);
    }
    cpep::Response create(std::string_view caller, std::string_view body) {
        cpep::Response r;
        try {
            r = engine_->create_external_partner(caller, body);
        } catch (const std::exception &ex) {
            fail(ex.what(), "create_external_partner", kCollection, caller, body, -1, "an exception left it");
        } catch (...) {
            fail("unknown exception", "create_external_partner", kCollection, caller, body, -1, "an exception left it");
        }
        return check(r, "create_external_partner", kCollection, caller, body);
    }

    // Set-up helpers: a request that must answer `status`, else the harness itself is wrong.
    cpep::Response must(int status, std::string_view method, std::string_view url, std::string_view caller,
                        std::string_view body) {
        cpep::Response r = request(method, url, caller, body);
        if (r.status != status) fail("set-up request answered an unexpected status", method, url, caller, body, r.status, r.body);
        return r;
    }
    // Creates a partner and returns its id.
    std::string create_partner(std::string_view partner_id, bool enabled) {
        const std::string body = std::string(R"({"partnerId":")") + std::string(partner_id) +
                                 R"(","enableConnection":)" + (enabled ? "true" : "false") + "}";
        const cpep::Response r = must(201, "POST", kCollection, kAdmin, body);
        return nlohmann::json::parse(r.body).at("id").get<std::string>();
    }

    std::string id_a, id_b;  // the targets' pre-created entities, when they have any

private:
    std::unique_ptr<cpep::Engine> engine_;
    Setup setup_;
    unsigned limit_;
    unsigned grown_ = 0;
};

// Partner A (enabled, agent configured) and partner B (disabled), in kTenant.
inline void two_partners(Harness &h) {
    h.id_a = h.create_partner(kPartnerA, true);
    h.id_b = h.create_partner(kPartnerB, false);
    h.must(204, "POST", std::string(kCollection) + "/" + h.id_a + "/configureAgent", kAdmin,
           R"({"agentSetting":{"agentUrl":"https://rmm.example.com/agent/agent.msi",)"
           R"("agentSha256":"EC6AF1EA0367D16DDE6639A89A080A524CEBC4D4BEDFE00ED0CAC4B865A918D8",)"
           R"("installParameters":["/quiet"],"autoDeploymentEnabled":false}})");
}

inline std::string_view as_view(const uint8_t *data, size_t size) {
    return {reinterpret_cast<const char *>(data), size};
}

}  // namespace cpep_fuzz
