// Helpers shared by the benchmark programs of bench/ (not part of the library).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <cerrno>  // program_invocation_short_name (glibc)

#include <unistd.h>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "fsync_counter.h"

namespace bench {

constexpr const char *kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char *kCaller =
    R"({"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","idtyp":"app","roles":["CloudPC.ReadWrite.All"]})";
constexpr const char *kPartnersPath = "/deviceManagement/virtualEndpoint/externalPartners";

[[noreturn]] inline void die(const std::string &message) {
    std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, message.c_str());
    std::exit(1);
}

inline std::string random_uuid() {
    thread_local boost::uuids::random_generator generator;  // as the engine: one getrandom per id
    return boost::uuids::to_string(generator());
}

inline std::string create_body(const std::string &partner_id) {
    return R"({"@odata.type":"#microsoft.graph.cloudPcExternalPartner","partnerId":")" + partner_id +
           R"(","enableConnection":true})";
}

inline void remove_database(const std::string &path) {
    for (const char *suffix : {"", "-wal", "-shm", ".lock"}) std::filesystem::remove(path + suffix);
}

inline double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// fsync + fdatasync calls of the whole process so far (bench/fsync_counter.c interposes them).
inline unsigned long long syncs() { return cpep_bench_fsync_count(); }

// Bytes the process has passed to write-like system calls so far (wchar of /proc/self/io): the
// WAL frames and checkpoint pages SQLite writes, in these benchmarks.
inline unsigned long long bytes_written() {
    std::FILE *f = std::fopen("/proc/self/io", "r");
    if (!f) return 0;
    char key[32];
    unsigned long long value = 0, wchar = 0;
    while (std::fscanf(f, "%31[^:]: %llu\n", key, &value) == 2)
        if (std::string(key) == "wchar") wchar = value;
    std::fclose(f);
    return wchar;
}

inline std::string make_dir(const std::string &requested) {
    if (!requested.empty()) {
        std::filesystem::create_directories(requested);
        return requested;
    }
    const char *base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/cpep-bench-XXXXXX";
    if (!::mkdtemp(pattern.data())) die("mkdtemp " + pattern);
    return pattern;
}

// One row of the summary table bench/run.sh prints at the end, appended as a tab-separated line:
// measure, baseline (name and figure), value, ratio, target, verdict, syncs per create (value/baseline).
struct SummaryRow {
    std::string measure, baseline, value, ratio, target, verdict, syncs;
};

inline void append_summary(const std::string &file, const SummaryRow &r) {
    if (file.empty()) return;
    std::FILE *f = std::fopen(file.c_str(), "a");
    if (!f) die("cannot append to " + file);
    std::fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.measure.c_str(), r.baseline.c_str(), r.value.c_str(),
                 r.ratio.c_str(), r.target.c_str(), r.verdict.c_str(), r.syncs.c_str());
    std::fclose(f);
}

inline std::string format(const char *fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

inline std::string rate_text(double per_second) { return format("%.0f/s", per_second); }

}  // namespace bench
