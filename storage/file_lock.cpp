#include "storage/file_lock.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "storage/open_error.h"

namespace cpep::storage {

namespace {

// The lock is named after the file SQLite will really open: a symlink (or another spelling of
// the same path) must not give a second engine a lock of its own. A hard link still would; see
// the README's notes.
std::optional<std::string> real_path(const std::string &path) {
    char *real = ::realpath(path.c_str(), nullptr);
    if (!real) return std::nullopt;
    std::string out(real);
    std::free(real);
    return out;
}

std::string resolved_path(const std::string &path) {
    if (auto real = real_path(path)) return *real;
    // Not there yet: resolve the directory, keep the name.
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (auto real = real_path(dir)) return *real + (real->back() == '/' ? "" : "/") + name;
    return path;
}

}  // namespace

FileLock::FileLock(const std::string &db_path) {
    if (db_path.empty() || db_path == ":memory:") return;
    const std::string lock_path = resolved_path(db_path) + ".lock";
    fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw OpenError(OpenFailure::io, "cannot create the lock file '" + lock_path + "': " +
                                             std::strerror(errno));
    int rc;
    do {
        rc = ::flock(fd_, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw OpenError(OpenFailure::locked,
                            "the database '" + db_path +
                                "' is already open in another cpep engine (this or another process holds '" +
                                lock_path + "')");
        throw OpenError(OpenFailure::io, "cannot lock '" + lock_path + "': " + std::strerror(err));
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the flock
}

}  // namespace cpep::storage
