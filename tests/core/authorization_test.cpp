#include "core/authorization.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cpep {
namespace {

using Strings = std::vector<std::string>;

constexpr const char *kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char *kRead = "cloudpc.read.all";
constexpr const char *kReadWrite = "cloudpc.readwrite.all";
constexpr const char *kPartner = "cloudpc.partnerreadwrite.all";
const std::string kGA(kGlobalAdministratorRole);
const std::string kW365(kWindows365AdministratorRole);
constexpr const char *kOtherRole = "fe930be7-5e62-47db-91af-98c3a49a38b1";  // User Administrator

Caller make_caller(CallerKind kind, Strings permissions, Strings roles = {}, std::string tenant = kTenant) {
    Caller c;
    c.tenant_id = std::move(tenant);
    c.kind = kind;
    c.permissions = std::move(permissions);
    c.role_ids = std::move(roles);
    return c;
}
Caller delegated(Strings permissions, Strings roles = {}) {
    return make_caller(CallerKind::delegated, std::move(permissions), std::move(roles));
}
Caller application(Strings permissions, Strings roles = {}) {
    return make_caller(CallerKind::application, std::move(permissions), std::move(roles));
}

const char *name_of(Operation op) {
    switch (op) {
    case Operation::create: return "create";
    case Operation::update: return "update";
    case Operation::remove: return "remove";
    case Operation::list: return "list";
    case Operation::get: return "get";
    case Operation::retrieve_deploy_agent_action_results: return "retrieveDeployAgentActionResults";
    case Operation::retrieve_action_reports: return "retrieveActionReports";
    case Operation::configure_agent: return "configureAgent";
    case Operation::deploy_agent: return "deployAgent";
    case Operation::partner_heartbeat: return "partnerHeartbeat";
    case Operation::batch: return "batch";
    }
    return "?";
}

constexpr Operation kAllOperations[] = {
    Operation::create, Operation::update, Operation::remove, Operation::list, Operation::get,
    Operation::retrieve_deploy_agent_action_results, Operation::retrieve_action_reports,
    Operation::configure_agent, Operation::deploy_agent, Operation::partner_heartbeat};

struct Row {
    const char *name;
    Caller caller;
    Operation op;
    const char *inner;  // nullptr: allowed
};

void check(const Row &row) {
    SCOPED_TRACE(std::string(row.name) + " / " + name_of(row.op));
    auto denied = authorize(row.caller, row.op);
    if (row.inner == nullptr) {
        EXPECT_FALSE(denied.has_value()) << (denied ? denied->inner_code + ": " + denied->message : "");
        return;
    }
    ASSERT_TRUE(denied.has_value());
    EXPECT_EQ(denied->status, 403);
    EXPECT_EQ(denied->code, "forbidden");
    EXPECT_FALSE(denied->message.empty());
    if (*row.inner != '\0') {
        EXPECT_EQ(denied->inner_code, row.inner);
    } else {
        EXPECT_FALSE(denied->inner_code.empty());
    }
}

constexpr Operation kWriteOperations[] = {Operation::create, Operation::update, Operation::remove};
constexpr Operation kReadOperations[] = {Operation::list, Operation::get,
                                         Operation::retrieve_deploy_agent_action_results,
                                         Operation::retrieve_action_reports};

TEST(Authorization, CreateUpdateRemoveNeedReadWrite) {
    for (Operation op : kWriteOperations) {
        const Row rows[] = {
            {"delegated ReadWrite", delegated({kReadWrite}), op, nullptr},
            {"application ReadWrite", application({kReadWrite}), op, nullptr},
            {"delegated Read only", delegated({kRead}), op, "missingPermission"},
            {"application Read only", application({kRead}), op, "missingPermission"},
            {"delegated nothing", delegated({}), op, "missingPermission"},
            {"application nothing", application({}), op, "missingPermission"},
            {"delegated unrelated", delegated({"openid", "user.read"}), op, "missingPermission"},
            {"application Partner only", application({kPartner}), op, "missingPermission"},
            {"delegated Read + GA", delegated({kRead}, {kGA}), op, "missingPermission"},
        };
        for (const Row &row : rows) check(row);
    }
}

TEST(Authorization, ReadOperationsAcceptReadOrReadWrite) {
    for (Operation op : kReadOperations) {
        const Row rows[] = {
            {"delegated Read", delegated({kRead}), op, nullptr},
            {"application Read", application({kRead}), op, nullptr},
            {"delegated ReadWrite", delegated({kReadWrite}), op, nullptr},
            {"application ReadWrite", application({kReadWrite}), op, nullptr},
            {"delegated both", delegated({kRead, kReadWrite}), op, nullptr},
            {"delegated nothing", delegated({}), op, "missingPermission"},
            {"application nothing", application({}), op, "missingPermission"},
            {"delegated unrelated", delegated({"openid", "cloudpc.read"}), op, "missingPermission"},
        };
        for (const Row &row : rows) check(row);
    }
}

TEST(Authorization, ConfigureAgent) {
    const Operation op = Operation::configure_agent;
    const Row rows[] = {
        {"application with everything", application({kRead, kReadWrite, kPartner}, {kGA}), op,
         "applicationNotSupported"},
        {"application ReadWrite", application({kReadWrite}), op, "applicationNotSupported"},
        {"delegated Read + GA", delegated({kRead}, {kGA}), op, "missingPermission"},
        {"delegated nothing + GA", delegated({}, {kGA}), op, "missingPermission"},
        {"delegated ReadWrite, no role", delegated({kReadWrite}), op, "missingRole"},
        {"delegated ReadWrite + W365 admin", delegated({kReadWrite}, {kW365}), op, "missingRole"},
        {"delegated ReadWrite + other role", delegated({kReadWrite}, {kOtherRole}), op, "missingRole"},
        {"delegated ReadWrite + GA", delegated({kReadWrite}, {kGA}), op, nullptr},
        {"delegated ReadWrite + other + GA", delegated({kReadWrite}, {kOtherRole, kGA}), op, nullptr},
    };
    for (const Row &row : rows) check(row);
}

TEST(Authorization, DeployAgent) {
    const Operation op = Operation::deploy_agent;
    const Row rows[] = {
        {"application with everything", application({kRead, kReadWrite, kPartner}, {kGA, kW365}), op,
         "applicationNotSupported"},
        {"delegated Read + GA", delegated({kRead}, {kGA}), op, "missingPermission"},
        {"delegated nothing + W365", delegated({}, {kW365}), op, "missingPermission"},
        {"delegated ReadWrite, no role", delegated({kReadWrite}), op, "missingRole"},
        {"delegated ReadWrite + other role", delegated({kReadWrite}, {kOtherRole}), op, "missingRole"},
        {"delegated ReadWrite + W365 admin", delegated({kReadWrite}, {kW365}), op, nullptr},
        {"delegated ReadWrite + GA", delegated({kReadWrite}, {kGA}), op, nullptr},
        {"delegated ReadWrite + both", delegated({kReadWrite}, {kW365, kGA}), op, nullptr},
    };
    for (const Row &row : rows) check(row);
}

TEST(Authorization, PartnerHeartbeat) {
    const Operation op = Operation::partner_heartbeat;
    const Row rows[] = {
        // Delegated callers are refused whatever they hold; the inner code is not fixed by the contract.
        {"delegated Partner", delegated({kPartner}), op, ""},
        {"delegated everything + GA", delegated({kRead, kReadWrite, kPartner}, {kGA}), op, ""},
        {"application ReadWrite only", application({kReadWrite}), op, "missingPermission"},
        {"application Read + ReadWrite", application({kRead, kReadWrite}), op, "missingPermission"},
        {"application nothing", application({}), op, "missingPermission"},
        {"application Partner", application({kPartner}), op, nullptr},
        {"application Partner + ReadWrite", application({kReadWrite, kPartner}), op, nullptr},
    };
    for (const Row &row : rows) check(row);
}

TEST(Authorization, PersonalAccountTenantIsRefusedForEveryOperation) {
    const std::string personal(kPersonalAccountTenant);
    const Strings everything = {kRead, kReadWrite, kPartner};
    for (CallerKind kind : {CallerKind::delegated, CallerKind::application}) {
        for (Operation op : kAllOperations) {
            check({kind == CallerKind::delegated ? "personal delegated" : "personal application",
                   make_caller(kind, everything, {kGA, kW365}, personal), op, "personalAccountNotSupported"});
        }
    }
}

TEST(Authorization, PersonalAccountTenantFromClaimsInUppercaseIsRecognised) {
    auto caller = parse_caller(R"({"tid":"9188040D-6C67-4C5B-B112-36A304B66DAD","scp":"CloudPC.ReadWrite.All"})");
    ASSERT_TRUE(caller.ok());
    auto denied = authorize(caller.value(), Operation::create);
    ASSERT_TRUE(denied.has_value());
    EXPECT_EQ(denied->inner_code, "personalAccountNotSupported");
}

TEST(Authorization, ClaimsToDecisionEndToEnd) {
    auto app = parse_caller(R"({"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","idtyp":"app","roles":["CLOUDPC.READWRITE.ALL"]})");
    ASSERT_TRUE(app.ok());
    EXPECT_FALSE(authorize(app.value(), Operation::create).has_value());
    auto user = parse_caller(
        R"({"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","scp":"CloudPC.ReadWrite.All","wids":["62E90394-69F5-4237-9190-012177145E10"]})");
    ASSERT_TRUE(user.ok());
    EXPECT_FALSE(authorize(user.value(), Operation::configure_agent).has_value());
}

TEST(Authorization, MissingPermissionMessageNamesThePermission) {
    auto denied = authorize(delegated({kRead}), Operation::create);
    ASSERT_TRUE(denied.has_value());
    EXPECT_NE(denied->message.find("CloudPC.ReadWrite.All"), std::string::npos) << denied->message;
}

}  // namespace
}  // namespace cpep
