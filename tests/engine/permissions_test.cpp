// CONTRACT §2 for every route except create (covered by the foundation tests): each kind of
// caller against each operation, on a fresh engine where the operation would otherwise succeed.
#include <map>

#include "engine_support.h"

namespace cpep::engine_test {
namespace {

enum class Op { get, list, update, remove, heartbeat, configure, deploy, results, reports };
constexpr Op kOps[] = {Op::get,       Op::list,      Op::update,  Op::remove, Op::heartbeat,
                       Op::configure, Op::deploy,    Op::results, Op::reports};

const char *name_of(Op op) {
    switch (op) {
    case Op::get: return "get";
    case Op::list: return "list";
    case Op::update: return "update";
    case Op::remove: return "delete";
    case Op::heartbeat: return "heartbeat";
    case Op::configure: return "configureAgent";
    case Op::deploy: return "deployAgent";
    case Op::results: return "retrieveDeployAgentActionResults";
    case Op::reports: return "retrieveActionReports";
    }
    return "?";
}

int success_status(Op op) {
    switch (op) {
    case Op::remove:
    case Op::heartbeat:
    case Op::configure: return 204;
    default: return 200;
    }
}

// An engine holding one enabled partner of tenant A with an agent configured and one deployment.
struct Scene {
    std::unique_ptr<Engine> engine = memory_engine();
    std::string partner_id = guid(0xa, 1);
    std::string id;
    Scene() {
        id = create(*engine, admin(kTenantA), partner_id)["id"].get<std::string>();
        if (configure(*engine, admin(kTenantA), id).status != 204) throw std::runtime_error("configure failed");
        if (deploy(*engine, admin(kTenantA), id, {guid(0xc, 1)}).status != 200) throw std::runtime_error("deploy failed");
    }
};

// `bad_body`: send a body that would be refused, to show that the caller check comes first.
Reply perform(Scene &s, Op op, const std::string &caller, bool bad_body = false) {
    Engine &e = *s.engine;
    const std::string junk = "{\"not json";
    switch (op) {
    case Op::get: return send(e, "GET", entity_path(s.id), caller);
    case Op::list: return send(e, "GET", kCollection, caller);
    case Op::update:
        return send(e, "PATCH", entity_path(s.id), caller, bad_body ? junk : R"({"enableConnection": false})");
    case Op::remove: return send(e, "DELETE", entity_path(s.id), caller);
    case Op::heartbeat:
        return send(e, "POST", kHeartbeat, caller, bad_body ? junk : json{{"partnerId", s.partner_id}}.dump());
    case Op::configure:
        return send(e, "POST", configure_path(s.id), caller,
                    bad_body ? junk : json{{"agentSetting", valid_agent_setting()}}.dump());
    case Op::deploy:
        return send(e, "POST", deploy_path(s.id), caller, bad_body ? junk : json{{"cloudPcIds", json::array({guid(0xc, 2)})}}.dump());
    case Op::results: return send(e, "GET", results_path(s.id), caller);
    case Op::reports: return send(e, "GET", reports_path(s.id), caller);
    }
    return {};
}

struct Profile {
    const char *name;
    std::string claims;
    std::set<Op> allowed;
    int denied_status;      // for the operations not allowed
    const char *denied_code;
};

// Keeps test names and logs short: gtest would otherwise print the whole struct as bytes.
void PrintTo(const Profile &p, std::ostream *os) { *os << p.name; }

const std::set<Op> kReads = {Op::get, Op::list, Op::results, Op::reports};
const std::set<Op> kReadWrite = {Op::get, Op::list, Op::results, Op::reports, Op::update, Op::remove};

std::set<Op> with(std::set<Op> s, std::initializer_list<Op> more) {
    s.insert(more);
    return s;
}

std::vector<Profile> profiles() {
    const std::string A = kTenantA;
    return {
        {"no_claims", "", {}, 401, "InvalidAuthenticationToken"},
        {"null_claims", "null", {}, 401, "InvalidAuthenticationToken"},
        {"array_claims", "[]", {}, 401, "InvalidAuthenticationToken"},
        {"claims_not_json", "{\"tid\": ", {}, 401, "InvalidAuthenticationToken"},
        {"no_tid", json{{"idtyp", "user"}, {"scp", "CloudPC.ReadWrite.All"}, {"wids", json::array({kGlobalAdmin})}}.dump(), {}, 401,
         "InvalidAuthenticationToken"},
        {"tid_not_guid",
         json{{"tid", "contoso.onmicrosoft.com"}, {"idtyp", "user"}, {"scp", "CloudPC.ReadWrite.All"}, {"wids", json::array({kGlobalAdmin})}}.dump(),
         {}, 401, "InvalidAuthenticationToken"},
        {"personal_account", delegated(kPersonalTenant, "CloudPC.ReadWrite.All", {kGlobalAdmin}), {}, 403, "forbidden"},
        {"personal_account_app", application(kPersonalTenant, {"CloudPC.ReadWrite.All", "CloudPC.PartnerReadWrite.All"}), {}, 403,
         "forbidden"},
        {"delegated_without_permission", delegated(A, "openid User.Read", {kGlobalAdmin}), {}, 403, "forbidden"},
        {"delegated_read", delegated(A, "CloudPC.Read.All", {kGlobalAdmin}), kReads, 403, "forbidden"},
        {"delegated_readwrite_no_role", delegated(A, "CloudPC.ReadWrite.All"), kReadWrite, 403, "forbidden"},
        {"delegated_readwrite_w365_admin", delegated(A, "CloudPC.ReadWrite.All", {kW365Admin}), with(kReadWrite, {Op::deploy}),
         403, "forbidden"},
        {"delegated_readwrite_global_admin", delegated(A, "CloudPC.ReadWrite.All", {kGlobalAdmin}),
         with(kReadWrite, {Op::deploy, Op::configure}), 403, "forbidden"},
        {"delegated_other_roles_only", delegated(A, "CloudPC.ReadWrite.All", {"f28a1f50-f6e7-4571-818b-6a12f2af6b6c"}), kReadWrite,
         403, "forbidden"},
        {"delegated_upper_case", delegated(upper(A), "CLOUDPC.READWRITE.ALL", {upper(kGlobalAdmin)}),
         with(kReadWrite, {Op::deploy, Op::configure}), 403, "forbidden"},
        {"delegated_by_scp_without_idtyp",
         json{{"tid", A}, {"scp", "CloudPC.ReadWrite.All"}, {"wids", json::array({kGlobalAdmin})}}.dump(),
         with(kReadWrite, {Op::deploy, Op::configure}), 403, "forbidden"},
        {"delegated_partner_permission", delegated(A, "CloudPC.PartnerReadWrite.All", {kGlobalAdmin}), {}, 403, "forbidden"},
        {"delegated_roles_claim_ignored",
         delegated(A, "CloudPC.Read.All", {kGlobalAdmin}, {{"roles", json::array({"CloudPC.ReadWrite.All"})}}), kReads, 403, "forbidden"},
        {"app_read", application(A, {"CloudPC.Read.All"}), kReads, 403, "forbidden"},
        {"app_readwrite", application(A, {"CloudPC.ReadWrite.All"}, {{"wids", json::array({kGlobalAdmin})}}), kReadWrite, 403, "forbidden"},
        {"app_by_roles_without_idtyp", json{{"tid", A}, {"roles", json::array({"CloudPC.ReadWrite.All"})}}.dump(), kReadWrite, 403, "forbidden"},
        {"app_scp_claim_ignored", application(A, {"CloudPC.Read.All"}, {{"scp", "CloudPC.ReadWrite.All"}}), kReads, 403,
         "forbidden"},
        {"app_partner_only", application(A, {"CloudPC.PartnerReadWrite.All"}), {Op::heartbeat}, 403, "forbidden"},
        {"app_partner_only_without_idtyp", json{{"tid", A}, {"roles", json::array({"cloudpc.partnerreadwrite.all"})}}.dump(), {Op::heartbeat},
         403, "forbidden"},
        {"app_partner_and_readwrite", application(A, {"CloudPC.ReadWrite.All", "CloudPC.PartnerReadWrite.All"}),
         with(kReadWrite, {Op::heartbeat}), 403, "forbidden"},
    };
}

class PermissionMatrix : public ::testing::TestWithParam<Profile> {};

TEST_P(PermissionMatrix, EachOperationIsAllowedOrRefusedAsContractSection2Says) {
    const Profile &p = GetParam();
    for (Op op : kOps) {
        SCOPED_TRACE(name_of(op));
        Scene scene;
        Reply r = perform(scene, op, p.claims);
        if (p.allowed.count(op)) {
            EXPECT_EQ(r.status, success_status(op)) << r.body;
        } else {
            expect_graph_error(r, p.denied_status, p.denied_code);
            // The caller check runs before the body is looked at.
            expect_graph_error(perform(scene, op, p.claims, /*bad_body=*/true), p.denied_status, p.denied_code);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Callers, PermissionMatrix, ::testing::ValuesIn(profiles()),
                         [](const ::testing::TestParamInfo<Profile> &param) { return std::string(param.param.name); });

TEST(Permissions, InnerCodesNameTheReason) {
    Scene s;
    const std::string A = kTenantA;
    expect_graph_error(perform(s, Op::get, ""), 401, "InvalidAuthenticationToken", "tokenMissing");
    expect_graph_error(perform(s, Op::get, "[]"), 401, "InvalidAuthenticationToken", "tokenInvalid");
    expect_graph_error(perform(s, Op::get, delegated(kPersonalTenant, "CloudPC.Read.All")), 403, "forbidden",
                       "personalAccountNotSupported");
    expect_graph_error(perform(s, Op::update, reader(A)), 403, "forbidden", "missingPermission");
    expect_graph_error(perform(s, Op::configure, delegated(A, "CloudPC.ReadWrite.All", {kW365Admin})), 403, "forbidden",
                       "missingRole");
    expect_graph_error(perform(s, Op::deploy, delegated(A, "CloudPC.ReadWrite.All")), 403, "forbidden", "missingRole");
    expect_graph_error(perform(s, Op::configure, app_writer(A)), 403, "forbidden", "applicationNotSupported");
    expect_graph_error(perform(s, Op::deploy, app_writer(A)), 403, "forbidden", "applicationNotSupported");
    expect_graph_error(perform(s, Op::heartbeat, app_writer(A)), 403, "forbidden", "missingPermission");
}

TEST(Permissions, UnknownPathAndWrongMethodComeBeforeTheCaller) {
    Scene s;
    Engine &e = *s.engine;
    expect_graph_error(send(e, "GET", "/deviceManagement/virtualEndpoint/externalPartnerz", ""), 404, "notFound");
    expect_graph_error(send(e, "GET", entity_path(s.id) + "/unknownAction", ""), 404, "notFound");
    expect_graph_error(send(e, "GET", "/partnerApi/other", ""), 404, "notFound");
    expect_graph_error(send(e, "PUT", entity_path(s.id), ""), 405, "methodNotAllowed");
    expect_graph_error(send(e, "DELETE", kCollection, ""), 405, "methodNotAllowed");
    expect_graph_error(send(e, "GET", configure_path(s.id), ""), 405, "methodNotAllowed");
    expect_graph_error(send(e, "GET", deploy_path(s.id), ""), 405, "methodNotAllowed");
    expect_graph_error(send(e, "POST", reports_path(s.id), ""), 405, "methodNotAllowed");
    expect_graph_error(send(e, "POST", results_path(s.id), ""), 405, "methodNotAllowed");
    expect_graph_error(send(e, "GET", kHeartbeat, ""), 405, "methodNotAllowed");
    expect_graph_error(send(e, "PATCH", kHeartbeat, partner_app(kTenantA)), 405, "methodNotAllowed");
}

TEST(Permissions, ErrorBodiesAreJsonWhateverTheRequestHolds) {
    Scene s;
    Engine &e = *s.engine;
    const std::string long_segment(5000, 'a');
    for (const std::string &url : {kCollection + "/%FF%FE", kCollection + "/\xff\xfe", kCollection + "/%C0%AF",
                                   std::string("/deviceManagement/\xc3(/x"), kCollection + "/" + s.id + "/\xe2\x82",
                                   kCollection + "/" + long_segment, kCollection + "/%00", kCollection + "/\"%0A\\"}) {
        SCOPED_TRACE(url);
        expect_graph_error(send(e, "GET", url, reader(kTenantA)), 404, "notFound");
    }
    expect_graph_error(send(e, "G\xffT", entity_path(s.id), reader(kTenantA)), 405, "methodNotAllowed");
    expect_graph_error(send(e, std::string(300, 'X'), entity_path(s.id), reader(kTenantA)), 405, "methodNotAllowed");
    Response r = e.request("GET", entity_path(guid(0xdead, 1)), reader(kTenantA), {}, RequestHeaders{"\xff\"\n"});
    expect_graph_error({r.status, r.body}, 404, "notFound");
}

TEST(Permissions, CallerProblemsComeBeforeExistence) {
    Scene s;
    const std::string unknown = guid(0xdead, 1);
    expect_graph_error(send(*s.engine, "GET", entity_path(unknown), reader(kPersonalTenant)), 403, "forbidden");
    expect_graph_error(send(*s.engine, "DELETE", entity_path(unknown), reader(kTenantA)), 403, "forbidden");
    expect_graph_error(send(*s.engine, "GET", entity_path("not-a-guid"), ""), 401, "InvalidAuthenticationToken");
    expect_graph_error(heartbeat(*s.engine, delegated(kTenantA, "CloudPC.PartnerReadWrite.All"), unknown), 403, "forbidden");
}

}  // namespace
}  // namespace cpep::engine_test
