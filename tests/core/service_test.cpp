#include "core/service.h"
#include "core/json_reader.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace cpep {
namespace {

using json = nlohmann::json;

constexpr const char *kCollection = "/deviceManagement/virtualEndpoint/externalPartners";
constexpr const char *kTenantA = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char *kTenantB = "0d6a1c3e-7e8f-4b5a-9c2d-1e3f5a7b9c0d";
constexpr const char *kPartner = "198d7140-80bb-4843-8cc4-811377a49a92";
const Instant kNow{1604407394'000'000 + 250'000};  // 2020-11-03T12:43:14.25Z

// Chromium's SimpleTestClock: a clock that only moves when told to.
class FakeClock : public Clock {
public:
    explicit FakeClock(Instant t) : now_(t) {}
    Instant now() const override { return now_; }
    void set_now(Instant t) { now_ = t; }
    void advance_seconds(std::int64_t s) { now_ = now_.plus_seconds(s); }

private:
    Instant now_;
};

std::string numbered_uuid(const char *prefix, std::int64_t n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s-0000-4000-8000-%012lld", prefix, static_cast<long long>(n));
    return buf;
}

// Entity ids 00000000-0000-4000-8000-00000000000n with sequence n; request ids from 11111111-….
class CounterIds : public IdGenerator {
public:
    GeneratedId next_entity_id() override {
        ++entities;
        return {numbered_uuid("00000000", entities), entities};
    }
    GeneratedId next_activity_id() override {
        ++activities;
        return {numbered_uuid("22222222", activities), activities};
    }
    std::string next_request_id() override {
        ++requests;
        last_request_id = numbered_uuid("11111111", requests);
        return last_request_id;
    }
    std::int64_t entities = 0;
    std::int64_t activities = 0;
    std::int64_t requests = 0;
    std::string last_request_id;
};

// An in-memory repository with the port's semantics: rows in creation order, (tenant, partnerId)
// unique, every method scoped to a tenant or to a row found in it. Throws StorageError on demand.
class FakeRepository : public PartnerRepository {
public:
    bool insert(const ExternalPartner &p, std::int64_t id_sequence) override {
        ++insert_calls;
        maybe_fail();
        if (find_by_partner_id(p.tenant_id, p.partner_id)) return false;
        rows.push_back({next_seq++, p});
        sequences.push_back(id_sequence);
        return true;
    }
    std::optional<StoredPartner> find(std::string_view tenant_id, std::string_view id) override {
        maybe_fail();
        for (const auto &r : rows)
            if (r.partner.tenant_id == tenant_id && r.partner.id == id) return r;
        return std::nullopt;
    }
    std::optional<StoredPartner> find_by_partner_id(std::string_view tenant_id, std::string_view partner_id) override {
        maybe_fail();
        for (const auto &r : rows)
            if (r.partner.tenant_id == tenant_id && r.partner.partner_id == partner_id) return r;
        return std::nullopt;
    }
    std::vector<StoredPartner> list(std::string_view tenant_id, const PartnerFilter &filter, std::int64_t after_seq,
                                    std::int64_t skip, std::int64_t limit) override {
        maybe_fail();
        std::vector<StoredPartner> out;
        for (const auto &r : rows) {
            if (!matches(r, tenant_id, filter) || r.seq <= after_seq) continue;
            if (skip > 0) {
                --skip;
                continue;
            }
            if (static_cast<std::int64_t>(out.size()) >= limit) break;
            out.push_back(r);
        }
        return out;
    }
    std::int64_t count(std::string_view tenant_id, const PartnerFilter &filter) override {
        maybe_fail();
        std::int64_t n = 0;
        for (const auto &r : rows) n += matches(r, tenant_id, filter) ? 1 : 0;
        return n;
    }
    bool save_connection(const StoredPartner &p) override {
        maybe_fail();
        for (auto &r : rows)
            if (r.seq == p.seq) {
                r.partner.enable_connection = p.partner.enable_connection;
                r.partner.enabled_at = p.partner.enabled_at;
                r.partner.last_heartbeat_at = p.partner.last_heartbeat_at;
                return true;
            }
        return false;
    }
    bool remove(std::string_view tenant_id, std::string_view id) override {
        maybe_fail();
        for (auto it = rows.begin(); it != rows.end(); ++it)
            if (it->partner.tenant_id == tenant_id && it->partner.id == id) {
                rows.erase(it);
                return true;
            }
        return false;
    }
    bool save_agent_setting(std::int64_t partner_seq, const AgentSetting &setting, const ActionReport &report) override {
        maybe_fail();
        for (auto &r : rows)
            if (r.seq == partner_seq) {
                r.partner.agent_setting = setting;
                reports_.push_back({partner_seq, report});
                return true;
            }
        return false;
    }
    bool record_deployment(std::int64_t partner_seq, const std::vector<ActionResult> &results,
                           const std::vector<ActionReport> &new_reports, std::int64_t) override {
        maybe_fail();
        for (const auto &r : results) results_.push_back({partner_seq, {next_seq++, r}});
        for (const auto &r : new_reports) reports_.push_back({partner_seq, r});
        return true;
    }
    std::vector<StoredActionResult> action_results(std::int64_t partner_seq, const ActionResultFilter &filter,
                                                   std::int64_t after_seq, std::int64_t limit) override {
        maybe_fail();
        std::vector<StoredActionResult> out;
        for (const auto &[seq, r] : results_) {
            if (seq != partner_seq || r.seq <= after_seq) continue;
            if (!filter.activity_id.empty() && filter.activity_id != r.result.activity_id) continue;
            if (!filter.cloud_pc_id.empty() && filter.cloud_pc_id != r.result.cloud_pc_id) continue;
            if (static_cast<std::int64_t>(out.size()) >= limit) break;
            out.push_back(r);
        }
        return out;
    }
    std::vector<ActionReport> action_reports(std::int64_t partner_seq) override {
        maybe_fail();
        std::vector<ActionReport> out;
        for (const auto &[seq, r] : reports_)
            if (seq == partner_seq) out.push_back(r);
        return out;
    }

    std::vector<StoredPartner> rows;
    std::vector<std::int64_t> sequences;
    int insert_calls = 0;
    std::optional<StorageFailure> fail_with;
    std::string failure_detail =
        "SQLite error 5 (SQLITE_BUSY): database is locked in INSERT INTO external_partners(id) VALUES(?) at /var/lib/cpep/db.sqlite";

private:
    void maybe_fail() const {
        if (fail_with) throw StorageError(*fail_with, failure_detail);
    }
    static bool matches(const StoredPartner &r, std::string_view tenant_id, const PartnerFilter &f) {
        if (r.partner.tenant_id != tenant_id || f.match_nothing) return false;
        if (f.enable_connection && *f.enable_connection != r.partner.enable_connection) return false;
        if (f.partner_id && *f.partner_id != r.partner.partner_id) return false;
        return true;
    }
    std::int64_t next_seq = 1;
    std::vector<std::pair<std::int64_t, StoredActionResult>> results_;
    std::vector<std::pair<std::int64_t, ActionReport>> reports_;
};

std::string caller_json(const char *tenant, const char *scp) {
    return json{{"tid", tenant}, {"scp", scp}}.dump();
}

Outcome<Caller> writer(const char *tenant = kTenantA) {
    return parse_caller(caller_json(tenant, "CloudPC.ReadWrite.All"));
}
Outcome<Caller> reader(const char *tenant = kTenantA) { return parse_caller(caller_json(tenant, "CloudPC.Read.All")); }
Outcome<Caller> no_caller() { return parse_caller(std::string_view{}); }

std::string create_body(const char *partner = kPartner, bool enable = true) {
    return json{{"partnerId", partner}, {"enableConnection", enable}}.dump();
}

class ServiceTest : public testing::Test {
protected:
    FakeClock clock{kNow};
    CounterIds ids;
    FakeRepository repo;
    ExternalPartnerService service{repo, clock, ids, ServiceSettings{}};

    // Checks the Graph error shape and returns the parsed body.
    json expect_error(const Response &r, int status, std::string_view code, std::string_view inner,
                      std::string_view client_request_id = {}) {
        EXPECT_EQ(r.status, status) << r.body;
        json body = json::parse(r.body);
        EXPECT_EQ(body.size(), 1u);
        const json &error = body.at("error");
        EXPECT_EQ(error.at("code"), code) << r.body;
        EXPECT_TRUE(error.at("message").is_string());
        EXPECT_FALSE(error.at("message").get<std::string>().empty());
        const json &inner_error = error.at("innerError");
        if (inner.empty()) {
            EXPECT_FALSE(inner_error.contains("code")) << r.body;
        } else {
            EXPECT_EQ(inner_error.value("code", ""), inner) << r.body;
        }
        const std::string date = inner_error.at("date").get<std::string>();
        EXPECT_TRUE(std::regex_match(date, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})"))) << date;
        EXPECT_EQ(date, format_error_date(clock.now()));
        EXPECT_EQ(inner_error.at("request-id"), ids.last_request_id);
        if (client_request_id.empty()) {
            EXPECT_FALSE(inner_error.contains("client-request-id")) << r.body;
        } else {
            EXPECT_EQ(inner_error.value("client-request-id", ""), client_request_id);
        }
        return body;
    }
};

TEST_F(ServiceTest, CreateEnabledAnswers201WithTheEntity) {
    Response r = service.create(writer(), create_body(kPartner, true));
    ASSERT_EQ(r.status, 201) << r.body;
    json body = json::parse(r.body);
    EXPECT_EQ(body["@odata.context"],
              "https://graph.microsoft.com/beta/$metadata#deviceManagement/virtualEndpoint/externalPartners/$entity");
    EXPECT_EQ(body["@odata.type"], "#microsoft.graph.cloudPcExternalPartner");
    EXPECT_EQ(body["id"], "00000000-0000-4000-8000-000000000001");
    EXPECT_EQ(body["partnerId"], kPartner);
    EXPECT_EQ(body["enableConnection"], true);
    EXPECT_EQ(body["connectionStatus"], "available");
    EXPECT_EQ(body["statusDetails"], "The external partner is available");
    EXPECT_EQ(body["lastSyncDateTime"], "2020-11-03T12:43:14.25Z");
    EXPECT_TRUE(body["agentSetting"].is_null());
    EXPECT_EQ(body.size(), 9u);

    ASSERT_EQ(repo.rows.size(), 1u);
    EXPECT_EQ(repo.rows[0].partner.tenant_id, kTenantA);
    EXPECT_EQ(repo.rows[0].partner.partner_id, kPartner);
    EXPECT_EQ(repo.rows[0].partner.id, "00000000-0000-4000-8000-000000000001");
    EXPECT_EQ(repo.rows[0].partner.created_at, kNow);
    EXPECT_EQ(repo.sequences, (std::vector<std::int64_t>{1}));
}

TEST_F(ServiceTest, CreateDisabledAnswers201NotAvailable) {
    Response r = service.create(writer(), create_body(kPartner, false));
    ASSERT_EQ(r.status, 201) << r.body;
    json body = json::parse(r.body);
    EXPECT_EQ(body["enableConnection"], false);
    EXPECT_EQ(body["connectionStatus"], "notAvailable");
    EXPECT_EQ(body["statusDetails"], "The external partner connection is disabled");
    EXPECT_TRUE(body["lastSyncDateTime"].is_null());
}

TEST_F(ServiceTest, CreateStoresTheCanonicalPartnerId) {
    Response r = service.create(writer(), create_body("198D7140-80BB-4843-8CC4-811377A49A92"));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(json::parse(r.body)["partnerId"], kPartner);
    ASSERT_EQ(repo.rows.size(), 1u);
    EXPECT_EQ(repo.rows[0].partner.partner_id, kPartner);
}

TEST_F(ServiceTest, HandleRoutesPostToCreate) {
    Response r = service.handle("POST", std::string("https://graph.microsoft.com/beta") + kCollection, writer(),
                                create_body());
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(repo.rows.size(), 1u);
}

TEST_F(ServiceTest, ApplicationCallerCanCreate) {
    auto app = parse_caller(json{{"tid", kTenantA}, {"idtyp", "app"}, {"roles", {"CloudPC.ReadWrite.All"}}}.dump());
    Response r = service.handle("POST", kCollection, app, create_body());
    EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(ServiceTest, DuplicatePartnerIdInSameTenantIs409) {
    ASSERT_EQ(service.create(writer(), create_body()).status, 201);
    Response again = service.create(writer(), create_body("198D7140-80BB-4843-8CC4-811377A49A92", false));
    expect_error(again, 409, "conflict", "partnerAlreadyExists");
    EXPECT_EQ(repo.rows.size(), 1u);
}

TEST_F(ServiceTest, SamePartnerIdInAnotherTenantIs201) {
    ASSERT_EQ(service.create(writer(kTenantA), create_body()).status, 201);
    Response other = service.create(writer(kTenantB), create_body());
    ASSERT_EQ(other.status, 201) << other.body;
    EXPECT_EQ(repo.rows.size(), 2u);
    EXPECT_EQ(repo.rows[1].partner.tenant_id, kTenantB);
    // The conflict in tenant A reveals nothing about tenant B's entity.
    Response dup = service.create(writer(kTenantA), create_body());
    expect_error(dup, 409, "conflict", "partnerAlreadyExists");
    EXPECT_EQ(dup.body.find(kTenantB), std::string::npos);
    EXPECT_EQ(dup.body.find("00000000-0000-4000-8000-000000000002"), std::string::npos);
}

TEST_F(ServiceTest, PermissionIsCheckedBeforeTheBody) {
    const std::string bad_bodies[] = {"{", "", std::string(2 * 1024 * 1024, '['), R"({"unknown":1})",
                                      R"({"partnerId":"x","enableConnection":true})"};
    for (const std::string &body : bad_bodies) {
        SCOPED_TRACE(body.substr(0, 40));
        expect_error(service.create(reader(), body), 403, "forbidden", "missingPermission");
        expect_error(service.handle("POST", kCollection, reader(), body), 403, "forbidden", "missingPermission");
        expect_error(service.create(no_caller(), body), 401, "InvalidAuthenticationToken", "tokenMissing");
        expect_error(service.handle("POST", kCollection, no_caller(), body), 401, "InvalidAuthenticationToken",
                     "tokenMissing");
        expect_error(service.create(writer(kPersonalAccountTenant.data()), body), 403, "forbidden",
                     "personalAccountNotSupported");
    }
    EXPECT_EQ(repo.insert_calls, 0);
}

TEST_F(ServiceTest, InvalidCallerClaimsAre401) {
    auto caller = parse_caller(R"({"scp":"CloudPC.ReadWrite.All"})");
    expect_error(service.handle("POST", kCollection, caller, create_body()), 401, "InvalidAuthenticationToken",
                 "tokenInvalid");
    EXPECT_EQ(repo.insert_calls, 0);
}

TEST_F(ServiceTest, BodyErrorsAreReportedForAuthorisedCallers) {
    expect_error(service.create(writer(), std::string(1024 * 1024 + 1, ' ')), 413, "requestEntityTooLarge", "");
    expect_error(service.create(writer(), "{"), 400, "badRequest", "invalidJson");
    expect_error(service.create(writer(), "[]"), 400, "badRequest", "invalidJson");
    json unknown = expect_error(service.create(writer(), R"({"foo":1,"partnerId":"x"})"), 400, "badRequest",
                                "unknownProperty");
    EXPECT_EQ(unknown["error"]["message"],
              "The property 'foo' does not exist on type 'microsoft.graph.cloudPcExternalPartner'.");
    expect_error(service.create(writer(), R"({"id":"x","partnerId":"x"})"), 400, "badRequest", "propertyNotUpdateable");
    expect_error(service.create(writer(), R"({"enableConnection":true})"), 400, "badRequest", "missingProperty");
    expect_error(service.create(writer(), R"({"partnerId":"198d7140-80bb-4843-8cc4-811377a49a92","enableConnection":1})"),
                 400, "badRequest", "invalidProperty");
    EXPECT_EQ(repo.insert_calls, 0);
}

TEST_F(ServiceTest, BodyLimitComesFromTheSettings) {
    ServiceSettings settings;
    settings.limits.max_bytes = 10;
    ExternalPartnerService small{repo, clock, ids, settings};
    expect_error(small.create(writer(), create_body()), 413, "requestEntityTooLarge", "");
}

TEST_F(ServiceTest, StorageFailuresMapToStatusesWithoutInternals) {
    struct Case {
        StorageFailure failure;
        int status;
        const char *code;
        const char *inner;
    } const cases[] = {
        {StorageFailure::busy, 503, "serviceUnavailable", "storageBusy"},
        {StorageFailure::full, 507, "insufficientStorage", "diskFull"},
        {StorageFailure::other, 500, "internalServerError", "storageError"},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.code);
        repo.fail_with = c.failure;
        Response r = service.create(writer(), create_body());
        json body = expect_error(r, c.status, c.code, c.inner);
        std::string lower = r.body;
        for (char &ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        EXPECT_EQ(lower.find("sql"), std::string::npos) << r.body;
        EXPECT_EQ(lower.find("insert"), std::string::npos) << r.body;
        EXPECT_EQ(lower.find("locked"), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find("/var/lib"), std::string::npos) << r.body;
    }
    EXPECT_TRUE(repo.rows.empty());
}

TEST_F(ServiceTest, QueryStringOnCreateIsInvalidQueryOption) {
    for (const char *query : {"?$select=id", "?x", "?$top=1&$skip=2"}) {
        SCOPED_TRACE(query);
        expect_error(service.handle("POST", std::string(kCollection) + query, writer(), create_body()), 400,
                     "badRequest", "invalidQueryOption");
    }
    EXPECT_EQ(repo.insert_calls, 0);
    // The caller is still checked first.
    expect_error(service.handle("POST", std::string(kCollection) + "?x", reader(), create_body()), 403, "forbidden",
                 "missingPermission");
}

TEST_F(ServiceTest, RoutingComesBeforeTheCaller) {
    const std::string item = std::string(kCollection) + "/00000000-0000-4000-8000-000000000001";
    expect_error(service.handle("POST", "/foo", no_caller(), "{"), 404, "notFound", "resourceNotFound");
    expect_error(service.handle("POST", "/deviceManagement/virtualEndpoint/other", reader(), "{"), 404, "notFound",
                 "resourceNotFound");
    expect_error(service.handle("PUT", kCollection, no_caller(), ""), 405, "methodNotAllowed", "");
    expect_error(service.handle("PATCH", kCollection, reader(), "{"), 405, "methodNotAllowed", "");
    expect_error(service.handle("PUT", item, no_caller(), ""), 405, "methodNotAllowed", "");
    expect_error(service.handle("GET", item + "/configureAgent", no_caller(), ""), 405, "methodNotAllowed", "");
    EXPECT_EQ(repo.insert_calls, 0);
}

// CONTRACT §4 precedence: the caller (401, 403) before existence (404, including a non-GUID id).
TEST_F(ServiceTest, CallerComesBeforeExistence) {
    const std::string missing = std::string(kCollection) + "/not-a-guid";
    expect_error(service.handle("DELETE", missing, no_caller(), ""), 401, "InvalidAuthenticationToken", "tokenMissing");
    expect_error(service.handle("DELETE", missing, reader(), ""), 403, "forbidden", "missingPermission");
    expect_error(service.handle("DELETE", missing, writer(), ""), 404, "notFound", "resourceNotFound");
    expect_error(service.handle("GET", missing, reader(), ""), 404, "notFound", "resourceNotFound");
}

// CONTRACT §2 tenant isolation: another tenant's id answers exactly as an id that does not exist.
TEST_F(ServiceTest, AnotherTenantsEntityIsIndistinguishableFromNone) {
    ASSERT_EQ(service.create(writer(kTenantA), create_body()).status, 201);
    const std::string item = std::string(kCollection) + "/" + repo.rows.at(0).partner.id;
    Response own = service.handle("GET", item, reader(kTenantA), "");
    ASSERT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(json::parse(own.body)["partnerId"], kPartner);

    // The same requests against an engine that never saw the entity, with the same id streams.
    FakeClock empty_clock{kNow};
    CounterIds empty_ids;
    empty_ids.requests = ids.requests;
    FakeRepository empty_repo;
    ExternalPartnerService empty{empty_repo, empty_clock, empty_ids, ServiceSettings{}};
    for (const char *method : {"GET", "DELETE"}) {
        SCOPED_TRACE(method);
        Response foreign = service.handle(method, item, writer(kTenantB), "");
        Response absent = empty.handle(method, item, writer(kTenantB), "");
        EXPECT_EQ(foreign.status, 404);
        EXPECT_EQ(foreign.body, absent.body);
    }
    Response patch = service.handle("PATCH", item, writer(kTenantB), R"({"enableConnection":false})");
    Response patch_absent = empty.handle("PATCH", item, writer(kTenantB), R"({"enableConnection":false})");
    EXPECT_EQ(patch.status, 404);
    EXPECT_EQ(patch.body, patch_absent.body);

    Response list = service.handle("GET", std::string(kCollection) + "?$count=true", reader(kTenantB), "");
    ASSERT_EQ(list.status, 200) << list.body;
    json listed = json::parse(list.body);
    EXPECT_EQ(listed["value"], json::array());
    EXPECT_EQ(listed["@odata.count"], 0);
    // Tenant A's entity is untouched.
    ASSERT_EQ(repo.rows.size(), 1u);
    EXPECT_TRUE(repo.rows[0].partner.enable_connection);
}

TEST_F(ServiceTest, CreatedEntityReadsBackIdentically) {
    Response created = service.create(writer(), create_body());
    ASSERT_EQ(created.status, 201);
    const std::string item = std::string(kCollection) + "/" + json::parse(created.body)["id"].get<std::string>();
    Response got = service.handle("GET", item, reader(), "");
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.body, created.body);
}

TEST_F(ServiceTest, EveryErrorHasAFreshRequestIdAndTheClockDate) {
    Response first = service.handle("POST", "/foo", no_caller(), "");
    const std::string first_id = ids.last_request_id;
    expect_error(first, 404, "notFound", "resourceNotFound");
    clock.set_now(Instant::from_seconds(1700000000));
    Response second = service.create(no_caller(), "");
    expect_error(second, 401, "InvalidAuthenticationToken", "tokenMissing");
    EXPECT_NE(ids.last_request_id, first_id);
    EXPECT_EQ(json::parse(second.body)["error"]["innerError"]["date"], "2023-11-14T22:13:20");
}

TEST_F(ServiceTest, ClientRequestIdIsEchoed) {
    const RequestHeaders headers{"5f0d3f6e-client-\"quoted\""};
    expect_error(service.handle("POST", "/foo", no_caller(), "", headers), 404, "notFound", "resourceNotFound",
                 headers.client_request_id);
    expect_error(service.create(reader(), create_body(), headers), 403, "forbidden", "missingPermission",
                 headers.client_request_id);
    repo.fail_with = StorageFailure::busy;
    expect_error(service.create(writer(), create_body(), headers), 503, "serviceUnavailable", "storageBusy",
                 headers.client_request_id);
    expect_error(service.error_response(errors::conflict("x", "y"), headers), 409, "conflict", "x",
                 headers.client_request_id);
}

// CONTRACT §4: every non-2xx response is the Graph error body, so it must be JSON (and hence
// UTF-8) whatever bytes the request carried. Messages quote parts of the URL; an ASCII-only URL
// can still decode to bytes that are not UTF-8 ("%FF").
TEST_F(ServiceTest, ErrorBodyIsValidJsonForPercentEncodedNonUtf8Id) {
    for (const char *id : {"%FF", "%C3", "abc%ED%A0%80", "%F4%90%80%80"}) {
        SCOPED_TRACE(id);
        for (const char *method : {"GET", "DELETE"}) {
            Response r = service.handle(method, std::string(kCollection) + "/" + id, writer(), "");
            EXPECT_EQ(r.status, 404);
            EXPECT_EQ(find_invalid_utf8(r.body), std::string::npos) << testing::PrintToString(r.body);
            EXPECT_TRUE(json::accept(r.body)) << testing::PrintToString(r.body);
        }
    }
}

TEST_F(ServiceTest, ErrorBodyIsValidJsonForPercentEncodedNonUtf8FunctionParameter) {
    const std::string url = std::string(kCollection) +
                            "/00000000-0000-4000-8000-000000000001/retrieveDeployAgentActionResults(%FF='x')";
    Response r = service.handle("GET", url, reader(), "");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(find_invalid_utf8(r.body), std::string::npos) << testing::PrintToString(r.body);
    EXPECT_TRUE(json::accept(r.body)) << testing::PrintToString(r.body);
}

TEST_F(ServiceTest, ErrorBodyIsValidJsonForNonUtf8PathOrMethod) {
    const std::pair<std::string, std::string> requests[] = {
        {"POST", "/deviceManagement/virtualEndpoint/\xFF"},
        {"POST", "/\xC3"},
        {"\xFF\xFE", kCollection},
    };
    for (const auto &[method, url] : requests) {
        SCOPED_TRACE(testing::PrintToString(method + " " + url));
        Response r = service.handle(method, url, writer(), create_body());
        EXPECT_TRUE(r.status == 404 || r.status == 405) << r.status;
        EXPECT_EQ(find_invalid_utf8(r.body), std::string::npos) << testing::PrintToString(r.body);
        EXPECT_TRUE(json::accept(r.body)) << testing::PrintToString(r.body);
    }
}

TEST_F(ServiceTest, ErrorBodyIsValidJsonForNonUtf8ClientRequestId) {
    const RequestHeaders headers{"req-\xFF"};
    Response r = service.handle("POST", "/foo", no_caller(), "", headers);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(find_invalid_utf8(r.body), std::string::npos) << testing::PrintToString(r.body);
    EXPECT_TRUE(json::accept(r.body)) << testing::PrintToString(r.body);
}

TEST_F(ServiceTest, ErrorResponseWithoutHeadersOmitsClientRequestId) {
    expect_error(service.error_response(errors::not_found("nope")), 404, "notFound", "resourceNotFound");
}

}  // namespace
}  // namespace cpep
