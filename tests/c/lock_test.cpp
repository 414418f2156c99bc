// One writer per database file (CONTRACT §6): a second engine, in this process or another, is
// refused with CPEP_ELOCKED naming the file, and the lock dies with the process that held it.
// Processes are synchronised through pipes, never by sleeping.
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "cpep.h"
#include "support.h"

#ifndef CPEP_LOCK_HOLDER
#error "CPEP_LOCK_HOLDER must name the helper executable"
#endif

namespace cpep_test {
namespace {

// A cpep_c_lock_holder process; killed (SIGKILL) and reaped at the latest by the destructor.
class Holder {
public:
    // Starts the helper with the given arguments and waits for its ready line.
    explicit Holder(std::initializer_list<std::string> args) {
        int to_child[2], from_child[2];
        if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2 failed");
        std::vector<std::string> argv_storage{CPEP_LOCK_HOLDER};
        argv_storage.insert(argv_storage.end(), args.begin(), args.end());
        std::vector<char *> argv;
        for (auto &a : argv_storage) argv.push_back(a.data());
        argv.push_back(nullptr);

        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            // Only async-signal-safe calls until exec: this process has gtest's threads' state.
            ::dup2(to_child[0], STDIN_FILENO);
            ::dup2(from_child[1], STDOUT_FILENO);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(to_child[0]);
        ::close(from_child[1]);
        stdin_ = to_child[1];
        stdout_ = from_child[0];
        // Block until the helper has written its line (or died: EOF).
        char c;
        for (;;) {
            const ssize_t n = ::read(stdout_, &c, 1);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0 || c == '\n') break;
            line_.push_back(c);
        }
    }
    Holder(const Holder &) = delete;
    Holder &operator=(const Holder &) = delete;
    ~Holder() { kill(); }

    const std::string &line() const { return line_; }

    // SIGKILL: no destructor, no cpep_close runs in the child.
    void kill() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
            }
            pid_ = -1;
        }
        if (stdin_ >= 0) ::close(stdin_);
        if (stdout_ >= 0) ::close(stdout_);
        stdin_ = stdout_ = -1;
    }

private:
    pid_t pid_ = -1;
    int stdin_ = -1;
    int stdout_ = -1;
    std::string line_;
};

void expect_locked(const std::string &path) {
    cpep_engine *engine = reinterpret_cast<cpep_engine *>(1);
    EXPECT_EQ(cpep_open(&engine, path.c_str(), nullptr), CPEP_ELOCKED);
    EXPECT_EQ(engine, nullptr);
    const std::string message = cpep_error_last();
    EXPECT_NE(message.find(path), std::string::npos) << "message does not name " << path << ": " << message;
    if (engine != nullptr && engine != reinterpret_cast<cpep_engine *>(1)) cpep_close(engine);
}

TEST(Lock, SecondEngineInThisProcess) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    Engine first;
    ASSERT_EQ(first.open(db), CPEP_OK) << cpep_error_last();
    expect_locked(db);
    expect_locked(db);  // a refused open leaves the first engine's lock intact

    // The first engine still works after the refused opens.
    Buf out;
    EXPECT_EQ(first.create(out, partner_body(numbered_guid(5, 1))), 201) << out.str();

    first.close();
    Engine second;
    EXPECT_EQ(second.open(db), CPEP_OK) << cpep_error_last();
}

TEST(Lock, SecondEngineThroughAnotherSpellingOfThePath) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    Engine first;
    ASSERT_EQ(first.open(db), CPEP_OK) << cpep_error_last();
    expect_locked(dir.path() + "/./partners.db");
    expect_locked(dir.path() + "//partners.db");
}

TEST(Lock, SecondEngineThroughASymlinkToTheFile) {
    // The same file reached through a symbolic link to it is still the same file (CONTRACT §6).
    TempDir dir;
    const std::string db = dir.file("partners.db");
    Engine first;
    ASSERT_EQ(first.open(db), CPEP_OK) << cpep_error_last();
    const std::string link = dir.file("alias.db");
    std::filesystem::create_symlink(db, link);
    cpep_engine *engine = nullptr;
    const int rc = cpep_open(&engine, link.c_str(), nullptr);
    EXPECT_EQ(rc, CPEP_ELOCKED) << "a second writer was let onto " << db << " through " << link;
    cpep_close(engine);
}

TEST(Lock, InMemoryEnginesTakeNoLock) {
    Engine a, b;
    EXPECT_EQ(a.open(":memory:"), CPEP_OK) << cpep_error_last();
    EXPECT_EQ(b.open(":memory:"), CPEP_OK) << cpep_error_last();
}

TEST(Lock, HeldByAnotherProcessUntilItIsKilled) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    Holder holder({"open", db});
    ASSERT_EQ(holder.line(), "OK");
    expect_locked(db);
    holder.kill();
    Engine engine;
    EXPECT_EQ(engine.open(db), CPEP_OK) << cpep_error_last();
    Buf out;
    EXPECT_EQ(engine.create(out, partner_body(numbered_guid(5, 2))), 201) << out.str();
}

TEST(Lock, AnotherProcessIsRefusedWhileThisOneHoldsIt) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    Engine engine;
    ASSERT_EQ(engine.open(db), CPEP_OK) << cpep_error_last();
    {
        Holder holder({"open", db});
        EXPECT_EQ(holder.line().rfind("ERR " + std::to_string(CPEP_ELOCKED) + " ", 0), 0u) << holder.line();
        EXPECT_NE(holder.line().find(db), std::string::npos) << holder.line();
    }
    engine.close();
    Holder holder({"open", db});
    EXPECT_EQ(holder.line(), "OK");
}

TEST(Lock, ChildProcessesDoNotInheritTheLock) {
    // A host that spawns a process while an engine is open must not leave the lock with the child.
    TempDir dir;
    const std::string db = dir.file("partners.db");
    Engine engine;
    ASSERT_EQ(engine.open(db), CPEP_OK) << cpep_error_last();
    Holder idle({"idle"});
    ASSERT_EQ(idle.line(), "OK");
    engine.close();
    EXPECT_EQ(engine.open(db), CPEP_OK) << "the lock outlived cpep_close in a child process: "
                                         << cpep_error_last();
}

TEST(Lock, ACreateSurvivesTheProcessBeingKilledRightAfter) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    const std::string partner = numbered_guid(5, 3);
    {
        Holder holder({"open", db, partner});
        ASSERT_EQ(holder.line(), "OK 201");
    }  // SIGKILL
    EXPECT_EQ(count_partner_rows(db), 1);
    Engine engine;
    ASSERT_EQ(engine.open(db), CPEP_OK) << cpep_error_last();
    Buf out;
    expect_graph_error(out, engine.create(out, partner_body(partner)), 409, "conflict");
}

}  // namespace
}  // namespace cpep_test
