// Group commit, $batch and memory through the C ABI, each against a baseline measured in the same
// run (STYLE: "Benchmarks print ratios against a baseline measured in the same run").
//
//   cpep_bench_group --threads [--rounds R] [--full N] [--normal N] [--per-thread K] [--dir DIR] [--summary FILE]
//       8 threads creating at once on one engine against one thread creating on another engine,
//       both durability modes. Each thread has its own partnerIds. Each round opens two fresh
//       databases and alternates blocks (one thread: 8*K creates; 8 threads: K creates each, started
//       together) so noise lands on both; the ratio is the median of the rounds' ratios.
//   cpep_bench_group --batch [--rounds R] [--full N] [--normal N] [--dir DIR] [--summary FILE]
//       POST /$batch of 20 creates against single POST creates, both through cpep_request, per-create
//       throughput, both durability modes, alternating blocks of 200 creates. Beside them, as the
//       reference of what batching can gain: raw SQLite with the engine's table and indexes, one
//       prepared INSERT per row in BEGIN IMMEDIATE ... COMMIT, 20 rows per commit against 1.
//   cpep_bench_group --versions    libcpep's and the loaded SQLite's versions
//   cpep_bench_group --memory N [--dir DIR] [--summary FILE]
//       resident set size growth over N creates through the C ABI on one engine (durability normal,
//       file database), measured after a warm-up of 1,000 creates.
//
// Every side also reports fsync+fdatasync calls per create (bench/fsync_counter.c): in `full`
// mode a commit is one fdatasync of the WAL, so it shows how many creates shared each commit.
#include <array>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_common.h"
#include "cpep.h"

namespace {

using bench::die;
using bench::kCaller;
using bench::median;
using bench::random_uuid;

constexpr std::size_t kThreads = 8;
constexpr std::size_t kBatchSize = 20;  // the most Graph JSON batching allows
constexpr double kThreadsTarget = 3.0;  // the issue: >= 3x the single-thread figure in full mode
constexpr double kBatchTarget = 5.0;    // the issue: >= 5x per create
constexpr long kMemoryTargetKiB = 5 * 1024;

// An engine on a fresh file, closed and removed with the object.
class Engine {
public:
    Engine(const std::string &path, const char *durability) : path_(path) {
        bench::remove_database(path_);
        const std::string options = std::string(R"({"durability":")") + durability + "\"}";
        if (cpep_open(&engine_, path_.c_str(), options.c_str()) != CPEP_OK)
            die("cpep_open " + path_ + ": " + cpep_error_last());
    }
    ~Engine() {
        cpep_close(engine_);
        bench::remove_database(path_);
    }
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;
    cpep_engine *get() const { return engine_; }

private:
    std::string path_;
    cpep_engine *engine_ = nullptr;
};

// One create as a host calls it: the create, the status checked, the buffer released.
// Returns an empty string on 201, the reason otherwise (so that threads can report it).
std::string create(cpep_engine *engine, const std::string &body) {
    cpep_buf out = CPEP_BUF_INIT;
    const int status = cpep_create_external_partner(&out, engine, kCaller, body.data(), body.size());
    std::string failure;
    if (status != 201) failure = "create answered " + std::to_string(status) + ": " + (out.ptr ? out.ptr : "");
    cpep_buf_dispose(&out);
    return failure;
}

std::vector<std::string> make_bodies(std::size_t count) {
    std::vector<std::string> bodies;
    bodies.reserve(count);
    for (std::size_t i = 0; i < count; ++i) bodies.push_back(bench::create_body(random_uuid()));
    return bodies;
}

struct Timed {
    double seconds = 0;
    std::size_t creates = 0;
    unsigned long long syncs = 0, written = 0;
    double rate() const { return static_cast<double>(creates) / seconds; }
    double syncs_per_create() const { return static_cast<double>(syncs) / static_cast<double>(creates); }
    double kib_per_create() const { return static_cast<double>(written) / 1024.0 / static_cast<double>(creates); }
};

template <class F>
void timed(Timed &t, std::size_t creates, F &&work) {
    const unsigned long long syncs_before = bench::syncs(), written_before = bench::bytes_written();
    const auto start = std::chrono::steady_clock::now();
    work();
    t.seconds += bench::seconds_since(start);
    t.syncs += bench::syncs() - syncs_before;
    t.written += bench::bytes_written() - written_before;
    t.creates += creates;
}

// Per-round figures of two sides, reduced to medians and the median of the rounds' ratios.
struct Comparison {
    std::vector<double> value, baseline, ratio;
    unsigned long long value_syncs = 0, baseline_syncs = 0;
    std::size_t value_creates = 0, baseline_creates = 0;

    void add_round(const Timed &v, const Timed &b) {
        value.push_back(v.rate());
        baseline.push_back(b.rate());
        ratio.push_back(v.rate() / b.rate());
        value_syncs += v.syncs;
        baseline_syncs += b.syncs;
        value_creates += v.creates;
        baseline_creates += b.creates;
    }
    std::string syncs_text() const {
        return bench::format("%.3f", static_cast<double>(value_syncs) / static_cast<double>(value_creates)) + " / " +
               bench::format("%.3f", static_cast<double>(baseline_syncs) / static_cast<double>(baseline_creates));
    }
};

// ---------------------------------------------------------------------------------------------
// 8 threads at once on one engine.

class CreatorThreads {
public:
    CreatorThreads(cpep_engine *engine, std::vector<std::vector<std::string>> bodies)
        : engine_(engine), bodies_(std::move(bodies)), next_(bodies_.size(), 0), start_(bodies_.size() + 1),
          done_(bodies_.size() + 1) {
        for (std::size_t t = 0; t < bodies_.size(); ++t) threads_.emplace_back([this, t] { work(t); });
    }
    ~CreatorThreads() {
        stop_ = true;
        start_.arrive_and_wait();
        for (auto &t : threads_) t.join();
    }
    CreatorThreads(const CreatorThreads &) = delete;
    CreatorThreads &operator=(const CreatorThreads &) = delete;

    // Every thread makes `each` creates; returns when all are acknowledged.
    void run(std::size_t each) {
        each_ = each;
        start_.arrive_and_wait();
        done_.arrive_and_wait();
        if (!failure_.empty()) die(failure_);
    }

private:
    void work(std::size_t t) {
        for (;;) {
            start_.arrive_and_wait();
            if (stop_) return;
            for (std::size_t k = 0; k < each_; ++k) {
                if (next_[t] >= bodies_[t].size()) die("thread ran out of inputs");
                std::string failure = create(engine_, bodies_[t][next_[t]++]);
                if (!failure.empty()) {
                    std::lock_guard guard(failure_mutex_);
                    if (failure_.empty()) failure_ = "thread " + std::to_string(t) + ": " + failure;
                }
            }
            done_.arrive_and_wait();
        }
    }

    cpep_engine *engine_;
    std::vector<std::vector<std::string>> bodies_;
    std::vector<std::size_t> next_;
    std::size_t each_ = 0;  // written before start_, read after it
    bool stop_ = false;     // likewise
    std::barrier<> start_, done_;
    std::vector<std::thread> threads_;
    std::mutex failure_mutex_;
    std::string failure_;
};

int run_threads(int rounds, std::size_t full_n, std::size_t normal_n, std::size_t per_thread, const std::string &dir,
                const std::string &summary) {
    const std::size_t block = kThreads * per_thread;
    std::printf("8 threads creating at once on one engine (group commit) vs 1 thread on another engine\n"
                "cpep_create_external_partner, fresh WAL file databases per round in %s; %d rounds,\n"
                "blocks of %zu creates alternating (8 threads x %zu, started together / 1 thread x %zu)\n\n",
                dir.c_str(), rounds, block, per_thread, block);
    std::fflush(stdout);
    int missed = 0;
    std::printf("%-7s %6s %12s %12s %8s %12s  %s\n", "mode", "N", "1 thread", "8 threads", "ratio", "syncs/create",
                "target");
    for (auto [mode, n_requested] : {std::tuple{"full", full_n}, std::tuple{"normal", normal_n}}) {
        const std::size_t blocks = std::max<std::size_t>(1, n_requested / block);
        const std::size_t n = blocks * block;
        Comparison c;
        for (int round = 0; round < rounds; ++round) {
            const std::string tag = std::string(mode) + "-" + std::to_string(round);
            Engine single(dir + "/threads-1-" + tag + ".db", mode);
            Engine shared(dir + "/threads-8-" + tag + ".db", mode);
            const std::vector<std::string> single_bodies = make_bodies(n + block);
            std::vector<std::vector<std::string>> thread_bodies;
            for (std::size_t t = 0; t < kThreads; ++t) thread_bodies.push_back(make_bodies(n / kThreads + per_thread));
            CreatorThreads threads(shared.get(), std::move(thread_bodies));
            // Warm-up: one untimed block on each side.
            std::size_t next = 0;
            for (; next < block; ++next)
                if (auto f = create(single.get(), single_bodies[next]); !f.empty()) die(f);
            threads.run(per_thread);

            Timed one, eight;
            for (std::size_t b = 0; b < blocks; ++b) {
                auto run_one = [&] {
                    timed(one, block, [&] {
                        for (const std::size_t end = next + block; next < end; ++next)
                            if (auto f = create(single.get(), single_bodies[next]); !f.empty()) die(f);
                    });
                };
                auto run_eight = [&] { timed(eight, block, [&] { threads.run(per_thread); }); };
                if ((b + static_cast<std::size_t>(round)) % 2) {
                    run_one();
                    run_eight();
                } else {
                    run_eight();
                    run_one();
                }
            }
            c.add_round(eight, one);
            std::fprintf(stderr,
                         "  threads %s round %d/%d: 1 thread %.0f/s (%.3f syncs, %.1f KiB written per create), "
                         "8 threads %.0f/s (%.3f, %.1f KiB)\n",
                         mode, round + 1, rounds, one.rate(), one.syncs_per_create(), one.kib_per_create(),
                         eight.rate(), eight.syncs_per_create(), eight.kib_per_create());
        }
        const double ratio = median(c.ratio);
        const bool judged = std::strcmp(mode, "full") == 0;
        const bool ok = !judged || ratio >= kThreadsTarget;
        missed += !ok;
        const std::string target = judged ? bench::format(">= %.2fx", kThreadsTarget) : "- (full only)";
        std::printf("%-7s %6zu %10.0f/s %10.0f/s %7.2fx %12s  %s %s\n", mode, n, median(c.baseline),
                    median(c.value), ratio, c.syncs_text().c_str(), target.c_str(),
                    judged ? (ok ? "ok" : "MISSED") : "");
        bench::append_summary(summary, {std::string("8 threads, ") + mode + ": engine creates/s, one engine",
                                        "engine, 1 thread " + bench::rate_text(median(c.baseline)),
                                        bench::rate_text(median(c.value)), bench::format("%.2fx", ratio), target,
                                        judged ? (ok ? "ok" : "MISSED") : "info", c.syncs_text()});
    }
    std::printf("(syncs/create: fsync+fdatasync calls per create, 8 threads / 1 thread; ratio: median of the "
                "rounds' 8-thread/1-thread ratios)\n");
    return missed == 0 ? 0 : 3;
}

// ---------------------------------------------------------------------------------------------
// POST /$batch of 20 creates against single POSTs, both through cpep_request.

// Raw SQLite with the engine's external_partner table (migrations 0001 and 0002) and its indexes,
// the engine's pragmas, a fresh random id and the clock read per row; `rows` rows per commit.
class RawIdx {
public:
    RawIdx(const std::string &path, const char *durability) : path_(path) {
        bench::remove_database(path_);
        if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            nullptr) != SQLITE_OK)
            die("cannot open " + path_);
        sqlite3_busy_timeout(db_, 5000);
        exec("PRAGMA journal_mode = WAL");
        exec(std::strcmp(durability, "full") == 0 ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        exec("CREATE TABLE external_partner (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, tenant_id TEXT NOT NULL,"
             " partner_id TEXT NOT NULL, enable_connection INTEGER NOT NULL CHECK (enable_connection IN (0, 1)),"
             " created_at INTEGER NOT NULL, enabled_at INTEGER,"
             " CHECK ((enable_connection = 1) = (enabled_at IS NOT NULL)))");
        exec("ALTER TABLE external_partner ADD COLUMN last_heartbeat_at INTEGER");
        exec("ALTER TABLE external_partner ADD COLUMN agent_url TEXT");
        exec("ALTER TABLE external_partner ADD COLUMN agent_sha256 TEXT");
        exec("ALTER TABLE external_partner ADD COLUMN agent_install_parameters TEXT");
        exec("ALTER TABLE external_partner ADD COLUMN agent_auto_deployment INTEGER");
        exec("CREATE UNIQUE INDEX external_partner_id ON external_partner (id)");
        exec("CREATE UNIQUE INDEX external_partner_tenant_partner ON external_partner (tenant_id, partner_id)");
        exec("CREATE INDEX external_partner_tenant_seq ON external_partner (tenant_id, seq)");
        insert_ = prepare("INSERT INTO external_partner (id, tenant_id, partner_id, enable_connection, created_at,"
                          " enabled_at) VALUES (?, ?, ?, ?, ?, ?)");
        begin_ = prepare("BEGIN IMMEDIATE");
        commit_ = prepare("COMMIT");
    }
    ~RawIdx() {
        sqlite3_finalize(insert_);
        sqlite3_finalize(begin_);
        sqlite3_finalize(commit_);
        sqlite3_close(db_);
        bench::remove_database(path_);
    }
    RawIdx(const RawIdx &) = delete;
    RawIdx &operator=(const RawIdx &) = delete;

    // `count` rows, committed `rows` at a time.
    void insert(const std::vector<std::string> &partner_ids, std::size_t &next, std::size_t count, std::size_t rows) {
        for (std::size_t done = 0; done < count;) {
            step(begin_);
            for (std::size_t k = 0; k < rows && done < count; ++k, ++done, ++next) {
                const std::string id = random_uuid();
                const long long now = std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count();
                const std::string &partner = partner_ids[next];
                sqlite3_bind_text(insert_, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
                sqlite3_bind_text(insert_, 2, bench::kTenant, -1, SQLITE_STATIC);
                sqlite3_bind_text(insert_, 3, partner.data(), static_cast<int>(partner.size()), SQLITE_STATIC);
                sqlite3_bind_int(insert_, 4, 1);
                sqlite3_bind_int64(insert_, 5, now);
                sqlite3_bind_int64(insert_, 6, now);
                step(insert_);
            }
            step(commit_);
        }
    }

private:
    void exec(const char *sql) {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) die(std::string(sql) + ": " + sqlite3_errmsg(db_));
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

    std::string path_;
    sqlite3 *db_ = nullptr;
    sqlite3_stmt *insert_ = nullptr, *begin_ = nullptr, *commit_ = nullptr;
};

std::string batch_body(const std::vector<std::string> &bodies, std::size_t first) {
    std::string out = R"({"requests":[)";
    for (std::size_t k = 0; k < kBatchSize; ++k) {
        if (k) out.push_back(',');
        out += R"({"id":")" + std::to_string(k + 1) + R"(","method":"POST","url":")" + bench::kPartnersPath +
               R"(","headers":{"content-type":"application/json"},"body":)" + bodies[first + k] + "}";
    }
    out += "]}";
    return out;
}

void post(cpep_engine *engine, const char *url, const std::string &body, int expected_status,
          std::size_t expected_created) {
    cpep_buf out = CPEP_BUF_INIT;
    const int status = cpep_request(&out, engine, "POST", url, kCaller, body.data(), body.size());
    if (status != expected_status) die(std::string(url) + " answered " + std::to_string(status) + ": " + (out.ptr ? out.ptr : ""));
    if (expected_created > 1) {  // every create of the batch must have answered 201
        std::size_t created = 0;
        for (const char *p = out.ptr; (p = std::strstr(p, "\"status\":201")) != nullptr; p += 12) ++created;
        if (created != expected_created) die("a $batch created " + std::to_string(created) + " of " +
                                             std::to_string(expected_created) + ": " + out.ptr);
    }
    cpep_buf_dispose(&out);
}

int run_batch(int rounds, std::size_t full_n, std::size_t normal_n, const std::string &dir, const std::string &summary) {
    constexpr std::size_t block = 10 * kBatchSize;
    std::printf("POST /$batch of %zu creates vs single POST creates, both through cpep_request, one thread;\n"
                "fresh WAL file databases per round in %s; %d rounds, blocks of %zu creates alternating\n\n",
                kBatchSize, dir.c_str(), rounds, block);
    std::fflush(stdout);
    int missed = 0;
    std::printf("%-7s %6s %12s %12s %8s %13s  %-16s %12s %12s %8s\n", "mode", "N", "single", "$batch", "ratio",
                "syncs/create", "target", "raw 1/commit", "raw 20/commit", "raw ratio");
    for (auto [mode, n_requested] : {std::tuple{"full", full_n}, std::tuple{"normal", normal_n}}) {
        const std::size_t blocks = std::max<std::size_t>(1, n_requested / block);
        const std::size_t n = blocks * block;
        Comparison c, raw;
        for (int round = 0; round < rounds; ++round) {
            const std::string tag = std::string(mode) + "-" + std::to_string(round);
            RawIdx raw_one(dir + "/batch-raw-1-" + tag + ".db", mode);
            RawIdx raw_twenty(dir + "/batch-raw-20-" + tag + ".db", mode);
            std::vector<std::string> raw_one_ids, raw_twenty_ids;
            for (std::size_t i = 0; i < n + block; ++i) {
                raw_one_ids.push_back(random_uuid());
                raw_twenty_ids.push_back(random_uuid());
            }
            std::size_t next_raw_one = 0, next_raw_twenty = 0;
            raw_one.insert(raw_one_ids, next_raw_one, block, 1);  // warm-up, untimed
            raw_twenty.insert(raw_twenty_ids, next_raw_twenty, block, kBatchSize);
            Engine single(dir + "/batch-1-" + tag + ".db", mode);
            Engine batched(dir + "/batch-20-" + tag + ".db", mode);
            const std::vector<std::string> single_bodies = make_bodies(n + block);
            const std::vector<std::string> batch_inputs = make_bodies(n + block);
            std::vector<std::string> batches;
            for (std::size_t first = 0; first < batch_inputs.size(); first += kBatchSize)
                batches.push_back(batch_body(batch_inputs, first));

            std::size_t next_single = 0, next_batch = 0;
            auto singles = [&](std::size_t count) {
                for (const std::size_t end = next_single + count; next_single < end; ++next_single)
                    post(single.get(), bench::kPartnersPath, single_bodies[next_single], 201, 1);
            };
            auto batch_calls = [&](std::size_t count) {
                for (const std::size_t end = next_batch + count / kBatchSize; next_batch < end; ++next_batch)
                    post(batched.get(), "/$batch", batches[next_batch], 200, kBatchSize);
            };
            singles(block);  // warm-up, untimed
            batch_calls(block);

            Timed one, twenty, raw_1, raw_20;
            const std::array<std::function<void()>, 4> sides{
                [&] { timed(one, block, [&] { singles(block); }); },
                [&] { timed(twenty, block, [&] { batch_calls(block); }); },
                [&] { timed(raw_1, block, [&] { raw_one.insert(raw_one_ids, next_raw_one, block, 1); }); },
                [&] { timed(raw_20, block, [&] { raw_twenty.insert(raw_twenty_ids, next_raw_twenty, block, kBatchSize); }); }};
            for (std::size_t b = 0; b < blocks; ++b)
                for (std::size_t k = 0; k < sides.size(); ++k) sides[(k + b + static_cast<std::size_t>(round)) % sides.size()]();
            c.add_round(twenty, one);
            raw.add_round(raw_20, raw_1);
            std::fprintf(stderr,
                         "  batch %s round %d/%d: single %.0f/s (%.3f syncs, %.1f KiB written per create), $batch %.0f "
                         "creates/s (%.3f, %.1f KiB); raw 1/commit %.0f/s (%.1f KiB), 20/commit %.0f/s (%.1f KiB)\n",
                         mode, round + 1, rounds, one.rate(), one.syncs_per_create(), one.kib_per_create(),
                         twenty.rate(), twenty.syncs_per_create(), twenty.kib_per_create(), raw_1.rate(),
                         raw_1.kib_per_create(), raw_20.rate(), raw_20.kib_per_create());
        }
        const double ratio = median(c.ratio);
        const bool ok = ratio >= kBatchTarget;
        missed += !ok;
        const std::string target = bench::format(">= %.2fx", kBatchTarget);
        std::printf("%-7s %6zu %10.0f/s %10.0f/s %7.2fx %13s  %-9s %-6s %10.0f/s %10.0f/s %7.2fx\n", mode, n,
                    median(c.baseline), median(c.value), ratio, c.syncs_text().c_str(), target.c_str(),
                    ok ? "ok" : "MISSED", median(raw.baseline), median(raw.value), median(raw.ratio));
        bench::append_summary(summary, {std::string("$batch of 20, ") + mode + ": creates/s (per create)",
                                        "single POST creates " + bench::rate_text(median(c.baseline)),
                                        bench::rate_text(median(c.value)), bench::format("%.2fx", ratio), target,
                                        ok ? "ok" : "MISSED", c.syncs_text()});
        bench::append_summary(summary, {std::string("  reference, ") + mode + ": raw SQLite, 20 rows per commit",
                                        "raw SQLite 1 row per commit " + bench::rate_text(median(raw.baseline)),
                                        bench::rate_text(median(raw.value)), bench::format("%.2fx", median(raw.ratio)),
                                        "-", "info", raw.syncs_text()});
    }
    std::printf("(creates/s, median of the rounds; syncs/create: $batch / single; ratio: median of the rounds' "
                "ratios;\n raw: SQLite alone with the engine's table and indexes, prepared INSERTs in BEGIN IMMEDIATE ... "
                "COMMIT, 20 rows per commit / 1 row per commit)\n");
    return missed == 0 ? 0 : 3;
}

// ---------------------------------------------------------------------------------------------
// Resident set growth over many creates.

long resident_kib() {
    std::FILE *f = std::fopen("/proc/self/statm", "r");
    if (!f) die("cannot read /proc/self/statm");
    long size = 0, resident = 0;
    const int got = std::fscanf(f, "%ld %ld", &size, &resident);
    std::fclose(f);
    if (got != 2) die("cannot parse /proc/self/statm");
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

long peak_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;  // KiB on Linux
}

int run_memory(std::size_t n, const std::string &dir, const std::string &summary) {
    constexpr std::size_t kWarmup = 1000;
    Engine engine(dir + "/memory.db", "normal");
    // Bodies are made one at a time into the same buffer, so the benchmark itself holds no more
    // memory at the end than at the start; partnerIds are distinct (a counter in a v4-shaped GUID).
    std::string body;
    body.reserve(256);
    auto make = [&](std::size_t i) {
        char id[64];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012zx", i);
        body.assign(bench::create_body(id));
    };
    for (std::size_t i = 0; i < kWarmup; ++i) {
        make(i);
        if (auto f = create(engine.get(), body); !f.empty()) die(f);
    }
    const long before = resident_kib();
    const long peak_before = peak_kib();
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = kWarmup; i < kWarmup + n; ++i) {
        make(i);
        if (auto f = create(engine.get(), body); !f.empty()) die(f);
    }
    const double seconds = bench::seconds_since(start);
    const long after = resident_kib();
    const long growth = after - before;
    const bool ok = growth < kMemoryTargetKiB;
    std::printf("memory: %zu creates through the C ABI on one engine (durability normal, file database) after a "
                "warm-up of %zu\n"
                "RSS (/proc/self/statm) before %ld KiB, after %ld KiB, growth %ld KiB (target < %ld KiB) %s; "
                "peak RSS %ld -> %ld KiB; %.0f creates/s\n",
                n, kWarmup, before, after, growth, kMemoryTargetKiB, ok ? "ok" : "MISSED", peak_before, peak_kib(),
                static_cast<double>(n) / seconds);
    bench::append_summary(summary, {"memory: RSS growth over " + std::to_string(n) + " creates (normal, C ABI)",
                                    "RSS after " + std::to_string(kWarmup) + " warm-up creates " +
                                        std::to_string(before) + " KiB",
                                    std::to_string(growth) + " KiB", "-",
                                    "< " + std::to_string(kMemoryTargetKiB) + " KiB", ok ? "ok" : "MISSED", "-"});
    return ok ? 0 : 3;
}

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: cpep_bench_group --threads [--rounds R] [--full N] [--normal N] [--per-thread K] [--dir DIR] "
                 "[--summary FILE]\n"
                 "       cpep_bench_group --batch [--rounds R] [--full N] [--normal N] [--dir DIR] [--summary FILE]\n"
                 "       cpep_bench_group --memory N [--dir DIR] [--summary FILE]\n");
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
    enum class Mode { none, threads, batch, memory } mode = Mode::none;
    int rounds = 5;
    std::size_t full_n = 0, normal_n = 0, per_thread = 100, memory_n = 0;
    std::string dir_arg, summary;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc) usage();
            return argv[++i];
        };
        if (arg == "--versions") {  // for bench/run.sh's header
            std::printf("libcpep %s, SQLite %s\n", cpep_version(), sqlite3_libversion());
            return 0;
        }
        if (arg == "--threads") mode = Mode::threads;
        else if (arg == "--batch") mode = Mode::batch;
        else if (arg == "--memory") {
            mode = Mode::memory;
            memory_n = parse_count(value());
        } else if (arg == "--rounds") rounds = static_cast<int>(parse_count(value()));
        else if (arg == "--full") full_n = parse_count(value());
        else if (arg == "--normal") normal_n = parse_count(value());
        else if (arg == "--per-thread") per_thread = parse_count(value());
        else if (arg == "--dir") dir_arg = value();
        else if (arg == "--summary") summary = value();
        else usage();
    }
    if (mode == Mode::none || rounds < 1 || per_thread < 1) usage();
    if (cpep_abi_version() != CPEP_ABI_VERSION) die("libcpep ABI version mismatch");

    const std::string dir = bench::make_dir(dir_arg);
    int rc = 0;
    switch (mode) {
    case Mode::threads:
        rc = run_threads(rounds, full_n ? full_n : 4000, normal_n ? normal_n : 8000, per_thread, dir, summary);
        break;
    case Mode::batch: rc = run_batch(rounds, full_n ? full_n : 2000, normal_n ? normal_n : 10000, dir, summary); break;
    case Mode::memory: rc = run_memory(memory_n, dir, summary); break;
    case Mode::none: usage();
    }
    if (dir_arg.empty()) std::filesystem::remove_all(dir);
    return rc;
}
