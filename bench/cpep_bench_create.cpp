// Creates per second through the C ABI against raw SQLite doing the same committed insert, measured
// in the same run, for both durability modes; the ratio is the result (STYLE: "Benchmarks print
// ratios against a baseline measured in the same run, never a bare time").
//
//   cpep_bench_create [--rounds R] [--full N] [--normal N] [--block B] [--dir DIR] [--summary FILE]
//   cpep_bench_create --callgrind engine|raw|raw-txn|raw-idx N [--durability full|normal] [--dir DIR]
//
// Sides, each on its own fresh WAL database with the engine's pragmas:
//   raw      autocommit INSERT into a minimal table (the tightest baseline)
//   raw-txn  BEGIN IMMEDIATE; INSERT; COMMIT with cached statements (what the engine does)
//   raw-idx  autocommit INSERT into a table with the engine's key and indexes (what the engine's
//            schema costs SQLite, apart from anything the engine does)
//   engine   cpep_create_external_partner through libcpep
// Each round opens all sides at once and runs them in blocks of B creates, rotating the order, so
// disk and CPU noise lands on every side alike; the table shows the median of the rounds.
// --summary FILE appends the engine/side ratios as rows of bench/run.sh's final table; the target
// is the issue's (engine >= 0.9 x raw SQLite doing the same committed insert).
// The callgrind mode runs N creates of one side between CALLGRIND_START/STOP_INSTRUMENTATION
// (run under `valgrind --tool=callgrind --instr-atstart=no`); setup and warm-up are not counted.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <sqlite3.h>

#include "bench_common.h"
#include "cpep.h"

#ifdef CPEP_BENCH_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#define BENCH_START_INSTRUMENTATION() CALLGRIND_START_INSTRUMENTATION
#define BENCH_STOP_INSTRUMENTATION() CALLGRIND_STOP_INSTRUMENTATION
constexpr bool kHaveCallgrindMacros = true;
#else
#define BENCH_START_INSTRUMENTATION() ((void)0)
#define BENCH_STOP_INSTRUMENTATION() ((void)0)
constexpr bool kHaveCallgrindMacros = false;
#endif

namespace {

using bench::die;
using bench::kCaller;
using bench::kTenant;
using bench::median;
using bench::random_uuid;
using bench::remove_database;

constexpr double kTarget = 0.9;       // the issue: engine >= 0.9 x raw SQLite, both durability modes
constexpr int kBusyTimeoutMs = 5000;  // the engine's default
constexpr std::size_t kWarmup = 50;   // creates before anything is timed, on every side

enum class Side { raw, raw_txn, raw_idx, engine };
constexpr std::array<Side, 4> kSides{Side::raw, Side::raw_txn, Side::raw_idx, Side::engine};

const char *side_name(Side s) {
    switch (s) {
    case Side::raw: return "raw";
    case Side::raw_txn: return "raw-txn";
    case Side::raw_idx: return "raw-idx";
    case Side::engine: return "engine";
    }
    return "?";
}

long long now_micros() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

class Runner {
public:
    virtual ~Runner() = default;
    virtual void create(std::size_t i) = 0;
};

// Raw SQLite: the engine's pragmas, one prepared INSERT, one commit per row, a fresh random id and
// the clock read per row.
class RawRunner final : public Runner {
public:
    RawRunner(const std::string &path, const char *synchronous, Side side, const std::vector<std::string> &partner_ids)
        : partner_ids_(partner_ids), explicit_txn_(side == Side::raw_txn) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            nullptr) != SQLITE_OK)
            die("cannot open " + path);
        sqlite3_busy_timeout(db_, kBusyTimeoutMs);  // before journal_mode=WAL, as the engine does
        exec("PRAGMA journal_mode = WAL");
        exec(std::string("PRAGMA synchronous = ") + synchronous);
        if (side == Side::raw_idx) {
            // The key and indexes of migrations/0001 and 0002 on external_partner.
            exec("CREATE TABLE external_partner (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, tenant_id TEXT NOT NULL,"
                 " partner_id TEXT NOT NULL, enable_connection INTEGER NOT NULL, created_at INTEGER NOT NULL,"
                 " enabled_at INTEGER)");
            exec("CREATE UNIQUE INDEX external_partner_id ON external_partner (id)");
            exec("CREATE UNIQUE INDEX external_partner_tenant_partner ON external_partner (tenant_id, partner_id)");
            exec("CREATE INDEX external_partner_tenant_seq ON external_partner (tenant_id, seq)");
        } else {
            exec("CREATE TABLE external_partner (id TEXT, tenant_id TEXT, partner_id TEXT,"
                 " enable_connection INTEGER, created_at INTEGER, enabled_at INTEGER)");
        }
        insert_ = prepare("INSERT INTO external_partner"
                          " (id, tenant_id, partner_id, enable_connection, created_at, enabled_at)"
                          " VALUES (?, ?, ?, ?, ?, ?)");
        begin_ = prepare("BEGIN IMMEDIATE");
        commit_ = prepare("COMMIT");
    }
    ~RawRunner() override {
        sqlite3_finalize(insert_);
        sqlite3_finalize(begin_);
        sqlite3_finalize(commit_);
        sqlite3_close(db_);
    }

    void create(std::size_t i) override {
        const std::string id = random_uuid();
        const long long now = now_micros();
        if (explicit_txn_) step(begin_);
        const std::string &partner = partner_ids_[i];
        sqlite3_bind_text(insert_, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
        sqlite3_bind_text(insert_, 2, kTenant, -1, SQLITE_STATIC);
        sqlite3_bind_text(insert_, 3, partner.data(), static_cast<int>(partner.size()), SQLITE_STATIC);
        sqlite3_bind_int(insert_, 4, 1);
        sqlite3_bind_int64(insert_, 5, now);
        sqlite3_bind_int64(insert_, 6, now);
        step(insert_);
        if (explicit_txn_) step(commit_);
    }

private:
    void exec(const std::string &sql) {
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
            die(sql + ": " + sqlite3_errmsg(db_));
    }
    sqlite3_stmt *prepare(const char *sql) {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
            die(std::string(sql) + ": " + sqlite3_errmsg(db_));
        return stmt;
    }
    void step(sqlite3_stmt *stmt) {
        const int rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE) die(std::string("step: ") + sqlite3_errmsg(db_));
    }

    const std::vector<std::string> &partner_ids_;
    bool explicit_txn_;
    sqlite3 *db_ = nullptr;
    sqlite3_stmt *insert_ = nullptr;
    sqlite3_stmt *begin_ = nullptr;
    sqlite3_stmt *commit_ = nullptr;
};

// The engine through the C ABI, as a host calls it: one create, check the status, release.
class EngineRunner final : public Runner {
public:
    EngineRunner(const std::string &path, const char *durability, const std::vector<std::string> &bodies)
        : bodies_(bodies) {
        const std::string options = std::string(R"({"durability":")") + durability + "\"}";
        if (cpep_open(&engine_, path.c_str(), options.c_str()) != CPEP_OK)
            die("cpep_open " + path + ": " + cpep_error_last());
    }
    ~EngineRunner() override { cpep_close(engine_); }

    void create(std::size_t i) override {
        const std::string &body = bodies_[i];
        cpep_buf out = CPEP_BUF_INIT;
        const int status = cpep_create_external_partner(&out, engine_, kCaller, body.data(), body.size());
        if (status != 201) die("create answered " + std::to_string(status) + ": " + (out.ptr ? out.ptr : ""));
        cpep_buf_dispose(&out);
    }

private:
    const std::vector<std::string> &bodies_;
    cpep_engine *engine_ = nullptr;
};

// Distinct partnerIds and their request bodies, made before anything is timed.
struct Inputs {
    std::vector<std::string> partner_ids;
    std::vector<std::string> bodies;
};

Inputs make_inputs(std::size_t count) {
    Inputs in;
    in.partner_ids.reserve(count);
    in.bodies.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        in.partner_ids.push_back(random_uuid());
        in.bodies.push_back(bench::create_body(in.partner_ids.back()));
    }
    return in;
}

// One side on its own fresh database file, removed again when the side is done.
struct SideRun {
    Side side;
    std::string path;
    std::unique_ptr<Runner> runner;
    std::size_t next = 0;
    double seconds = 0;
    unsigned long long syncs = 0;  // fsync/fdatasync calls during the timed creates

    SideRun(Side s, const std::string &dir, const char *durability, const std::string &tag, const Inputs &in)
        : side(s), path(dir + "/" + durability + "-" + side_name(s) + "-" + tag + ".db") {
        remove_database(path);
        const char *synchronous = std::strcmp(durability, "full") == 0 ? "FULL" : "NORMAL";
        if (s == Side::engine)
            runner = std::make_unique<EngineRunner>(path, durability, in.bodies);
        else
            runner = std::make_unique<RawRunner>(path, synchronous, s, in.partner_ids);
        for (; next < kWarmup; ++next) runner->create(next);
    }
    ~SideRun() {
        runner.reset();
        remove_database(path);
    }
    SideRun(const SideRun &) = delete;
    SideRun &operator=(const SideRun &) = delete;

    void timed(std::size_t count) {
        const unsigned long long syncs_before = bench::syncs();
        const auto start = std::chrono::steady_clock::now();
        for (const std::size_t end = next + count; next < end; ++next) runner->create(next);
        seconds += bench::seconds_since(start);
        syncs += bench::syncs() - syncs_before;
    }
};

struct ModeResult {
    const char *mode;
    std::size_t n;
    double target;
    std::array<double, kSides.size()> per_second;  // medians, indexed by Side
    std::array<double, kSides.size()> ratio;       // engine / side: the median of the rounds' ratios
    std::array<double, kSides.size()> syncs;       // fsync/fdatasync calls per timed create, all rounds
};

int run_table(int rounds, std::size_t full_n, std::size_t normal_n, std::size_t block, const std::string &dir,
              const std::string &summary) {
    std::printf("cpep create benchmark: libcpep %s, SQLite %s, %d rounds, fresh WAL databases per round in %s\n",
                cpep_version(), sqlite3_libversion(), rounds, dir.c_str());
    std::printf("one committed create per call, sides interleaved in blocks of %zu; median creates/s\n\n", block);
    std::fflush(stdout);

    std::vector<ModeResult> results;
    for (auto [mode, n, target] : {std::tuple{"full", full_n, kTarget}, std::tuple{"normal", normal_n, kTarget}}) {
        std::array<std::vector<double>, kSides.size()> samples;
        std::array<unsigned long long, kSides.size()> syncs{};
        for (int round = 0; round < rounds; ++round) {
            const Inputs in = make_inputs(kWarmup + n);
            std::vector<std::unique_ptr<SideRun>> runs;
            for (Side s : kSides) runs.push_back(std::make_unique<SideRun>(s, dir, mode, std::to_string(round), in));
            std::size_t turn = static_cast<std::size_t>(round);
            for (std::size_t done = 0; done < n; done += block, ++turn) {
                const std::size_t count = std::min(block, n - done);
                for (std::size_t k = 0; k < runs.size(); ++k) runs[(k + turn) % runs.size()]->timed(count);
            }
            std::fprintf(stderr, "  %s round %d/%d:", mode, round + 1, rounds);
            for (const auto &run : runs) {
                const double rate = static_cast<double>(n) / run->seconds;
                samples[static_cast<std::size_t>(run->side)].push_back(rate);
                syncs[static_cast<std::size_t>(run->side)] += run->syncs;
                std::fprintf(stderr, " %s %.0f/s", side_name(run->side), rate);
            }
            std::fprintf(stderr, "\n");
        }
        ModeResult r{mode, n, target, {}, {}, {}};
        const auto &engine_samples = samples[static_cast<std::size_t>(Side::engine)];
        for (std::size_t s = 0; s < kSides.size(); ++s) {
            r.per_second[s] = median(samples[s]);
            // Within a round every side saw the same noise, so the round's ratio is the measurement.
            std::vector<double> ratios;
            for (std::size_t k = 0; k < samples[s].size(); ++k) ratios.push_back(engine_samples[k] / samples[s][k]);
            r.ratio[s] = median(ratios);
            r.syncs[s] = static_cast<double>(syncs[s]) / static_cast<double>(n * static_cast<std::size_t>(rounds));
        }
        results.push_back(r);
    }

    const auto at = [](const ModeResult &r, Side s) { return r.per_second[static_cast<std::size_t>(s)]; };
    const auto ratio_to = [](const ModeResult &r, Side s) { return r.ratio[static_cast<std::size_t>(s)]; };
    std::printf("%-7s %6s %12s %12s %12s %12s %11s %13s %13s  %s\n", "mode", "N", "raw", "raw-txn", "raw-idx",
                "engine", "engine/raw", "engine/raw-txn", "engine/raw-idx", "target (engine/raw)");
    int missed = 0;
    for (const auto &r : results) {
        const double engine = at(r, Side::engine);
        const double ratio = ratio_to(r, Side::raw);
        const bool ok = ratio >= r.target;
        missed += !ok;
        std::printf("%-7s %6zu %10.0f/s %10.0f/s %10.0f/s %10.0f/s %11.2f %14.2f %14.2f  >= %.2f %s\n", r.mode, r.n,
                    at(r, Side::raw), at(r, Side::raw_txn), at(r, Side::raw_idx), engine, ratio,
                    ratio_to(r, Side::raw_txn), ratio_to(r, Side::raw_idx), r.target, ok ? "ok" : "MISSED");
    }
    std::printf("\nraw: autocommit INSERT, minimal table; raw-txn: BEGIN IMMEDIATE/INSERT/COMMIT, minimal table;\n"
                "raw-idx: autocommit INSERT into the engine's key and indexes.\n"
                "creates/s columns: median of the rounds; ratio columns: median of the rounds' engine/side ratios.\n");
    std::printf("fsync+fdatasync per create:");
    for (const auto &r : results)
        for (Side s : kSides)
            std::printf(" %s/%s %.3f", r.mode, side_name(s), r.syncs[static_cast<std::size_t>(s)]);
    std::printf("\n");

    const char *baseline_text[] = {"raw SQLite: autocommit INSERT, minimal table",
                                   "raw SQLite: BEGIN IMMEDIATE/INSERT/COMMIT, minimal table",
                                   "raw SQLite: autocommit INSERT, engine's indexes", ""};
    for (const auto &r : results) {
        for (Side s : {Side::raw, Side::raw_txn, Side::raw_idx}) {
            const std::size_t k = static_cast<std::size_t>(s);
            const std::size_t e = static_cast<std::size_t>(Side::engine);
            if (s != Side::raw) missed += r.ratio[k] < r.target;  // the table above judges engine/raw only
            bench::append_summary(
                summary, {std::string("1 thread, ") + r.mode + ": engine create (C ABI) vs " + side_name(s),
                          std::string(baseline_text[k]) + " " + bench::rate_text(r.per_second[k]),
                          bench::rate_text(r.per_second[e]), bench::format("%.2fx", r.ratio[k]),
                          bench::format(">= %.2fx", r.target), r.ratio[k] >= r.target ? "ok" : "MISSED",
                          bench::format("%.3f", r.syncs[e]) + " / " + bench::format("%.3f", r.syncs[k])});
        }
    }
    return missed == 0 ? 0 : 3;
}

int run_callgrind(Side side, std::size_t n, const char *durability, const std::string &dir) {
    const Inputs in = make_inputs(kWarmup + n);
    {
        SideRun run(side, dir, durability, "callgrind", in);  // includes the warm-up
        BENCH_START_INSTRUMENTATION();
        for (std::size_t i = kWarmup; i < kWarmup + n; ++i) run.runner->create(i);
        BENCH_STOP_INSTRUMENTATION();
    }
    std::printf("callgrind: %zu %s creates (%s), instrumentation %s\n", n, side_name(side), durability,
                kHaveCallgrindMacros ? "around the loop" : "whole program");
    return 0;
}

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: cpep_bench_create [--rounds R] [--full N] [--normal N] [--block B] [--dir DIR] "
                 "[--summary FILE]\n"
                 "       cpep_bench_create --callgrind engine|raw|raw-txn|raw-idx N [--durability full|normal] "
                 "[--dir DIR]\n");
    std::exit(2);
}

std::size_t parse_count(const char *text) {
    char *end = nullptr;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (!end || *end || end == text) usage();
    return static_cast<std::size_t>(v);
}

}  // namespace

int main(int argc, char **argv) {
    int rounds = 5;
    std::size_t full_n = 3000, normal_n = 10000, block = 100, callgrind_n = 0;
    std::string dir_arg, summary, durability = "normal";
    bool callgrind = false;
    Side callgrind_side = Side::engine;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc) usage();
            return argv[++i];
        };
        if (arg == "--rounds") rounds = static_cast<int>(parse_count(value()));
        else if (arg == "--full") full_n = parse_count(value());
        else if (arg == "--normal") normal_n = parse_count(value());
        else if (arg == "--block") block = parse_count(value());
        else if (arg == "--dir") dir_arg = value();
        else if (arg == "--summary") summary = value();
        else if (arg == "--durability") durability = value();
        else if (arg == "--callgrind") {
            callgrind = true;
            const std::string side = value();
            const auto known = std::find_if(kSides.begin(), kSides.end(),
                                            [&](Side s) { return side == side_name(s); });
            if (known == kSides.end()) usage();
            callgrind_side = *known;
            callgrind_n = parse_count(value());
        } else usage();
    }
    if (rounds < 1 || block < 1 || (durability != "full" && durability != "normal")) usage();
    if (cpep_abi_version() != CPEP_ABI_VERSION) die("libcpep ABI version mismatch");

    const std::string dir = bench::make_dir(dir_arg);
    const int rc = callgrind ? run_callgrind(callgrind_side, callgrind_n, durability.c_str(), dir)
                             : run_table(rounds, full_n, normal_n, block, dir, summary);
    if (dir_arg.empty()) std::filesystem::remove_all(dir);
    return rc;
}
