#pragma once
// One writer per database file (CONTRACT §6): flock(LOCK_EX | LOCK_NB) on "<db>.lock".
// Not an fcntl lock on the database itself, which SQLite's own descriptors would silently drop;
// the kernel releases an flock when the process dies, so a killed writer never blocks the next.
#include <string>

namespace cpep::storage {

class FileLock {
public:
    // Throws OpenError(locked) when another descriptor holds the lock, OpenError(io) when the
    // lock file cannot be created. An empty path or ":memory:" takes no lock.
    explicit FileLock(const std::string &db_path);
    ~FileLock();
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;

private:
    int fd_ = -1;
};

}  // namespace cpep::storage
