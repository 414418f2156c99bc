// Fault injection through a test-only SQLite VFS shim (fault_vfs.h), registered as the default
// VFS of this process before any cpep_open: the engine's connection does all its I/O through it.
//
//  - WriteFaults / ReadFaults: for each operation, fault kind (xWrite I/O error, disk full once
//    or persistent, xSync error, xRead error, lock refused) and durability mode, N = 1, 2, ...
//    until the request succeeds without the fault firing (fault_harness.h describes the checks).
//  - CheckpointFaults: the same with the WAL at the auto-checkpoint threshold, so faults also
//    land in the checkpoint that runs after a commit.
//  - CrashAfterFault: a child process answers a request under a fault, then dies without closing;
//    what recovery finds must agree with the answer (a failed request must not reappear).
//  - PowerLoss: a child process writes with a journal of unsynced writes and at a random I/O call
//    reverts them (power loss) and dies; acknowledged creates must survive in "full" mode, and in
//    "normal" mode only creates acknowledged after the last WAL sync may be lost.
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "child_process.h"
#include "fault_harness.h"
#include "fault_vfs.h"
#include "support.h"

#ifndef CPEP_FAULT_CHILD
#error "CPEP_FAULT_CHILD must name the child executable"
#endif

namespace cpep_fault {
namespace {

using cpep_test::ChildProcess;
using cpep_test::TempDir;

class InstallShim : public ::testing::Environment {
public:
    void SetUp() override { ASSERT_TRUE(fault_vfs::install()) << "the unix VFS is missing"; }
};
[[maybe_unused]] auto *const g_env = ::testing::AddGlobalTestEnvironment(new InstallShim);

std::uint64_t env_number(const char *name, std::uint64_t fallback) {
    const char *v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct FaultKind {
    std::string name;
    fault_vfs::Kind kind;
    int rc;
    bool persistent;
    int status;
    std::string code, inner;
};

const std::vector<FaultKind> &fault_kinds() {
    static const std::vector<FaultKind> kinds = {
        {"WriteIoerr", fault_vfs::Kind::write, SQLITE_IOERR_WRITE, false, 500, "internalServerError", "storageError"},
        {"WriteDiskFullOnce", fault_vfs::Kind::write, SQLITE_FULL, false, 507, "insufficientStorage", "diskFull"},
        {"WriteDiskFullPersistent", fault_vfs::Kind::write, SQLITE_FULL, true, 507, "insufficientStorage", "diskFull"},
        {"SyncIoerr", fault_vfs::Kind::sync, SQLITE_IOERR_FSYNC, false, 500, "internalServerError", "storageError"},
        {"ReadIoerr", fault_vfs::Kind::read, SQLITE_IOERR_READ, false, 500, "internalServerError", "storageError"},
        // The file lock refused (another process holds it); busyTimeoutMs is 0 in the harness.
        {"LockBusy", fault_vfs::Kind::lock, SQLITE_BUSY, false, 503, "serviceUnavailable", "storageBusy"},
    };
    return kinds;
}

const FaultKind &fault_kind(const std::string &name) {
    for (const auto &k : fault_kinds())
        if (k.name == name) return k;
    throw std::invalid_argument(name);
}

Injector injector_for(const FaultKind &k, const std::string &db_path) {
    Injector i;
    i.name = k.name;
    i.arm = [k](int n) { fault_vfs::arm(k.kind, n, k.rc, k.persistent); };
    i.disarm = [] { fault_vfs::disarm(); };
    i.fired = [] { return fault_vfs::fired(); };
    i.check_failure = [k, db_path](int status, const nlohmann::json &body) {
        return check_storage_error(status, body, k.status, k.code, k.inner, db_path);
    };
    // Reads mostly hit the connection's page cache; a fresh connection has to read the file.
    i.reopen_each = k.kind == fault_vfs::Kind::read;
    return i;
}

void print_report(const std::string &what, const LoopReport &r) {
    std::cout << "[ faults   ] " << what << ": N tried=" << r.attempts << " failed=" << r.failed
              << " fired-but-succeeded=" << r.fired_but_ok << " | " << r.statuses << std::endl;
}

// ---------------------------------------------------------------- per-operation fault loops

using Param = std::tuple<std::string, std::string, std::string>;  // operation, fault kind, durability

std::string param_name(const ::testing::TestParamInfo<Param> &info) {
    return std::get<0>(info.param) + "_" + std::get<1>(info.param) + "_" + std::get<2>(info.param);
}

class WriteFaults : public ::testing::TestWithParam<Param> {};
class ReadFaults : public ::testing::TestWithParam<Param> {};

void run_param(const Param &p) {
    const auto &[op_name, kind_name, durability] = p;
    TempDir dir;
    Harness h(dir.file("fault.db"), durability);
    const LoopReport r = run_fault_loop(h, operation(op_name), injector_for(fault_kind(kind_name), h.path()));
    print_report(op_name + " " + kind_name + " " + durability, r);
    ::testing::Test::RecordProperty("attempts", r.attempts);
    ::testing::Test::RecordProperty("failed", r.failed);
}

TEST_P(WriteFaults, FailedRequestsChangeNothingAndTheNextSucceeds) { run_param(GetParam()); }
TEST_P(ReadFaults, FailedRequestsChangeNothingAndTheNextSucceeds) { run_param(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Vfs, WriteFaults,
                         ::testing::Combine(::testing::Values("create", "patch", "delete", "configureAgent", "heartbeat",
                                                              "deployAgent"),
                                            ::testing::Values("WriteIoerr", "WriteDiskFullOnce", "WriteDiskFullPersistent",
                                                              "SyncIoerr", "ReadIoerr", "LockBusy"),
                                            ::testing::Values("full", "normal")),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Vfs, ReadFaults,
                         ::testing::Combine(::testing::Values("get", "list"), ::testing::Values("ReadIoerr", "LockBusy"),
                                            ::testing::Values("full", "normal")),
                         param_name);

// ---------------------------------------------------------------- faults in the checkpoint

long long wal_frames(const std::string &db) {
    std::error_code ec;
    const auto size = static_cast<long long>(std::filesystem::file_size(db + "-wal", ec));
    return ec || size <= 32 ? 0 : (size - 32) / (4096 + 24);
}

void copy_file(const std::string &from, const std::string &to) {
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

long long integrity_and_count(const std::string &db_path, std::string &integrity) {
    sqlite3 *db = nullptr;
    long long count = -1;
    integrity.clear();
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, "unix") == SQLITE_OK) {
        sqlite3_stmt *q = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, nullptr) == SQLITE_OK)
            while (sqlite3_step(q) == SQLITE_ROW) integrity += reinterpret_cast<const char *>(sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
        q = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM external_partner", -1, &q, nullptr) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            count = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return count;
}

class CheckpointFaults : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(CheckpointFaults, ACommitThatTriggersAFailingCheckpointIsStillCommitted) {
    // A template database whose WAL is just under the auto-checkpoint threshold (1000 frames) is
    // copied (file and WAL, while its engine is idle) for every N, so the faulted create is always
    // the commit that runs the checkpoint: faults land in the commit or in the checkpoint after it.
    const auto &[kind_name, durability] = GetParam();
    TempDir dir;
    Harness fill(dir.file("template.db"), "normal");  // filling is faster without fsyncs
    int creates = 0;
    while (wal_frames(fill.path()) < 994 && creates < 2000) {
        fill.create(fill.next_partner_id(), true);
        ++creates;
    }
    ASSERT_GE(wal_frames(fill.path()), 994) << "the WAL did not grow as expected";
    LoopReport r;
    int n = 1;
    for (; n <= 400; ++n) {
        const std::string copy = dir.file("copy-" + std::to_string(n) + ".db");
        copy_file(fill.path(), copy);
        copy_file(fill.path() + "-wal", copy + "-wal");
        Harness h(copy, durability);
        h.set_partner_counter(100000);
        const int failed_before = r.failed;
        const bool done = run_fault_attempt(h, operation("create"), injector_for(fault_kind(kind_name), h.path()), n, r);
        if (::testing::Test::HasFailure()) break;
        // Whatever the checkpoint went through, the file is intact and holds every acknowledged row
        // (a failed attempt was repeated without the fault, so it holds one more row either way).
        std::string integrity;
        EXPECT_EQ(integrity_and_count(copy, integrity), creates + 1) << "N=" << n << (r.failed > failed_before ? " (failed)" : "");
        EXPECT_EQ(integrity, "ok") << "N=" << n;
        if (done) break;
    }
    print_report("create at the checkpoint threshold " + kind_name + " " + durability + " (WAL of " +
                     std::to_string(wal_frames(fill.path())) + " frames)",
                 r);
    EXPECT_GT(r.fired_but_ok, 0) << "no fault landed in the checkpoint after a commit";
}

INSTANTIATE_TEST_SUITE_P(Vfs, CheckpointFaults,
                         ::testing::Combine(::testing::Values("WriteIoerr", "WriteDiskFullPersistent", "SyncIoerr"),
                                            ::testing::Values("full", "normal")),
                         [](const auto &info) { return std::get<0>(info.param) + "_" + std::get<1>(info.param); });

// ---------------------------------------------------------------- the helper process

struct ChildRun {
    std::vector<std::string> lines;
    int status = 0;
};

ChildRun run_child(const std::vector<std::string> &args) {
    std::vector<std::string> argv{CPEP_FAULT_CHILD};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess child(argv);
    ChildRun r;
    std::string line;
    while (child.next_line(line) == ChildProcess::Read::line) r.lines.push_back(line);
    r.status = child.reap();
    return r;
}

struct RawRows {
    std::string integrity, error;
    std::map<std::string, std::pair<std::string, bool>> by_partner;  // partnerId -> (id, enable)
};

RawRows raw_rows(const std::string &db_path) {
    RawRows r;
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, "unix") != SQLITE_OK) {
        r.error = std::string("open: ") + sqlite3_errmsg(db);
        sqlite3_close(db);
        return r;
    }
    sqlite3_stmt *q = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, nullptr) == SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW)
            r.integrity += (r.integrity.empty() ? "" : "; ") + std::string(reinterpret_cast<const char *>(sqlite3_column_text(q, 0)));
    } else {
        r.error = std::string("integrity_check: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(q);
    q = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT partner_id, id, enable_connection FROM external_partner", -1, &q, nullptr) ==
        SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW)
            r.by_partner[reinterpret_cast<const char *>(sqlite3_column_text(q, 0))] = {
                reinterpret_cast<const char *>(sqlite3_column_text(q, 1)), sqlite3_column_int(q, 2) != 0};
    } else if (std::string(sqlite3_errmsg(db)).find("no such table") == std::string::npos) {
        r.error = std::string("select: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return r;
}

// ---------------------------------------------------------------- crash right after a fault

class CrashAfterFault : public ::testing::TestWithParam<std::tuple<std::string, std::string, std::string>> {};

TEST_P(CrashAfterFault, AFailedCreateDoesNotReappearAfterACrash) {
    // The child creates partner A (201), then partner B with the Nth call of the kind failing,
    // then (by `then`) dies at once without closing (no checkpoint, no WAL cleanup), or creates C
    // and dies, or closes cleanly. What the file holds afterwards must agree with what was
    // answered: A (and C) present; B present if and only if it answered 201.
    const auto &[kind_name, durability, then] = GetParam();
    const FaultKind &k = fault_kind(kind_name);
    int resurrected = 0, failed = 0;
    std::string where;
    for (int n = 1; n <= 60; ++n) {
        SCOPED_TRACE(kind_name + " N=" + std::to_string(n) + " durability " + durability + " then " + then);
        TempDir dir;
        const std::string db = dir.file("crash.db");
        const ChildRun run = run_child({"crash-after-fault", db, durability, kind_name == "SyncIoerr" ? "sync" : "write",
                                        std::to_string(n), std::to_string(k.rc), then});
        ASSERT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0)
            << cpep_test::describe_wait_status(run.status);
        ASSERT_EQ(run.lines.size(), then == "next" ? 3u : 2u);
        std::istringstream a(run.lines[0]), b(run.lines[1]);
        std::string tag, partner_a, partner_b, body;
        int status_a = 0, status_b = 0, fired = 0;
        a >> tag >> partner_a >> status_a;
        b >> tag >> partner_b >> status_b >> fired;
        std::getline(b, body);
        ASSERT_EQ(status_a, 201) << run.lines[0];
        const RawRows rows = raw_rows(db);
        ASSERT_TRUE(rows.error.empty()) << rows.error;
        EXPECT_EQ(rows.integrity, "ok");
        EXPECT_TRUE(rows.by_partner.count(partner_a)) << "acknowledged create lost";
        if (then == "next") {
            std::istringstream c(run.lines[2]);
            std::string partner_c;
            int status_c = 0;
            c >> tag >> partner_c >> status_c;
            EXPECT_EQ(status_c, 201) << "the create after the fault: " << run.lines[2];
            EXPECT_TRUE(rows.by_partner.count(partner_c)) << "acknowledged create lost";
        }
        if (status_b == 201) {
            EXPECT_TRUE(rows.by_partner.count(partner_b)) << "acknowledged create lost";
            if (!fired) break;  // N is past the calls a create makes
            continue;
        }
        ++failed;
        EXPECT_EQ(status_b, k.status) << body;
        if (rows.by_partner.count(partner_b)) {
            ++resurrected;
            where += std::to_string(n) + " ";
        }
    }
    std::cout << "[ crash    ] " << kind_name << " " << durability << " then " << then << ": failed creates=" << failed
              << ", of which present after the crash=" << resurrected << (where.empty() ? "" : " (N=" + where + ")")
              << std::endl;
    EXPECT_EQ(resurrected, 0)
        << "a create answered " << k.status << " (\"nothing was changed\") but its row is in the database once "
        << "the process dies (" << then << ") and SQLite recovers the WAL, at N=" << where;
}

INSTANTIATE_TEST_SUITE_P(Vfs, CrashAfterFault,
                         ::testing::Combine(::testing::Values("WriteIoerr", "SyncIoerr"), ::testing::Values("full", "normal"),
                                            ::testing::Values("crash", "next", "close")),
                         [](const auto &info) {
                             return std::get<0>(info.param) + "_" + std::get<1>(info.param) + "_then_" + std::get<2>(info.param);
                         });

// ---------------------------------------------------------------- power loss

void run_power_loss(const std::string &durability, std::uint64_t salt) {
    const std::uint64_t rounds = env_number("CPEP_POWER_ROUNDS", 30);
    const char *seed_text = std::getenv("CPEP_CRASH_SEED");
    const std::uint64_t seed = (seed_text && *seed_text ? std::strtoull(seed_text, nullptr, 10) : std::random_device{}()) + salt;
    std::cout << "[ seed     ] CPEP_CRASH_SEED=" << seed - salt << std::endl;
    std::mt19937_64 rng(seed);
    TempDir dir;
    const std::string db = dir.file("power.db");

    std::map<std::string, std::string> durable;  // partnerId -> id: verified and checkpointed by a clean close
    long long acked_total = 0, lost_total = 0, lost_max = 0, rounds_with_loss = 0, in_flight_present = 0;
    std::string per_round;
    for (std::uint64_t round = 0; round < rounds; ++round) {
        SCOPED_TRACE("durability " + durability + ", round " + std::to_string(round) + ", seed " + std::to_string(seed));
        // Mostly within the first ~100 creates; some rounds run long enough for checkpoints.
        const bool long_round = rng() % (durability == "full" ? 10 : 3) == 0;
        const std::uint64_t trigger = 1 + rng() % (long_round ? 6000 : 700);
        const bool keep_prefix = rng() % 2 == 0;
        const ChildRun run = run_child({"power", db, durability, std::to_string(round + 1), std::to_string(trigger),
                                        std::to_string(rng()), keep_prefix ? "prefix" : "all"});
        ASSERT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0)
            << cpep_test::describe_wait_status(run.status) << (run.lines.empty() ? "" : ", last line: " + run.lines.back());

        // Replay the child's report: I <partnerId> <enable> / A <partnerId> <id> / S / L ...
        std::vector<std::string> acked;          // partnerIds in acknowledgement order
        std::map<std::string, bool> requested;   // partnerId -> enable
        std::size_t durable_prefix = 0;          // acked[0, durable_prefix) preceded a completed WAL sync
        std::string loss_line;
        for (const auto &line : run.lines) {
            std::istringstream in(line);
            std::string tag, partner, id;
            in >> tag;
            if (tag == "I") {
                int enable = 0;
                in >> partner >> enable;
                requested[partner] = enable != 0;
            } else if (tag == "A") {
                in >> partner >> id;
                acked.push_back(partner);
            } else if (tag == "S") {
                durable_prefix = acked.size();
            } else if (tag == "L") {
                loss_line = line;
            } else {
                FAIL() << "child reported: " << line;
            }
        }
        ASSERT_FALSE(loss_line.empty()) << "the child died without simulating the power loss";
        acked_total += static_cast<long long>(acked.size());

        const RawRows rows = raw_rows(db);
        ASSERT_TRUE(rows.error.empty()) << rows.error;
        ASSERT_EQ(rows.integrity, "ok") << loss_line;
        for (const auto &[partner, id] : durable)
            EXPECT_TRUE(rows.by_partner.count(partner)) << "a row from an earlier round (" << partner << ") is gone";
        for (const auto &[partner, row] : rows.by_partner) {
            if (durable.count(partner)) continue;
            const auto it = requested.find(partner);
            if (it == requested.end()) {
                ADD_FAILURE() << "row for partnerId " << partner << " that nobody requested";
                continue;
            }
            EXPECT_EQ(row.second, it->second) << "row " << partner << " is not what was requested";
        }
        // Which acknowledged creates are missing, and are they a suffix of the acknowledgements?
        std::size_t first_missing = acked.size();
        long long lost = 0;
        for (std::size_t i = 0; i < acked.size(); ++i) {
            if (rows.by_partner.count(acked[i])) {
                EXPECT_EQ(first_missing, acked.size())
                    << "acknowledged create #" << i << " survived but #" << first_missing << " before it did not: a hole";
            } else {
                ++lost;
                if (first_missing == acked.size()) first_missing = i;
            }
        }
        if (durability == "full") {
            EXPECT_EQ(lost, 0) << lost << " acknowledged creates lost in full mode; " << loss_line;
        } else {
            EXPECT_GE(first_missing, durable_prefix)
                << "a create acknowledged before a completed WAL sync was lost; " << loss_line;
        }
        const std::set<std::string> acked_set(acked.begin(), acked.end());
        for (const auto &[partner, enable] : requested)
            if (!acked_set.count(partner) && rows.by_partner.count(partner)) ++in_flight_present;
        lost_total += lost;
        lost_max = std::max(lost_max, lost);
        rounds_with_loss += lost > 0;
        per_round += std::to_string(lost) + "/" + std::to_string(acked.size()) + " ";
        if (::testing::Test::HasFailure()) {
            std::cout << "child: " << loss_line << std::endl;
            return;
        }

        // The engine opens the recovered file and works; its clean close makes the rows durable.
        cpep_test::Engine engine;
        ASSERT_EQ(engine.open(db, "{\"durability\":\"" + durability + "\"}"), CPEP_OK) << cpep_error_last();
        const std::string caller = cpep_test::app_writer();
        cpep_test::Buf list;
        ASSERT_EQ(engine.request(list, "GET", std::string(cpep_test::kPartners) + "?$count=true&$top=1", caller.c_str(), ""), 200);
        EXPECT_EQ(list.json().value("@odata.count", -1LL), static_cast<long long>(rows.by_partner.size()));
        const std::string fresh = cpep_test::numbered_guid(0xbeef, static_cast<unsigned>(round));
        cpep_test::Buf created;
        ASSERT_EQ(engine.create(created, cpep_test::partner_body(fresh)), 201) << created.str();
        engine.close();
        for (const auto &[partner, row] : rows.by_partner) durable[partner] = row.first;
        durable[fresh] = created.json().value("id", "");
    }
    std::cout << "[ power    ] durability=" << durability << " rounds=" << rounds << " acked creates=" << acked_total
              << " lost=" << lost_total << " (max " << lost_max << " in one round, " << rounds_with_loss
              << " rounds with a loss) in-flight creates found committed=" << in_flight_present
              << " | lost/acked per round: " << per_round << std::endl;
    ::testing::Test::RecordProperty("lost", std::to_string(lost_total));
}

TEST(PowerLoss, FullModeLosesNoAcknowledgedCreate) { run_power_loss("full", 0); }

TEST(PowerLoss, NormalModeLosesOnlyCreatesAfterTheLastSync) { run_power_loss("normal", 104729); }

}  // namespace
}  // namespace cpep_fault
