#include "storage/file_lock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "storage/open_error.h"

namespace cpep::storage {

FileLock::FileLock(const std::string &db_path) {
    if (db_path.empty() || db_path == ":memory:") return;
    const std::string lock_path = db_path + ".lock";
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
