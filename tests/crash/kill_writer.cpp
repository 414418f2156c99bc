// Child process of kill_test.cpp: opens a file database through the C ABI and writes to it in a
// loop until it is killed. Usage:
//   cpep_crash_writer <db_path> <full|normal> <round> <seed>
// Protocol on stdout (a pipe; every line is one write(2) shorter than PIPE_BUF, so the parent
// never sees half a line, even when SIGKILL lands in the middle):
//   R                            the engine is open
//   I C <partnerId> <0|1>        about to create
//   I P <id> <0|1>               about to PATCH enableConnection
//   I D <id>                     about to DELETE
//   A C <id>                     the create answered 201 with this id   (written after the 201)
//   A P | A D                    the PATCH answered 200 / the DELETE 204 (written after the answer)
//   E <status> <body>            anything else: the parent fails the test
// Only ids created in this run are patched or deleted, so the parent can check every state.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cpep.h"

namespace {

void emit(const std::string &line) {
    const char *p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) std::_Exit(4);  // the parent is gone
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

[[noreturn]] void fail(int status, const cpep_buf &out) {
    std::string body = out.ptr ? std::string(out.ptr, out.size) : std::string();
    if (body.size() > 300) body.resize(300);
    for (char &c : body)
        if (c == '\n') c = ' ';
    emit("E " + std::to_string(status) + " " + body + "\n");
    std::_Exit(3);
}

constexpr const char *kCaller =
    "{\"tid\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\",\"idtyp\":\"app\",\"roles\":[\"CloudPC.ReadWrite.All\"]}";
constexpr const char *kPartners = "/deviceManagement/virtualEndpoint/externalPartners";

}  // namespace

int main(int argc, char **argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: cpep_crash_writer <db_path> <full|normal> <round> <seed>\n");
        return 2;
    }
    const std::string db = argv[1];
    const std::string durability = argv[2];
    const unsigned long round = std::strtoul(argv[3], nullptr, 10);
    std::mt19937_64 rng(std::strtoull(argv[4], nullptr, 10) * 1000003u + round);

    cpep_engine *engine = nullptr;
    const std::string options = "{\"durability\":\"" + durability + "\"}";
    if (const int rc = cpep_open(&engine, db.c_str(), options.c_str()); rc != CPEP_OK) {
        emit("E " + std::to_string(rc) + " cpep_open: " + cpep_error_last() + "\n");
        return 3;
    }
    emit("R\n");

    std::vector<std::pair<std::string, bool>> live;  // ids created in this run, with enableConnection
    cpep_buf out = CPEP_BUF_INIT;
    char partner[40];
    for (unsigned long i = 0; i < 1000000; ++i) {
        const unsigned dice = static_cast<unsigned>(rng() % 100);
        if (live.empty() || dice < 70) {
            const bool enable = rng() % 2 == 0;
            std::snprintf(partner, sizeof partner, "%08lx-0000-4000-8000-%012lx", round, i);
            const std::string body =
                std::string("{\"partnerId\":\"") + partner + "\",\"enableConnection\":" + (enable ? "true" : "false") + "}";
            emit(std::string("I C ") + partner + (enable ? " 1\n" : " 0\n"));
            // Alternate the two entry points.
            const int status = i % 2 ? cpep_create_external_partner(&out, engine, kCaller, body.data(), body.size())
                                     : cpep_request(&out, engine, "POST", kPartners, kCaller, body.data(), body.size());
            if (status != 201) fail(status, out);
            const auto entity = nlohmann::json::parse(out.ptr, out.ptr + out.size, nullptr, false);
            if (!entity.is_object() || !entity.contains("id") || !entity["id"].is_string()) fail(status, out);
            const std::string id = entity["id"].get<std::string>();
            emit("A C " + id + "\n");
            live.emplace_back(id, enable);
        } else if (dice < 85) {
            auto &[id, enable] = live[rng() % live.size()];
            const bool next = !enable;
            const std::string body = next ? "{\"enableConnection\":true}" : "{\"enableConnection\":false}";
            emit("I P " + id + (next ? " 1\n" : " 0\n"));
            const std::string url = std::string(kPartners) + "/" + id;
            const int status = cpep_request(&out, engine, "PATCH", url.c_str(), kCaller, body.data(), body.size());
            if (status != 200) fail(status, out);
            emit("A P\n");
            enable = next;
        } else {
            const std::size_t at = rng() % live.size();
            const std::string id = live[at].first;
            emit("I D " + id + "\n");
            const std::string url = std::string(kPartners) + "/" + id;
            const int status = cpep_request(&out, engine, "DELETE", url.c_str(), kCaller, nullptr, 0);
            if (status != 204) fail(status, out);
            emit("A D\n");
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(at));
        }
    }
    cpep_buf_dispose(&out);
    // Not reached in a test: the parent kills long before. Wait to be killed rather than close.
    char c;
    while (::read(STDIN_FILENO, &c, 1) > 0) {
    }
    return 0;
}
