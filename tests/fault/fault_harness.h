#pragma once
// The fault loop shared by the VFS fault tests and the allocation fault test: for N = 1, 2, 3, ...
// prepare an operation with faults off, arm "the Nth call fails", run the request, disarm, then
//  - failed:    the status is one the injector allows (500/503/507) with a Graph error body that
//               shows no SQL and no path; the database is byte-for-byte what it was (every row of
//               every table, read with a raw connection) and the engine reads back the old state;
//               the same request with faults off then succeeds and the engine reads the new state;
//  - succeeded: the engine reads back the new state;
// until the request succeeds without the fault having fired (N is past the operation's calls).
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "cpep.h"
#include "support.h"

namespace cpep_fault {

using cpep_test::Buf;

// The engine under test and the callers the operations need.
class Harness {
public:
    Harness(std::string db_path, std::string durability);
    ~Harness();
    Harness(const Harness &) = delete;
    Harness &operator=(const Harness &) = delete;

    void reopen();  // close and open again (cold page cache)
    cpep_engine *engine() const { return engine_; }
    const std::string &path() const { return path_; }
    const std::string &durability() const { return durability_; }

    int request(Buf &out, const char *method, const std::string &url, const std::string &caller,
                const std::string &body = "");
    // Faults must be off for these helpers; they fail the test on anything unexpected.
    std::string create(const std::string &partner_id, bool enable);  // -> id
    nlohmann::json get(const std::string &id, int *status = nullptr);
    long long count_partner(const std::string &partner_id);          // through $filter + $count
    long long count_reports(const std::string &id);
    long long count_results(const std::string &id);
    std::string next_partner_id();
    void set_partner_counter(unsigned next) { next_ = next; }

    // Every row of every table, as text, through a raw read-only connection on the real "unix" VFS.
    std::string snapshot() const;

    std::string writer, admin, partner_app;

private:
    std::string path_, durability_;
    cpep_engine *engine_ = nullptr;
    unsigned next_ = 0;
};

// What an operation works on, filled by prepare().
struct Subject {
    std::string id, partner_id;
    bool enable = false;
    int version = 0;
    long long before = 0;
};

struct Operation {
    std::string name;
    int success_status;
    std::function<void(Harness &, Subject &)> prepare;
    std::function<int(Harness &, const Subject &, Buf &)> run;
    std::function<void(Harness &, const Subject &)> expect_old;  // after a failure
    std::function<void(Harness &, const Subject &)> expect_new;  // after a success
};

// create, patch, delete, configureAgent, heartbeat, deployAgent (and get, list for read faults).
const std::vector<Operation> &write_operations();
const std::vector<Operation> &read_operations();
const Operation &operation(const std::string &name);

struct Injector {
    std::string name;
    std::function<void(int n)> arm;
    std::function<void()> disarm;
    std::function<int()> fired;  // times the fault was returned since arm
    // Checks a failed answer; returns "" or a description of what is wrong.
    std::function<std::string(int status, const nlohmann::json &body)> check_failure;
    bool reopen_each = false;  // reopen the engine before each attempt (cold cache)
};

struct LoopReport {
    int attempts = 0;          // values of N tried
    int failed = 0;            // requests that answered an error
    int fired_but_ok = 0;      // the fault fired yet the request succeeded (e.g. a failed checkpoint)
    std::string statuses;      // "N:status" list
};

LoopReport run_fault_loop(Harness &h, const Operation &op, const Injector &injector, int max_n = 400);
// One attempt of the loop at a given N; returns true when the loop is over (the request succeeded
// without the fault firing) or a failure was recorded.
bool run_fault_attempt(Harness &h, const Operation &op, const Injector &injector, int n, LoopReport &report);

// The Graph error body of CONTRACT §4 with one of the given (status, code, inner code), and no
// SQL, SQLite wording or file path in it. Returns "" when fine.
std::string check_storage_error(int status, const nlohmann::json &body, int want_status, const std::string &want_code,
                                const std::string &want_inner, const std::string &db_path);

}  // namespace cpep_fault
