#include "fault_harness.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

#include <sqlite3.h>

#include <gtest/gtest.h>

namespace cpep_fault {
namespace {

using cpep_test::kPartners;
using cpep_test::kTenant;

constexpr const char *kNow = "2020-11-03T12:43:14Z";

std::string url_of(const std::string &id) { return std::string(kPartners) + "/" + id; }

std::string agent_body(int version) {
    return nlohmann::json{{"agentSetting",
                           {{"agentUrl", "https://rmm.example.com/agent/v" + std::to_string(version) + "/agent.msi"},
                            {"agentSha256", "EC6AF1EA0367D16DDE6639A89A080A524CEBC4D4BEDFE00ED0CAC4B865A918D8"},
                            {"installParameters", {"/quiet"}}}}}
        .dump();
}

std::string agent_url(const nlohmann::json &entity) {
    if (!entity.is_object() || !entity.contains("agentSetting") || !entity["agentSetting"].is_object()) return "";
    return entity["agentSetting"].value("agentUrl", "");
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The first line where two snapshots differ, for a readable failure.
std::string first_difference(const std::string &a, const std::string &b) {
    std::istringstream x(a), y(b);
    std::string lx, ly;
    for (int line = 1;; ++line) {
        const bool gx = static_cast<bool>(std::getline(x, lx)), gy = static_cast<bool>(std::getline(y, ly));
        if (!gx && !gy) return "";
        if (!gx) lx = "<end>";
        if (!gy) ly = "<end>";
        if (lx != ly) return "line " + std::to_string(line) + ": before [" + lx + "] after [" + ly + "]";
    }
}

}  // namespace

Harness::Harness(std::string db_path, std::string durability)
    : path_(std::move(db_path)), durability_(std::move(durability)) {
    writer = cpep_test::app_writer();
    admin = nlohmann::json{{"tid", kTenant},
                           {"idtyp", "user"},
                           {"scp", "CloudPC.ReadWrite.All"},
                           {"upn", "admin@contoso.com"},
                           {"wids", {"62e90394-69f5-4237-9190-012177145e10"}}}
                .dump();
    partner_app = nlohmann::json{{"tid", kTenant}, {"idtyp", "app"}, {"roles", {"CloudPC.PartnerReadWrite.All"}}}.dump();
    reopen();
}

Harness::~Harness() { cpep_close(engine_); }

void Harness::reopen() {
    cpep_close(engine_);
    engine_ = nullptr;
    const std::string options = std::string(R"({"durability":")") + durability_ + R"(","now":")" + kNow +
                                R"(","idSeed":"fault-test","busyTimeoutMs":0})";
    const int rc = cpep_open(&engine_, path_.c_str(), options.c_str());
    if (rc != CPEP_OK) throw std::runtime_error("cpep_open failed: " + std::string(cpep_error_last()));
}

int Harness::request(Buf &out, const char *method, const std::string &url, const std::string &caller,
                     const std::string &body) {
    return cpep_request(out.p(), engine_, method, url.c_str(), caller.c_str(), body.data(), body.size());
}

std::string Harness::next_partner_id() { return cpep_test::numbered_guid(0xfa17, ++next_); }

std::string Harness::create(const std::string &partner_id, bool enable) {
    Buf out;
    const int status = request(out, "POST", std::string(kPartners), writer, cpep_test::partner_body(partner_id, enable));
    EXPECT_EQ(status, 201) << "set-up create (faults off): " << out.str();
    return out.json().value("id", "");
}

nlohmann::json Harness::get(const std::string &id, int *status) {
    Buf out;
    const int s = request(out, "GET", url_of(id), writer);
    if (status) {
        *status = s;
    } else {
        EXPECT_EQ(s, 200) << "GET " << id << " (faults off): " << out.str();
    }
    return out.json();
}

long long Harness::count_partner(const std::string &partner_id) {
    Buf out;
    const int s = request(out, "GET", std::string(kPartners) + "?$filter=partnerId%20eq%20'" + partner_id + "'&$count=true",
                          writer);
    EXPECT_EQ(s, 200) << out.str();
    return out.json().value("@odata.count", -1LL);
}

long long Harness::count_reports(const std::string &id) {
    Buf out;
    const int s = request(out, "GET", url_of(id) + "/retrieveActionReports", writer);
    EXPECT_EQ(s, 200) << out.str();
    const auto j = out.json();
    return j.is_object() && j.contains("value") ? static_cast<long long>(j["value"].size()) : -1;
}

long long Harness::count_results(const std::string &id) {
    Buf out;
    const int s = request(out, "GET", url_of(id) + "/retrieveDeployAgentActionResults(activityId='',cloudPcId='')",
                          writer);
    EXPECT_EQ(s, 200) << out.str();
    const auto j = out.json();
    return j.is_object() && j.contains("value") ? static_cast<long long>(j["value"].size()) : -1;
}

std::string Harness::snapshot() const {
    sqlite3 *db = nullptr;
    std::string out;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, "unix") != SQLITE_OK) {
        out = std::string("<open failed: ") + sqlite3_errmsg(db) + ">";
        sqlite3_close(db);
        return out;
    }
    std::vector<std::string> tables;
    sqlite3_stmt *q = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", -1, &q, nullptr);
    while (q && sqlite3_step(q) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(q, 0)));
    sqlite3_finalize(q);
    for (const auto &t : tables) {
        out += "[" + t + "]\n";
        q = nullptr;
        if (sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\" ORDER BY 1").c_str(), -1, &q, nullptr) != SQLITE_OK) {
            out += std::string("<prepare failed: ") + sqlite3_errmsg(db) + ">\n";
            continue;
        }
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(q); ++c) {
                if (c) out += "|";
                if (sqlite3_column_type(q, c) == SQLITE_NULL) {
                    out += "NULL";
                } else {
                    const auto *text = reinterpret_cast<const char *>(sqlite3_column_blob(q, c));
                    out.append(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(q, c)));
                }
            }
            out += "\n";
        }
        if (rc != SQLITE_DONE) out += std::string("<step failed: ") + sqlite3_errmsg(db) + ">\n";
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return out;
}

// ---------------------------------------------------------------- operations

namespace {

std::vector<Operation> make_write_operations() {
    std::vector<Operation> ops;
    ops.push_back(Operation{
        "create", 201,
        [](Harness &h, Subject &s) { s.partner_id = h.next_partner_id(); },
        [](Harness &h, const Subject &s, Buf &out) {
            return h.request(out, "POST", std::string(kPartners), h.writer, cpep_test::partner_body(s.partner_id, true));
        },
        [](Harness &h, const Subject &s) { EXPECT_EQ(h.count_partner(s.partner_id), 0) << "a failed create left its row"; },
        [](Harness &h, const Subject &s) { EXPECT_EQ(h.count_partner(s.partner_id), 1) << "a 201 without its row"; }});
    ops.push_back(Operation{
        "patch", 200,
        [](Harness &h, Subject &s) {
            s.partner_id = h.next_partner_id();
            s.id = h.create(s.partner_id, true);
        },
        [](Harness &h, const Subject &s, Buf &out) {
            return h.request(out, "PATCH", url_of(s.id), h.writer, R"({"enableConnection":false})");
        },
        [](Harness &h, const Subject &s) {
            const auto e = h.get(s.id);
            EXPECT_EQ(e.value("enableConnection", false), true) << e;
            EXPECT_EQ(e.value("connectionStatus", ""), "available") << e;
        },
        [](Harness &h, const Subject &s) {
            const auto e = h.get(s.id);
            EXPECT_EQ(e.value("enableConnection", true), false) << e;
            EXPECT_EQ(e.value("connectionStatus", ""), "notAvailable") << e;
        }});
    ops.push_back(Operation{
        "delete", 204,
        [](Harness &h, Subject &s) {
            s.partner_id = h.next_partner_id();
            s.id = h.create(s.partner_id, true);
            s.before = h.count_reports(s.id);
        },
        [](Harness &h, const Subject &s, Buf &out) { return h.request(out, "DELETE", url_of(s.id), h.writer); },
        [](Harness &h, const Subject &s) {
            const auto e = h.get(s.id);
            EXPECT_EQ(e.value("partnerId", ""), s.partner_id) << e;
            EXPECT_EQ(e.value("enableConnection", false), true) << e;
        },
        [](Harness &h, const Subject &s) {
            int status = 0;
            h.get(s.id, &status);
            EXPECT_EQ(status, 404) << "a 204 left the entity";
            EXPECT_EQ(h.count_partner(s.partner_id), 0);
        }});
    ops.push_back(Operation{
        "configureAgent", 204,
        [](Harness &h, Subject &s) {
            s.partner_id = h.next_partner_id();
            s.id = h.create(s.partner_id, true);
            Buf out;
            EXPECT_EQ(h.request(out, "POST", url_of(s.id) + "/configureAgent", h.admin, agent_body(1)), 204) << out.str();
            s.before = h.count_reports(s.id);
        },
        [](Harness &h, const Subject &s, Buf &out) {
            return h.request(out, "POST", url_of(s.id) + "/configureAgent", h.admin, agent_body(2));
        },
        [](Harness &h, const Subject &s) {
            EXPECT_EQ(agent_url(h.get(s.id)), "https://rmm.example.com/agent/v1/agent.msi");
            EXPECT_EQ(h.count_reports(s.id), s.before) << "a failed configureAgent left a report";
        },
        [](Harness &h, const Subject &s) {
            EXPECT_EQ(agent_url(h.get(s.id)), "https://rmm.example.com/agent/v2/agent.msi");
            EXPECT_EQ(h.count_reports(s.id), s.before + 1);
        }});
    ops.push_back(Operation{
        "heartbeat", 204,
        [](Harness &h, Subject &s) {
            s.partner_id = h.next_partner_id();
            s.id = h.create(s.partner_id, true);
        },
        [](Harness &h, const Subject &s, Buf &out) {
            return h.request(out, "POST", "/partnerApi/heartbeat", h.partner_app, "{\"partnerId\":\"" + s.partner_id + "\"}");
        },
        [](Harness &h, const Subject &s) { EXPECT_EQ(h.get(s.id).value("connectionStatus", ""), "available"); },
        [](Harness &h, const Subject &s) { EXPECT_EQ(h.get(s.id).value("connectionStatus", ""), "healthy"); }});
    ops.push_back(Operation{
        "deployAgent", 200,
        [](Harness &h, Subject &s) {
            s.partner_id = h.next_partner_id();
            s.id = h.create(s.partner_id, true);
            Buf out;
            EXPECT_EQ(h.request(out, "POST", url_of(s.id) + "/configureAgent", h.admin, agent_body(1)), 204) << out.str();
            s.before = h.count_reports(s.id);
        },
        [](Harness &h, const Subject &s, Buf &out) {
            return h.request(out, "POST", url_of(s.id) + "/deployAgent", h.admin,
                             R"({"cloudPcIds":["30d0e128-de93-41dc-89ec-33d84bb662a0","9d2b8f3e-1c4a-4e8b-a1f0-5b6c7d8e9f01"]})");
        },
        [](Harness &h, const Subject &s) {
            EXPECT_EQ(h.count_results(s.id), 0) << "a failed deployAgent left action results";
            EXPECT_EQ(h.count_reports(s.id), s.before) << "a failed deployAgent left reports";
        },
        [](Harness &h, const Subject &s) {
            EXPECT_EQ(h.count_results(s.id), 2);
            EXPECT_EQ(h.count_reports(s.id), s.before + 2);
        }});
    return ops;
}

std::vector<Operation> make_read_operations() {
    std::vector<Operation> ops;
    auto unchanged = [](Harness &h, const Subject &s) {
        const auto e = h.get(s.id);
        EXPECT_EQ(e.value("partnerId", ""), s.partner_id) << e;
    };
    ops.push_back(Operation{
        "get", 200,
        [](Harness &h, Subject &s) {
            s.partner_id = h.next_partner_id();
            s.id = h.create(s.partner_id, true);
        },
        [](Harness &h, const Subject &s, Buf &out) { return h.request(out, "GET", url_of(s.id), h.writer); },
        unchanged, unchanged});
    ops.push_back(Operation{
        "list", 200,
        [](Harness &h, Subject &s) {
            s.partner_id = h.next_partner_id();
            s.id = h.create(s.partner_id, true);
        },
        [](Harness &h, const Subject &, Buf &out) {
            return h.request(out, "GET", std::string(kPartners) + "?$count=true&$top=5", h.writer);
        },
        unchanged, unchanged});
    return ops;
}

}  // namespace

const std::vector<Operation> &write_operations() {
    static const std::vector<Operation> ops = make_write_operations();
    return ops;
}

const std::vector<Operation> &read_operations() {
    static const std::vector<Operation> ops = make_read_operations();
    return ops;
}

const Operation &operation(const std::string &name) {
    for (const auto *list : {&write_operations(), &read_operations()})
        for (const auto &op : *list)
            if (op.name == name) return op;
    throw std::invalid_argument("no operation " + name);
}

std::string check_storage_error(int status, const nlohmann::json &body, int want_status, const std::string &want_code,
                                const std::string &want_inner, const std::string &db_path) {
    std::string problems;
    if (status != want_status) problems += "status " + std::to_string(status) + " (expected " + std::to_string(want_status) + "); ";
    if (!body.is_object() || body.size() != 1 || !body.contains("error") || !body["error"].is_object())
        return problems + "not a Graph error body: " + body.dump();
    const auto &error = body["error"];
    if (error.value("code", "") != want_code)
        problems += "error.code '" + error.value("code", "") + "' (expected '" + want_code + "'); ";
    const std::string message = error.value("message", "");
    if (message.empty()) problems += "no error.message; ";
    if (!error.contains("innerError") || !error["innerError"].is_object()) {
        problems += "no innerError; ";
    } else {
        const auto &inner = error["innerError"];
        if (inner.value("code", "") != want_inner)
            problems += "innerError.code '" + inner.value("code", "") + "' (expected '" + want_inner + "'); ";
        if (!inner.contains("request-id") || !inner.contains("date")) problems += "innerError without request-id/date; ";
    }
    const std::string text = lower(body.dump());
    const auto slash = db_path.rfind('/');
    for (const std::string &needle : {lower(db_path), lower(db_path.substr(slash + 1)), std::string("sqlite"),
                                     std::string("insert "), std::string("update "), std::string("delete from"),
                                     std::string("select "), std::string("external_partner"), std::string("disk i/o"),
                                     std::string("/tmp"), std::string("database or disk is full")})
        if (text.find(needle) != std::string::npos) problems += "leaks '" + needle + "'; ";
    return problems;
}

LoopReport run_fault_loop(Harness &h, const Operation &op, const Injector &injector, int max_n) {
    LoopReport report;
    for (int n = 1; n <= max_n; ++n)
        if (run_fault_attempt(h, op, injector, n, report)) return report;
    ADD_FAILURE() << op.name << " still hit the fault at N=" << max_n;
    return report;
}

bool run_fault_attempt(Harness &h, const Operation &op, const Injector &injector, int n, LoopReport &report) {
    {
        SCOPED_TRACE("operation " + op.name + ", fault " + injector.name + " N=" + std::to_string(n) + ", durability " +
                     h.durability());
        Subject s;
        op.prepare(h, s);
        if (::testing::Test::HasFailure()) return true;
        if (injector.reopen_each) h.reopen();
        const std::string before = h.snapshot();

        Buf out;
        injector.arm(n);
        const int status = op.run(h, s, out);
        const int fired = injector.fired();
        injector.disarm();
        ++report.attempts;
        report.statuses += std::to_string(n) + ":" + std::to_string(status) + (fired ? "" : "(no fault)") + " ";

        if (status == op.success_status) {
            op.expect_new(h, s);
            if (fired == 0) return true;
            ++report.fired_but_ok;
        } else {
            ++report.failed;
            EXPECT_GT(fired, 0) << op.name << " answered " << status << " although no fault fired: " << out.str();
            const std::string problem = injector.check_failure(status, out.json());
            EXPECT_EQ(problem, "") << "the answer: " << out.str();
            const std::string after = h.snapshot();
            EXPECT_EQ(first_difference(before, after), "") << "the failed " << op.name << " changed the database";
            op.expect_old(h, s);
            // The next request, with faults off, succeeds.
            Buf again;
            const int next = op.run(h, s, again);
            EXPECT_EQ(next, op.success_status) << "the same " << op.name << " with the fault cleared: " << again.str();
            if (next == op.success_status) op.expect_new(h, s);
        }
        return ::testing::Test::HasFailure();
    }
}

}  // namespace cpep_fault
