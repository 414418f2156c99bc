// Tenant isolation as a property (CONTRACT §2 engine rule): two tenants share one engine while a
// seeded generator drives a few thousand random operations for random tenants. A model of each
// tenant predicts every answer; no answer to one tenant ever holds an identifier of the other
// that the caller did not send itself, and the other tenant's nextLinks are refused.
#include <algorithm>
#include <map>
#include <optional>
#include <random>

#include "engine_support.h"

namespace cpep::engine_test {
namespace {

struct Entity {
    std::string id, partner_id;
    bool enabled = true;
    bool heartbeat = false;
    bool configured = false;
    std::size_t reports = 0;
    std::vector<std::pair<std::string, std::size_t>> deployments;  // activityId, number of Cloud PCs
    std::size_t results() const {
        std::size_t n = 0;
        for (const auto &d : deployments) n += d.second;
        return n;
    }
    std::string status() const { return !enabled ? "notAvailable" : heartbeat ? "healthy" : "available"; }
};

struct Tenant {
    std::string tid;
    std::uint32_t tag;                 // keeps this tenant's generated GUIDs apart from the other's
    std::vector<Entity> entities;      // in creation order
    std::set<std::string> identifiers; // every id, partnerId, activityId and Cloud PC id it ever had
    std::optional<std::string> last_link;
    std::uint64_t counter = 0;
    std::string fresh(std::uint32_t kind) { return guid(tag + kind, ++counter); }
};

std::string lowercase(std::string s) {
    for (char &c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

class Isolation : public ::testing::Test {
public:
    std::unique_ptr<Engine> engine = memory_engine(0, {{"idSeed", "tenant-isolation"}});
    std::mt19937 rng{20240501};
    Tenant tenants[2] = {{kTenantA, 0xa0, {}, {}, {}, 0}, {kTenantB, 0xb0, {}, {}, {}, 0}};
    std::map<std::string, int> op_counts;
    std::size_t leak_checks = 0;
    std::size_t foreign_links_tried = 0;

    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }
    bool chance(double p) { return std::bernoulli_distribution(p)(rng); }

    // Sends as tenant `t` and checks the answer holds nothing of the other tenant.
    Reply call(int t, std::string_view method, const std::string &url, const std::string &caller, const std::string &body = {}) {
        Reply r = send(*engine, method, url, caller, body);
        expect_nothing_of(tenants[1 - t], r.body, lowercase(url + " " + body));
        return r;
    }

    void expect_nothing_of(const Tenant &other, const std::string &body, const std::string &request) {
        ++leak_checks;
        for (std::size_t i = 0; i + 36 <= body.size(); ++i) {
            if (!is_guid(std::string_view(body).substr(i, 36))) continue;
            const std::string g = lowercase(body.substr(i, 36));
            if (other.identifiers.count(g) && request.find(g) == std::string::npos)
                ADD_FAILURE() << "answer to the other tenant reveals " << g << ": " << body.substr(0, 500);
            i += 35;
        }
    }

    Entity *random_entity(Tenant &t) { return t.entities.empty() ? nullptr : &t.entities[pick(t.entities.size())]; }
    Entity *find(Tenant &t, const std::string &id) {
        for (auto &e : t.entities)
            if (e.id == id) return &e;
        return nullptr;
    }

    void expect_entity(const json &got, const Entity &m) {
        EXPECT_EQ(got["id"], m.id);
        EXPECT_EQ(got["partnerId"], m.partner_id);
        EXPECT_EQ(got["enableConnection"], m.enabled);
        EXPECT_EQ(got["connectionStatus"], m.status());
        EXPECT_EQ(got["agentSetting"].is_null(), !m.configured);
        EXPECT_EQ(got["lastSyncDateTime"].is_null(), !m.enabled);
    }

    // ---- operations -------------------------------------------------------------------

    void op_create(int t) {
        Tenant &me = tenants[t];
        const bool duplicate = !me.entities.empty() && chance(0.1);
        const std::string partner = duplicate ? me.entities[pick(me.entities.size())].partner_id : me.fresh(1);
        const bool enable = chance(0.8);
        const std::string body = json{{"partnerId", chance(0.3) ? upper(partner) : partner}, {"enableConnection", enable}}.dump();
        Reply r = call(t, "POST", kCollection, admin(me.tid), body);
        if (duplicate) {
            expect_graph_error(r, 409, "conflict", "partnerAlreadyExists");
            return;
        }
        ASSERT_EQ(r.status, 201) << r.body;
        Entity m;
        m.id = r.doc()["id"];
        m.partner_id = partner;
        m.enabled = enable;
        expect_entity(r.doc(), m);
        me.identifiers.insert({m.id, m.partner_id});
        ASSERT_FALSE(tenants[1 - t].identifiers.count(m.id)) << "id issued twice";
        me.entities.push_back(m);
    }

    void op_get(int t) {
        Tenant &me = tenants[t], &other = tenants[1 - t];
        if (chance(0.3) && !other.entities.empty()) {
            const std::string foreign = other.entities[pick(other.entities.size())].id;
            expect_graph_error(call(t, "GET", entity_path(foreign), reader(me.tid)), 404, "notFound");
            return;
        }
        Entity *m = random_entity(me);
        if (!m) return;
        Reply r = call(t, "GET", entity_path(chance(0.2) ? upper(m->id) : m->id), reader(me.tid));
        ASSERT_EQ(r.status, 200) << r.body;
        expect_entity(r.doc(), *m);
    }

    void op_list(int t) {
        Tenant &me = tenants[t], &other = tenants[1 - t];
        std::optional<bool> enable;
        std::optional<std::string> partner;
        bool contradiction = false;
        std::vector<std::string> clauses;
        if (chance(0.4)) {
            enable = chance(0.5);
            clauses.push_back(std::string("enableConnection eq ") + (*enable ? "true" : "false"));
        }
        if (chance(0.25)) {
            const int source = static_cast<int>(pick(3));
            if (source == 0 && !me.entities.empty()) partner = me.entities[pick(me.entities.size())].partner_id;
            else if (source == 1 && !other.entities.empty()) partner = other.entities[pick(other.entities.size())].partner_id;
            else partner = guid(0xff, pick(1000));
            clauses.push_back("partnerId eq '" + (chance(0.5) ? upper(*partner) : *partner) + "'");
        }
        if (enable && chance(0.1)) {
            contradiction = true;
            clauses.push_back(std::string("enableConnection eq ") + (*enable ? "false" : "true"));
        }
        std::optional<std::size_t> top, skip;
        if (chance(0.4)) top = 1 + pick(chance(0.5) ? 20 : 300);
        if (chance(0.3)) skip = pick(chance(0.5) ? 5 : 150);
        const bool count = chance(0.5);
        const bool select = chance(0.2);

        std::vector<std::string> options;
        if (!clauses.empty()) {
            std::string f;
            for (const auto &c : clauses) f += (f.empty() ? "" : " and ") + c;
            const char *space = chance(0.5) ? "%20" : chance(0.5) ? "+" : " ";
            std::string encoded;
            for (char c : f) encoded += c == ' ' ? std::string(space) : c == '\'' && chance(0.5) ? std::string("%27") : std::string(1, c);
            options.push_back((chance(0.5) ? "$filter=" : "%24filter=") + encoded);
        }
        if (top) options.push_back("$top=" + std::to_string(*top));
        if (skip) options.push_back("$skip=" + std::to_string(*skip));
        if (count) options.push_back("$count=true");
        if (select) options.push_back("$select=partnerId,connectionStatus");
        std::shuffle(options.begin(), options.end(), rng);
        std::string url = kCollection;
        for (std::size_t i = 0; i < options.size(); ++i) url += (i ? "&" : "?") + options[i];

        std::vector<const Entity *> expected;
        for (const auto &e : me.entities)
            if (!contradiction && (!enable || e.enabled == *enable) && (!partner || e.partner_id == *partner)) expected.push_back(&e);
        const std::size_t total = expected.size();
        expected.erase(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(std::min(skip.value_or(0), expected.size())));
        if (top && expected.size() > *top) expected.resize(*top);

        std::vector<json> got;
        std::string next = url;
        for (int page = 0; !next.empty(); ++page) {
            ASSERT_LT(page, 10);
            Reply r = call(t, "GET", next, reader(me.tid));
            ASSERT_EQ(r.status, 200) << next << " " << excerpt(r.body);
            const json doc = r.doc();
            ASSERT_LE(doc["value"].size(), 100u);
            if (page == 0 && count) {
                EXPECT_EQ(doc["@odata.count"], total) << url;
            }
            if (!count) {
                EXPECT_FALSE(doc.contains("@odata.count"));
            }
            for (const auto &v : doc["value"]) got.push_back(v);
            next = doc.contains("@odata.nextLink") ? doc["@odata.nextLink"].get<std::string>() : std::string();
            if (!next.empty()) me.last_link = next;
        }
        ASSERT_EQ(got.size(), expected.size()) << url;
        for (std::size_t i = 0; i < got.size(); ++i) {
            if (select) {
                EXPECT_EQ(keys_of(got[i]), (std::set<std::string>{"@odata.type", "id", "partnerId", "connectionStatus"}));
                EXPECT_EQ(got[i]["id"], expected[i]->id);
                EXPECT_EQ(got[i]["partnerId"], expected[i]->partner_id);
                EXPECT_EQ(got[i]["connectionStatus"], expected[i]->status());
            } else {
                expect_entity(got[i], *expected[i]);
            }
        }
    }

    void op_foreign_link(int t) {
        const Tenant &other = tenants[1 - t];
        if (!other.last_link) return;
        ++foreign_links_tried;
        expect_graph_error(call(t, "GET", *other.last_link, reader(tenants[t].tid)), 400, "badRequest", "invalidQueryOption");
        // Also with the full rights of the tenant.
        expect_graph_error(call(t, "GET", *other.last_link, admin(tenants[t].tid)), 400, "badRequest", "invalidQueryOption");
    }

    void op_patch(int t) {
        Tenant &me = tenants[t], &other = tenants[1 - t];
        const bool enable = chance(0.6);
        const std::string body = json{{"enableConnection", enable}}.dump();
        if (chance(0.2) && !other.entities.empty()) {
            expect_graph_error(call(t, "PATCH", entity_path(other.entities[pick(other.entities.size())].id), admin(me.tid), body), 404,
                               "notFound");
            return;
        }
        Entity *m = random_entity(me);
        if (!m) return;
        Reply r = call(t, "PATCH", entity_path(m->id), chance(0.5) ? admin(me.tid) : app_writer(me.tid), body);
        ASSERT_EQ(r.status, 200) << r.body;
        if (m->enabled != enable) m->heartbeat = false;
        m->enabled = enable;
        expect_entity(r.doc(), *m);
    }

    void op_delete(int t) {
        Tenant &me = tenants[t], &other = tenants[1 - t];
        if (chance(0.3) && !other.entities.empty()) {
            expect_graph_error(call(t, "DELETE", entity_path(other.entities[pick(other.entities.size())].id), admin(me.tid)), 404,
                               "notFound");
            return;
        }
        if (me.entities.empty()) return;
        const std::size_t i = pick(me.entities.size());
        Reply r = call(t, "DELETE", entity_path(me.entities[i].id), admin(me.tid));
        ASSERT_EQ(r.status, 204) << r.body;
        me.entities.erase(me.entities.begin() + static_cast<std::ptrdiff_t>(i));
    }

    void op_heartbeat(int t) {
        Tenant &me = tenants[t], &other = tenants[1 - t];
        const int kind = static_cast<int>(pick(10));
        if (kind == 0 && !other.entities.empty()) {
            const Entity &theirs = other.entities[pick(other.entities.size())];
            expect_graph_error(call(t, "POST", kHeartbeat, partner_app(me.tid), json{{"partnerId", theirs.partner_id}}.dump()), 404,
                               "notFound");
            return;
        }
        if (kind == 1) {
            expect_graph_error(call(t, "POST", kHeartbeat, partner_app(me.tid), json{{"partnerId", guid(0xfe, pick(100))}}.dump()), 404,
                               "notFound");
            return;
        }
        Entity *m = random_entity(me);
        if (!m) return;
        Reply r = call(t, "POST", kHeartbeat, partner_app(me.tid), json{{"partnerId", m->partner_id}}.dump());
        if (!m->enabled) {
            expect_graph_error(r, 409, "conflict", "connectionDisabled");
            return;
        }
        ASSERT_EQ(r.status, 204) << r.body;
        m->heartbeat = true;
    }

    void op_configure(int t) {
        Tenant &me = tenants[t], &other = tenants[1 - t];
        if (chance(0.2) && !other.entities.empty()) {
            expect_graph_error(call(t, "POST", configure_path(other.entities[pick(other.entities.size())].id), admin(me.tid),
                                    json{{"agentSetting", valid_agent_setting()}}.dump()),
                               404, "notFound");
            return;
        }
        Entity *m = random_entity(me);
        if (!m) return;
        Reply r = call(t, "POST", configure_path(m->id), admin(me.tid), json{{"agentSetting", valid_agent_setting()}}.dump());
        ASSERT_EQ(r.status, 204) << r.body;
        m->configured = true;
        ++m->reports;
    }

    void op_deploy(int t) {
        Tenant &me = tenants[t], &other = tenants[1 - t];
        std::vector<std::string> pcs;
        const std::size_t n = 1 + pick(chance(0.1) ? 50 : 4);
        for (std::size_t i = 0; i < n; ++i) pcs.push_back(me.fresh(0xc));
        const std::string body = json{{"cloudPcIds", pcs}}.dump();
        if (chance(0.2) && !other.entities.empty()) {
            expect_graph_error(call(t, "POST", deploy_path(other.entities[pick(other.entities.size())].id), deployer(me.tid), body), 404,
                               "notFound");
            return;
        }
        Entity *m = random_entity(me);
        if (!m) return;
        Reply r = call(t, "POST", deploy_path(m->id), chance(0.5) ? deployer(me.tid) : admin(me.tid), body);
        if (!m->enabled) {
            expect_graph_error(r, 409, "conflict", "connectionDisabled");
            return;
        }
        if (!m->configured) {
            expect_graph_error(r, 409, "conflict", "agentNotConfigured");
            return;
        }
        ASSERT_EQ(r.status, 200) << r.body;
        const std::string activity = r.doc()["value"];
        ASSERT_FALSE(other.identifiers.count(activity)) << "activity id issued twice";
        me.identifiers.insert(activity);
        me.identifiers.insert(pcs.begin(), pcs.end());
        m->deployments.push_back({activity, n});
        m->reports += n;
    }

    void op_results(int t) {
        Tenant &me = tenants[t], &other = tenants[1 - t];
        if (chance(0.2) && !other.entities.empty()) {
            expect_graph_error(call(t, "GET", results_path(other.entities[pick(other.entities.size())].id), reader(me.tid)), 404,
                               "notFound");
            return;
        }
        Entity *m = random_entity(me);
        if (!m) return;
        std::string activity;
        std::size_t expected = m->results();
        const int kind = static_cast<int>(pick(4));
        if (kind == 1 && !m->deployments.empty()) {
            const auto &d = m->deployments[pick(m->deployments.size())];
            activity = d.first;
            expected = d.second;
        } else if (kind == 2) {
            // Another tenant's activity id matches nothing here.
            for (const auto &e : other.entities)
                if (!e.deployments.empty()) activity = e.deployments.front().first;
            if (!activity.empty()) expected = 0;
        }
        std::size_t got = 0;
        std::string next = results_path(m->id, activity);
        for (int page = 0; !next.empty(); ++page) {
            ASSERT_LT(page, 20);
            Reply r = call(t, "GET", next, reader(me.tid));
            ASSERT_EQ(r.status, 200) << r.body;
            const json doc = r.doc();
            got += doc["value"].size();
            for (const auto &v : doc["value"]) {
                EXPECT_TRUE(me.identifiers.count(v["activityId"])) << v;
                EXPECT_TRUE(me.identifiers.count(v["cloudPcId"])) << v;
            }
            next = doc.contains("@odata.nextLink") ? doc["@odata.nextLink"].get<std::string>() : std::string();
        }
        EXPECT_EQ(got, expected);
    }

    void op_reports(int t) {
        Tenant &me = tenants[t], &other = tenants[1 - t];
        if (chance(0.2) && !other.entities.empty()) {
            expect_graph_error(call(t, "GET", reports_path(other.entities[pick(other.entities.size())].id), reader(me.tid)), 404,
                               "notFound");
            return;
        }
        Entity *m = random_entity(me);
        if (!m) return;
        Reply r = call(t, "GET", reports_path(m->id), application(me.tid, {"CloudPC.Read.All"}));
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.doc()["value"].size(), m->reports);
    }
};

TEST_F(Isolation, RandomOperationsNeverCrossTenants) {
    struct Weighted {
        const char *name;
        int weight;
        void (Isolation::*op)(int);
    };
    const Weighted ops[] = {
        {"create", 18, &Isolation::op_create},   {"get", 10, &Isolation::op_get},
        {"list", 11, &Isolation::op_list},       {"foreignLink", 3, &Isolation::op_foreign_link},
        {"patch", 10, &Isolation::op_patch},     {"delete", 5, &Isolation::op_delete},
        {"heartbeat", 12, &Isolation::op_heartbeat}, {"configure", 6, &Isolation::op_configure},
        {"deploy", 10, &Isolation::op_deploy},   {"results", 8, &Isolation::op_results},
        {"reports", 7, &Isolation::op_reports},
    };
    std::vector<int> weights;
    for (const auto &o : ops) weights.push_back(o.weight);
    std::discrete_distribution<std::size_t> choose(weights.begin(), weights.end());

    constexpr int kOperations = 3000;
    for (int step = 0; step < kOperations; ++step) {
        const int t = chance(0.5) ? 0 : 1;
        const Weighted &o = ops[choose(rng)];
        SCOPED_TRACE(std::string("step ") + std::to_string(step) + ": " + o.name + " as tenant " + (t ? "B" : "A"));
        (this->*o.op)(t);
        ++op_counts[o.name];
        if (HasFatalFailure() || ::testing::Test::HasFailure()) break;
    }

    // Final state of each tenant equals its model exactly.
    for (int t = 0; t < 2; ++t) {
        SCOPED_TRACE(t ? "final B" : "final A");
        const auto values = all_values(read_pages(*engine, reader(tenants[t].tid), kCollection + "?$count=true"));
        ASSERT_EQ(values.size(), tenants[t].entities.size());
        for (std::size_t i = 0; i < values.size(); ++i) expect_entity(values[i], tenants[t].entities[i]);
    }
    // The run exercised what it claims to.
    for (const auto &o : ops) EXPECT_GT(op_counts[o.name], 50) << o.name;
    EXPECT_GT(tenants[0].entities.size(), 50u);
    EXPECT_GT(tenants[1].entities.size(), 50u);
    EXPECT_GE(leak_checks, static_cast<std::size_t>(kOperations));
    EXPECT_GT(foreign_links_tried, 20u);
}

TEST(IsolationExamples, TheSamePartnerIdInTwoTenantsIsTwoIndependentEntities) {
    auto e = memory_engine();
    const std::string shared = guid(0x5, 1);
    const json a = create(*e, admin(kTenantA), shared, true);
    const json b = create(*e, admin(kTenantB), upper(shared), true);
    EXPECT_NE(a["id"], b["id"]);
    ASSERT_EQ(heartbeat(*e, partner_app(kTenantA), shared).status, 204);
    ASSERT_EQ(configure(*e, admin(kTenantA), a["id"]).status, 204);
    EXPECT_EQ(get(*e, reader(kTenantA), a["id"])["connectionStatus"], "healthy");
    EXPECT_EQ(get(*e, reader(kTenantB), b["id"])["connectionStatus"], "available");
    EXPECT_TRUE(get(*e, reader(kTenantB), b["id"])["agentSetting"].is_null());
    ASSERT_EQ(send(*e, "PATCH", entity_path(b["id"]), admin(kTenantB), R"({"enableConnection": false})").status, 200);
    EXPECT_EQ(heartbeat(*e, partner_app(kTenantA), shared).status, 204);
    expect_graph_error(heartbeat(*e, partner_app(kTenantB), shared), 409, "conflict", "connectionDisabled");
    ASSERT_EQ(send(*e, "DELETE", entity_path(a["id"]), admin(kTenantA)).status, 204);
    EXPECT_EQ(get(*e, reader(kTenantB), b["id"])["partnerId"], shared);
    Reply list = send(*e, "GET", kCollection + "?$filter=partnerId eq '" + shared + "'&$count=true", reader(kTenantA));
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.doc()["@odata.count"], 0);
}

}  // namespace
}  // namespace cpep::engine_test
