#pragma once
// A test-only SQLite VFS shim in the manner of SQLite's own test_devsym.c / test_vfstrace.c:
// it wraps the default "unix" VFS, and every file it opens gets io_methods that wrap the real
// ones. install() registers it as the DEFAULT VFS of the process; libcpep.so and the tests share
// the one system libsqlite3.so, so an engine opened afterwards does all its I/O through it.
//
// It offers two things:
//  - faults: the Nth xWrite / xSync / xRead / lock request (xLock, xShmLock; counted from arm()) returns a chosen error code,
//    once or (persistent) for every later call too, until disarm();
//  - a power-loss model: while the journal is on, every xWrite and xTruncate first records the
//    pre-image of the region it changes; a successful xSync of a file forgets that file's records
//    (they reached the disk). power_loss() puts the pre-images back, newest first, so each file is
//    left as if only the first k of its writes since its last sync had reached the disk (k chosen
//    at random per file, or 0: everything unsynced is lost). A trigger can fire it on the Nth
//    xWrite/xSync call of the process, i.e. at a random moment inside a transaction.
#include <cstdint>
#include <functional>
#include <string>

namespace fault_vfs {

enum class Kind { write, sync, read, lock };

// Registers the shim as the default VFS (idempotent). Returns false if "unix" is missing.
bool install();

// Arms a fault: the nth call of `kind` from now on returns `rc` (and every later one if
// `persistent`). Counters of every kind restart at 0.
void arm(Kind kind, int nth, int rc, bool persistent = false);
void disarm();
// How many times the armed fault was returned since arm().
int fired();
// Calls of each kind since the last arm()/disarm().
int calls(Kind kind);

// ---- power loss ----
struct LossReport {
    int files = 0;            // files that had unsynced writes
    long long reverted = 0;   // writes/truncates undone
    long long kept = 0;       // unsynced writes that were allowed to "reach the disk"
    std::string detail;       // "<basename>:<reverted>/<unsynced> ..." per file
};

// Starts recording pre-images of unsynced writes (off by default).
void journal(bool on);
// Reverts unsynced writes of every open file. keep_prefix: each file keeps a random number
// (0..n, from `seed`) of its oldest unsynced writes; otherwise all are lost.
LossReport power_loss(std::uint64_t seed, bool keep_prefix);
// Fires `on_loss` (which must not return: it is expected to _exit) on the nth xWrite/xSync call
// of the process from now on, before that call does anything. 0 disables.
void trigger_power_loss_at(long long nth_io, std::function<void()> on_loss);
// Called after each successful xSync with the file's path (for reporting; may be empty).
void on_sync(std::function<void(const std::string &path)> callback);

}  // namespace fault_vfs
