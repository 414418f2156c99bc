// Child process of fault_test.cpp; uses the fault VFS shim as the default VFS and dies without
// closing the engine. Usage:
//   cpep_fault_child crash-after-fault <db> <full|normal> <write|sync> <N> <sqlite_rc> <then>
//       create partner A (prints "A <partnerId> <status>"), then partner B with the Nth write or
//       sync failing (prints "B <partnerId> <status> <fired> <body>"), then, by <then>:
//       "crash" _exit(0) at once; "next" create partner C without faults (prints "C <partnerId>
//       <status>") and _exit(0); "close" cpep_close and exit.
//   cpep_fault_child power <db> <full|normal> <round> <trigger> <seed> <prefix|all>
//       journal unsynced writes; create partners in a loop ("I <partnerId> <0|1>" before a
//       create, "A <partnerId> <id>" after its 201; "S" after each completed sync of the WAL);
//       on the <trigger>th xWrite/xSync of the process, revert the unsynced writes (each file
//       keeps a random prefix of them with "prefix", none with "all"), print "L ..." and _exit(0).
// Every line is one write(2) below PIPE_BUF.
#include <sqlite3.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cpep.h"
#include "fault_vfs.h"

namespace {

void emit(const std::string &line) {
    const char *p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) ::_exit(4);
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

constexpr const char *kCaller =
    "{\"tid\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\",\"idtyp\":\"app\",\"roles\":[\"CloudPC.ReadWrite.All\"]}";

std::string partner_id(unsigned long a, unsigned long b) {
    char text[40];
    std::snprintf(text, sizeof text, "%08lx-0000-4000-8000-%012lx", a & 0xfffffffful, b);
    return text;
}

int create(cpep_engine *engine, const std::string &partner, bool enable, std::string &body_out) {
    const std::string body =
        "{\"partnerId\":\"" + partner + "\",\"enableConnection\":" + (enable ? "true" : "false") + "}";
    cpep_buf out = CPEP_BUF_INIT;
    const int status = cpep_create_external_partner(&out, engine, kCaller, body.data(), body.size());
    body_out = out.ptr ? std::string(out.ptr, out.size) : std::string();
    cpep_buf_dispose(&out);
    for (char &c : body_out)
        if (c == '\n') c = ' ';
    if (body_out.size() > 1000) body_out.resize(1000);
    return status;
}

cpep_engine *open_engine(const std::string &db, const std::string &durability) {
    cpep_engine *engine = nullptr;
    const std::string options = "{\"durability\":\"" + durability + "\"}";
    if (const int rc = cpep_open(&engine, db.c_str(), options.c_str()); rc != CPEP_OK) {
        emit("E cpep_open " + std::to_string(rc) + " " + cpep_error_last() + "\n");
        ::_exit(3);
    }
    return engine;
}

int crash_after_fault(char **argv) {
    const std::string db = argv[2], durability = argv[3], kind = argv[4];
    const int nth = std::atoi(argv[5]), rc = std::atoi(argv[6]);
    cpep_engine *engine = open_engine(db, durability);
    std::string body;
    const std::string a = partner_id(0xa, 1), b = partner_id(0xb, 2);
    emit("A " + a + " " + std::to_string(create(engine, a, true, body)) + "\n");
    fault_vfs::arm(kind == "sync" ? fault_vfs::Kind::sync : fault_vfs::Kind::write, nth, rc);
    const int status = create(engine, b, true, body);
    const int fired = fault_vfs::fired();
    fault_vfs::disarm();
    emit("B " + b + " " + std::to_string(status) + " " + std::to_string(fired) + " " + body + "\n");
    const std::string then = argv[7];
    if (then == "next") {
        const std::string c = partner_id(0xc, 3);
        emit("C " + c + " " + std::to_string(create(engine, c, true, body)) + "\n");
    } else if (then == "close") {
        cpep_close(engine);
        return 0;
    }
    ::_exit(0);  // a crash: no cpep_close, no checkpoint
}

int power(char **argv) {
    const std::string db = argv[2], durability = argv[3];
    const unsigned long round = std::strtoul(argv[4], nullptr, 10);
    const long long trigger = std::strtoll(argv[5], nullptr, 10);
    const std::uint64_t seed = std::strtoull(argv[6], nullptr, 10);
    const bool keep_prefix = std::string(argv[7]) == "prefix";
    std::mt19937_64 rng(seed ^ 0x5eed);

    auto lose_power = [seed, keep_prefix] {
        const fault_vfs::LossReport r = fault_vfs::power_loss(seed, keep_prefix);
        emit("L reverted=" + std::to_string(r.reverted) + " kept=" + std::to_string(r.kept) +
             " files=" + std::to_string(r.files) + " " + r.detail + (keep_prefix ? "(prefix)" : "(all)") + "\n");
        ::_exit(0);
    };
    fault_vfs::on_sync([](const std::string &path) {
        if (path.size() > 4 && path.compare(path.size() - 4, 4, "-wal") == 0) emit("S\n");
    });
    fault_vfs::journal(true);
    fault_vfs::trigger_power_loss_at(trigger, lose_power);

    cpep_engine *engine = open_engine(db, durability);
    std::string body;
    for (unsigned long i = 0; i < 5000; ++i) {
        const std::string partner = partner_id(round, i);
        const bool enable = rng() % 2 == 0;
        emit("I " + partner + (enable ? " 1\n" : " 0\n"));
        const int status = create(engine, partner, enable, body);
        if (status != 201) {
            emit("E " + std::to_string(status) + " " + body + "\n");
            ::_exit(3);
        }
        const auto j = nlohmann::json::parse(body, nullptr, false);
        emit("A " + partner + " " + (j.is_object() ? j.value("id", "?") : std::string("?")) + "\n");
    }
    lose_power();
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    if (!fault_vfs::install()) {
        emit("E no unix VFS\n");
        return 3;
    }
    if (argc == 8 && std::string(argv[1]) == "crash-after-fault") return crash_after_fault(argv);
    if (argc == 8 && std::string(argv[1]) == "power") return power(argv);
    std::fprintf(stderr, "usage: see the comment at the top of fault_child.cpp\n");
    return 2;
}
