#pragma once
// A child process started with fork + exec whose stdout is a pipe read line by line, with
// timeouts through ppoll (never sleep). Shared by the crash and fault tests.
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cpep_test {

class ChildProcess {
public:
    enum class Read { line, timeout, eof };

    explicit ChildProcess(const std::vector<std::string> &args) {
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        std::vector<std::string> storage = args;
        std::vector<char *> argv;
        for (auto &a : storage) argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            // Only async-signal-safe calls until exec.
            const int null = ::open("/dev/null", O_RDONLY);
            if (null >= 0) ::dup2(null, STDIN_FILENO);
            ::dup2(out[1], STDOUT_FILENO);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        fd_ = out[0];
    }
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;
    ~ChildProcess() {
        kill();
        if (fd_ >= 0) ::close(fd_);
    }

    pid_t pid() const { return pid_; }

    // Reads the next complete line (without '\n'). timeout_ns < 0: wait as long as it takes.
    Read next_line(std::string &line, std::int64_t timeout_ns = -1) {
        timespec deadline{};
        if (timeout_ns >= 0) {
            ::clock_gettime(CLOCK_MONOTONIC, &deadline);
            deadline.tv_sec += static_cast<time_t>((deadline.tv_nsec + timeout_ns) / 1000000000);
            deadline.tv_nsec = static_cast<long>((deadline.tv_nsec + timeout_ns) % 1000000000);
        }
        for (;;) {
            if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
                line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return Read::line;
            }
            if (eof_) return Read::eof;
            pollfd p{fd_, POLLIN, 0};
            int ready;
            if (timeout_ns >= 0) {
                timespec now{};
                ::clock_gettime(CLOCK_MONOTONIC, &now);
                std::int64_t left = (deadline.tv_sec - now.tv_sec) * 1000000000LL + (deadline.tv_nsec - now.tv_nsec);
                if (left < 0) left = 0;
                timespec wait{static_cast<time_t>(left / 1000000000), static_cast<long>(left % 1000000000)};
                ready = ::ppoll(&p, 1, &wait, nullptr);
                if (ready == 0) return Read::timeout;
            } else {
                ready = ::ppoll(&p, 1, nullptr, nullptr);
            }
            if (ready < 0) {
                if (errno == EINTR) continue;
                throw std::runtime_error("ppoll failed");
            }
            char chunk[4096];
            const ssize_t n = ::read(fd_, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                eof_ = true;
                continue;
            }
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    // SIGKILL (no destructor, no cpep_close in the child) and reap. Returns the wait status.
    int kill() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            return reap();
        }
        return status_;
    }

    // Waits for the child to exit on its own. Returns the wait status.
    int reap() {
        if (pid_ > 0) {
            while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
            }
            pid_ = -1;
        }
        return status_;
    }

    // The bytes left in the pipe after the child died: a trailing partial line, if any.
    const std::string &pending() const { return buffer_; }

private:
    pid_t pid_ = -1;
    int fd_ = -1;
    int status_ = 0;
    bool eof_ = false;
    std::string buffer_;
};

// "exit 0", "signal 9", ... for messages.
inline std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

}  // namespace cpep_test
