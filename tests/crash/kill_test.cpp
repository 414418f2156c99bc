// Kill test (issue 4, "Crash and fault tests"): a child process (cpep_crash_writer) creates,
// patches and deletes through the C ABI and reports each acknowledged request on a pipe; the
// parent SIGKILLs it at random moments, and after every kill checks with a raw read-only SQLite
// connection that the file passes PRAGMA integrity_check and holds exactly what was acknowledged
// (every acknowledged create present, every acknowledged delete gone, every acknowledged PATCH
// applied; only the one request in flight may have gone either way), then that cpep_open works
// (the dead writer's lock is gone) and the engine serves the data. Every round continues on the
// same database. Both durability modes.
//
// Environment: CPEP_KILL_ROUNDS (default 50 kills per mode), CPEP_CRASH_SEED (default: random,
// printed), CPEP_KILL_MAX_ACKS (default 200).
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "child_process.h"
#include "cpep.h"
#include "support.h"

#ifndef CPEP_CRASH_WRITER
#error "CPEP_CRASH_WRITER must name the writer executable"
#endif

namespace cpep_test {
namespace {

std::uint64_t env_number(const char *name, std::uint64_t fallback) {
    const char *v = std::getenv(name);
    if (!v || !*v) return fallback;
    return std::strtoull(v, nullptr, 10);
}

std::uint64_t crash_seed() {
    static const std::uint64_t seed = [] {
        const std::uint64_t s = env_number("CPEP_CRASH_SEED", std::random_device{}() | 1u);
        std::cout << "[ seed     ] CPEP_CRASH_SEED=" << s << std::endl;
        return s;
    }();
    return seed;
}

struct Row {
    std::string partner_id;
    bool enable = false;
};

// Raw read-only view of the file: integrity_check's verdict and every external_partner row.
struct RawView {
    std::string integrity;
    std::map<std::string, Row> rows;
    std::string error;
};

RawView read_raw(const std::string &path) {
    RawView v;
    if (!std::filesystem::exists(path)) {
        // Killed before cpep_open created the file: an empty database.
        v.integrity = "ok";
        return v;
    }
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        v.error = std::string("open: ") + sqlite3_errmsg(db);
        sqlite3_close(db);
        return v;
    }
    sqlite3_stmt *q = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, nullptr) == SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW) {
            if (!v.integrity.empty()) v.integrity += "; ";
            v.integrity += reinterpret_cast<const char *>(sqlite3_column_text(q, 0));
        }
    } else {
        v.error = std::string("integrity_check: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(q);
    q = nullptr;
    // The table may not exist yet if the first writer died while migrating.
    const int rc = sqlite3_prepare_v2(db, "SELECT id, partner_id, enable_connection FROM external_partner", -1, &q,
                                      nullptr);
    if (rc == SQLITE_OK) {
        int step;
        while ((step = sqlite3_step(q)) == SQLITE_ROW)
            v.rows[reinterpret_cast<const char *>(sqlite3_column_text(q, 0))] =
                Row{reinterpret_cast<const char *>(sqlite3_column_text(q, 1)), sqlite3_column_int(q, 2) != 0};
        if (step != SQLITE_DONE) v.error = std::string("select: ") + sqlite3_errmsg(db);
    } else if (std::string(sqlite3_errmsg(db)).find("no such table") == std::string::npos) {
        v.error = std::string("prepare select: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

// The request the child had announced but not acknowledged when it died.
struct Intent {
    char op = 0;           // 'C', 'P', 'D'
    std::string key;       // partnerId for C, id for P and D
    bool enable = false;   // C and P
};

struct Totals {
    long long rounds = 0, acked_creates = 0, acked_patches = 0, acked_deletes = 0;
    long long in_flight = 0, in_flight_applied = 0, immediate_kills = 0, locked_checks = 0;
};

void run_kill_rounds(const std::string &durability, unsigned salt) {
    const std::uint64_t rounds = env_number("CPEP_KILL_ROUNDS", 50);
    const std::uint64_t max_acks = env_number("CPEP_KILL_MAX_ACKS", 200);
    const std::uint64_t seed = crash_seed() + salt;
    std::mt19937_64 rng(seed);
    TempDir dir;
    const std::string db = dir.file("kill.db");
    const std::string caller = app_writer();

    std::map<std::string, Row> model;  // what must be in the file: id -> row
    std::set<std::string> deleted;     // acknowledged deletes
    Totals totals;

    for (std::uint64_t round = 0; round < rounds; ++round) {
        SCOPED_TRACE("durability " + durability + ", round " + std::to_string(round) + ", seed " + std::to_string(seed));
        const unsigned style = static_cast<unsigned>(rng() % 100);
        const std::uint64_t target_acks = rng() % (max_acks + 1);
        const std::int64_t run_ns = static_cast<std::int64_t>(rng() % 20000) * 1000;  // 0..20 ms

        ChildProcess child({CPEP_CRASH_WRITER, db, durability, std::to_string(round + 1), std::to_string(seed)});
        std::optional<Intent> intent;
        std::string failure;
        bool ready = false;
        std::uint64_t acks = 0;

        auto handle = [&](const std::string &line) {
            std::istringstream in(line);
            std::string kind, op, key;
            in >> kind;
            if (kind == "R") {
                ready = true;
            } else if (kind == "I") {
                int enable = 0;
                in >> op >> key >> enable;
                intent = Intent{op[0], key, enable != 0};
            } else if (kind == "A" && intent) {
                in >> op;
                ++acks;
                if (op == "C") {
                    in >> key;
                    model[key] = Row{intent->key, intent->enable};
                    ++totals.acked_creates;
                } else if (op == "P") {
                    model[intent->key].enable = intent->enable;
                    ++totals.acked_patches;
                } else if (op == "D") {
                    model.erase(intent->key);
                    deleted.insert(intent->key);
                    ++totals.acked_deletes;
                }
                intent.reset();
            } else {
                failure = "child reported: " + line;
            }
        };

        if (style < 10) {
            // Kill at once: the child may be anywhere in exec, cpep_open or its migrations.
            ++totals.immediate_kills;
        } else {
            std::string line;
            // Wait for the engine to be open.
            while (!ready && failure.empty() && child.next_line(line) == ChildProcess::Read::line) handle(line);
            if (ready && failure.empty()) {
                // While the writer runs, a second engine is refused (another process holds the lock).
                cpep_engine *second = nullptr;
                EXPECT_EQ(cpep_open(&second, db.c_str(), nullptr), CPEP_ELOCKED) << cpep_error_last();
                cpep_close(second);
                ++totals.locked_checks;
            }
            if (style < 55) {
                // After a random number of acknowledgements.
                while (failure.empty() && acks < target_acks &&
                       child.next_line(line) == ChildProcess::Read::line)
                    handle(line);
            } else {
                // After a random time, reading acknowledgements meanwhile.
                timespec start{};
                ::clock_gettime(CLOCK_MONOTONIC, &start);
                for (;;) {
                    timespec now{};
                    ::clock_gettime(CLOCK_MONOTONIC, &now);
                    const std::int64_t elapsed =
                        (now.tv_sec - start.tv_sec) * 1000000000LL + (now.tv_nsec - start.tv_nsec);
                    if (elapsed >= run_ns || !failure.empty()) break;
                    if (child.next_line(line, run_ns - elapsed) != ChildProcess::Read::line) break;
                    handle(line);
                }
            }
        }
        const int status = child.kill();
        // Everything the child wrote before it died is still in the pipe.
        std::string line;
        while (child.next_line(line) == ChildProcess::Read::line) handle(line);
        ASSERT_TRUE(failure.empty()) << failure;
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            << "the writer ended on its own (" << describe_wait_status(status) << ")";
        EXPECT_TRUE(child.pending().empty()) << "half a line in the pipe: " << child.pending();

        // 1. The file, through a raw read-only connection.
        const RawView raw = read_raw(db);
        ASSERT_TRUE(raw.error.empty()) << raw.error;
        ASSERT_EQ(raw.integrity, "ok");
        std::set<std::string> unexpected;
        for (const auto &[id, row] : raw.rows)
            if (!model.count(id)) unexpected.insert(id);
        for (const auto &[id, want] : model) {
            const auto found = raw.rows.find(id);
            const bool in_flight_here = intent && intent->op != 'C' && intent->key == id;
            if (found == raw.rows.end()) {
                EXPECT_TRUE(in_flight_here && intent->op == 'D') << "acknowledged id " << id << " is missing";
                continue;
            }
            EXPECT_EQ(found->second.partner_id, want.partner_id) << id;
            if (!(in_flight_here && intent->op == 'P')) {
                EXPECT_EQ(found->second.enable, want.enable) << "acknowledged PATCH of " << id << " lost";
            }
        }
        for (const auto &id : deleted) EXPECT_FALSE(raw.rows.count(id)) << "acknowledged delete of " << id << " undone";
        if (intent && intent->op == 'C') {
            // The create in flight may have committed (its 201 never reached the pipe).
            EXPECT_LE(unexpected.size(), 1u);
            for (const auto &id : unexpected) {
                EXPECT_EQ(raw.rows.at(id).partner_id, intent->key) << "row " << id << " was never requested";
                EXPECT_EQ(raw.rows.at(id).enable, intent->enable);
            }
        } else {
            EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " rows nobody acknowledged or requested, e.g. "
                                            << *unexpected.begin();
        }
        if (::testing::Test::HasFailure()) return;

        // The request in flight went one way or the other: take the file's word for it.
        if (intent) {
            ++totals.in_flight;
            bool applied = false;
            if (intent->op == 'C') {
                for (const auto &id : unexpected) {
                    model[id] = raw.rows.at(id);
                    applied = true;
                }
            } else if (intent->op == 'P') {
                applied = raw.rows.at(intent->key).enable == intent->enable;
                model[intent->key].enable = raw.rows.at(intent->key).enable;
            } else if (intent->op == 'D') {
                applied = !raw.rows.count(intent->key);
                if (applied) {
                    model.erase(intent->key);
                    deleted.insert(intent->key);
                }
            }
            totals.in_flight_applied += applied;
        }

        // 2. The engine opens (the lock died with the writer) and serves what was acknowledged.
        Engine engine;
        ASSERT_EQ(engine.open(db, "{\"durability\":\"" + durability + "\"}"), CPEP_OK) << cpep_error_last();
        Buf list;
        ASSERT_EQ(engine.request(list, "GET", std::string(kPartners) + "?$count=true&$top=1", caller.c_str(), ""), 200)
            << list.str();
        EXPECT_EQ(list.json().value("@odata.count", -1LL), static_cast<long long>(model.size())) << list.str();
        if (!model.empty()) {
            auto it = model.begin();
            std::advance(it, static_cast<long>(rng() % model.size()));
            Buf got;
            ASSERT_EQ(engine.request(got, "GET", std::string(kPartners) + "/" + it->first, caller.c_str(), ""), 200)
                << got.str();
            EXPECT_EQ(got.json().value("partnerId", ""), it->second.partner_id);
            EXPECT_EQ(got.json().value("enableConnection", !it->second.enable), it->second.enable);
        }
        ++totals.rounds;
    }
    std::cout << "[ kill     ] durability=" << durability << " kills=" << totals.rounds
              << " immediate=" << totals.immediate_kills << " ELOCKED-while-running=" << totals.locked_checks
              << " acked creates=" << totals.acked_creates << " patches=" << totals.acked_patches
              << " deletes=" << totals.acked_deletes << " in-flight=" << totals.in_flight
              << " (committed " << totals.in_flight_applied << ") rows=" << model.size() << std::endl;
    ::testing::Test::RecordProperty("kills", std::to_string(totals.rounds));
    ::testing::Test::RecordProperty("acked_creates", std::to_string(totals.acked_creates));
    EXPECT_EQ(totals.rounds, static_cast<long long>(rounds));
}

TEST(Kill, FullDurability) { run_kill_rounds("full", 0); }

TEST(Kill, NormalDurability) { run_kill_rounds("normal", 7919); }

}  // namespace
}  // namespace cpep_test
