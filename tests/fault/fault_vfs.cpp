#include "fault_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <random>
#include <vector>

namespace fault_vfs {
namespace {

// ---------------------------------------------------------------- state

struct Record {
    sqlite3_int64 offset = 0;
    std::string pre;               // bytes of [offset, offset + pre.size()) before the change
    sqlite3_int64 size_before = 0; // file size before the change
};

struct Journal {
    std::string path;
    std::vector<Record> unsynced;
};

struct ShimFile {
    sqlite3_file base;     // pMethods: one of kMethods[]
    sqlite3_file *real;    // the wrapped file, stored right after this struct
    Journal *journal;      // owned; never NULL once opened
};

sqlite3_vfs *g_root = nullptr;
sqlite3_vfs g_shim;
std::once_flag g_once;
bool g_installed = false;

std::atomic<int> g_kind{-1};
std::atomic<int> g_nth{0};
std::atomic<int> g_rc{SQLITE_OK};
std::atomic<bool> g_persistent{false};
std::atomic<int> g_fired{0};
std::atomic<int> g_calls[4];

std::mutex g_mutex;  // guards everything below
bool g_journal_on = false;
std::vector<ShimFile *> g_open;
long long g_io_calls = 0;
long long g_trigger_at = 0;
std::function<void()> g_on_loss;
std::function<void(const std::string &)> g_on_sync;

sqlite3_file *real_of(sqlite3_file *f) { return reinterpret_cast<ShimFile *>(f)->real; }
ShimFile *shim_of(sqlite3_file *f) { return reinterpret_cast<ShimFile *>(f); }

// Returns the error to inject for this call, or SQLITE_OK.
int fault_for(Kind kind) {
    const int k = static_cast<int>(kind);
    const int n = ++g_calls[k];
    if (g_kind.load() != k) return SQLITE_OK;
    const int nth = g_nth.load();
    if (n == nth || (g_persistent.load() && n > nth)) {
        ++g_fired;
        return g_rc.load();
    }
    return SQLITE_OK;
}

// Counts a write/sync call for the power-loss trigger; fires it (never returns) when due.
void count_io() {
    std::function<void()> fire;
    {
        std::lock_guard lock(g_mutex);
        ++g_io_calls;
        if (g_trigger_at > 0 && g_io_calls == g_trigger_at) fire = g_on_loss;
    }
    if (fire) fire();
}

sqlite3_int64 file_size(sqlite3_file *real) {
    sqlite3_int64 size = 0;
    if (real->pMethods->xFileSize(real, &size) != SQLITE_OK) return 0;
    return size;
}

// Records the pre-image of [offset, offset + amount) (the part inside the file).
void record(ShimFile *p, sqlite3_int64 offset, sqlite3_int64 amount) {
    std::lock_guard lock(g_mutex);
    if (!g_journal_on) return;
    Record r;
    r.offset = offset;
    r.size_before = file_size(p->real);
    const sqlite3_int64 inside = std::max<sqlite3_int64>(0, std::min(amount, r.size_before - offset));
    if (inside > 0) {
        r.pre.resize(static_cast<std::size_t>(inside));
        const int rc = p->real->pMethods->xRead(p->real, r.pre.data(), static_cast<int>(inside), offset);
        if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) r.pre.clear();
    }
    p->journal->unsynced.push_back(std::move(r));
}

// ---------------------------------------------------------------- io methods

int x_close(sqlite3_file *f) {
    ShimFile *p = shim_of(f);
    const int rc = p->real->pMethods->xClose(p->real);
    {
        std::lock_guard lock(g_mutex);
        g_open.erase(std::remove(g_open.begin(), g_open.end(), p), g_open.end());
    }
    delete p->journal;
    p->journal = nullptr;
    return rc;
}

int x_read(sqlite3_file *f, void *buf, int amount, sqlite3_int64 offset) {
    if (const int rc = fault_for(Kind::read)) return rc;
    return real_of(f)->pMethods->xRead(real_of(f), buf, amount, offset);
}

int x_write(sqlite3_file *f, const void *buf, int amount, sqlite3_int64 offset) {
    count_io();
    if (const int rc = fault_for(Kind::write)) return rc;
    record(shim_of(f), offset, amount);
    return real_of(f)->pMethods->xWrite(real_of(f), buf, amount, offset);
}

int x_truncate(sqlite3_file *f, sqlite3_int64 size) {
    ShimFile *p = shim_of(f);
    const sqlite3_int64 before = file_size(p->real);
    if (size < before) record(p, size, before - size);
    return p->real->pMethods->xTruncate(p->real, size);
}

int x_sync(sqlite3_file *f, int flags) {
    count_io();
    if (const int rc = fault_for(Kind::sync)) return rc;
    ShimFile *p = shim_of(f);
    const int rc = p->real->pMethods->xSync(p->real, flags);
    if (rc == SQLITE_OK) {
        std::function<void(const std::string &)> notify;
        std::string path;
        {
            std::lock_guard lock(g_mutex);
            p->journal->unsynced.clear();
            notify = g_on_sync;
            path = p->journal->path;
        }
        if (notify) notify(path);
    }
    return rc;
}

int x_file_size(sqlite3_file *f, sqlite3_int64 *size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int x_lock(sqlite3_file *f, int level) {
    if (const int rc = fault_for(Kind::lock)) return rc;
    return real_of(f)->pMethods->xLock(real_of(f), level);
}
int x_unlock(sqlite3_file *f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int x_check_reserved_lock(sqlite3_file *f, int *out) {
    return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int x_file_control(sqlite3_file *f, int op, void *arg) {
    return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file *f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device_characteristics(sqlite3_file *f) {
    return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int x_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out) {
    return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
int x_shm_lock(sqlite3_file *f, int offset, int n, int flags) {
    // Lock requests only (never unlocks): the WAL write lock and the read marks.
    if (flags & SQLITE_SHM_LOCK)
        if (const int rc = fault_for(Kind::lock)) return rc;
    return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file *f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file *f, int remove) { return real_of(f)->pMethods->xShmUnmap(real_of(f), remove); }
int x_fetch(sqlite3_file *f, sqlite3_int64 offset, int amount, void **out) {
    return real_of(f)->pMethods->xFetch(real_of(f), offset, amount, out);
}
int x_unfetch(sqlite3_file *f, sqlite3_int64 offset, void *p) {
    return real_of(f)->pMethods->xUnfetch(real_of(f), offset, p);
}

sqlite3_io_methods make_methods(int version) {
    sqlite3_io_methods m{};
    m.iVersion = version;
    m.xClose = x_close;
    m.xRead = x_read;
    m.xWrite = x_write;
    m.xTruncate = x_truncate;
    m.xSync = x_sync;
    m.xFileSize = x_file_size;
    m.xLock = x_lock;
    m.xUnlock = x_unlock;
    m.xCheckReservedLock = x_check_reserved_lock;
    m.xFileControl = x_file_control;
    m.xSectorSize = x_sector_size;
    m.xDeviceCharacteristics = x_device_characteristics;
    if (version >= 2) {
        m.xShmMap = x_shm_map;
        m.xShmLock = x_shm_lock;
        m.xShmBarrier = x_shm_barrier;
        m.xShmUnmap = x_shm_unmap;
    }
    if (version >= 3) {
        m.xFetch = x_fetch;
        m.xUnfetch = x_unfetch;
    }
    return m;
}

const sqlite3_io_methods kMethods[4] = {make_methods(1), make_methods(1), make_methods(2), make_methods(3)};

// ---------------------------------------------------------------- vfs methods

int v_open(sqlite3_vfs *, const char *name, sqlite3_file *f, int flags, int *out_flags) {
    ShimFile *p = shim_of(f);
    p->real = reinterpret_cast<sqlite3_file *>(p + 1);
    p->journal = nullptr;
    const int rc = g_root->xOpen(g_root, name, p->real, flags, out_flags);
    if (p->real->pMethods) {
        const int version = std::clamp(p->real->pMethods->iVersion, 1, 3);
        p->base.pMethods = &kMethods[version];
        p->journal = new Journal;
        if (name) p->journal->path = name;
        std::lock_guard lock(g_mutex);
        g_open.push_back(p);
    } else {
        p->base.pMethods = nullptr;
    }
    return rc;
}

int v_delete(sqlite3_vfs *, const char *name, int sync_dir) { return g_root->xDelete(g_root, name, sync_dir); }
int v_access(sqlite3_vfs *, const char *name, int flags, int *out) { return g_root->xAccess(g_root, name, flags, out); }
int v_full_pathname(sqlite3_vfs *, const char *name, int n, char *out) {
    return g_root->xFullPathname(g_root, name, n, out);
}
void *v_dl_open(sqlite3_vfs *, const char *name) { return g_root->xDlOpen(g_root, name); }
void v_dl_error(sqlite3_vfs *, int n, char *out) { g_root->xDlError(g_root, n, out); }
void (*v_dl_sym(sqlite3_vfs *, void *h, const char *sym))(void) { return g_root->xDlSym(g_root, h, sym); }
void v_dl_close(sqlite3_vfs *, void *h) { g_root->xDlClose(g_root, h); }
int v_randomness(sqlite3_vfs *, int n, char *out) { return g_root->xRandomness(g_root, n, out); }
int v_sleep(sqlite3_vfs *, int us) { return g_root->xSleep(g_root, us); }
int v_current_time(sqlite3_vfs *, double *out) { return g_root->xCurrentTime(g_root, out); }
int v_get_last_error(sqlite3_vfs *, int n, char *out) { return g_root->xGetLastError(g_root, n, out); }
int v_current_time_int64(sqlite3_vfs *, sqlite3_int64 *out) { return g_root->xCurrentTimeInt64(g_root, out); }

}  // namespace

bool install() {
    std::call_once(g_once, [] {
        g_root = sqlite3_vfs_find("unix");
        if (!g_root) return;
        std::memset(&g_shim, 0, sizeof g_shim);
        g_shim.iVersion = 2;
        g_shim.szOsFile = static_cast<int>(sizeof(ShimFile)) + g_root->szOsFile;
        g_shim.mxPathname = g_root->mxPathname;
        g_shim.zName = "cpep-fault";
        g_shim.xOpen = v_open;
        g_shim.xDelete = v_delete;
        g_shim.xAccess = v_access;
        g_shim.xFullPathname = v_full_pathname;
        g_shim.xDlOpen = v_dl_open;
        g_shim.xDlError = v_dl_error;
        g_shim.xDlSym = v_dl_sym;
        g_shim.xDlClose = v_dl_close;
        g_shim.xRandomness = v_randomness;
        g_shim.xSleep = v_sleep;
        g_shim.xCurrentTime = v_current_time;
        g_shim.xGetLastError = v_get_last_error;
        g_shim.xCurrentTimeInt64 = v_current_time_int64;
        g_installed = sqlite3_vfs_register(&g_shim, 1) == SQLITE_OK;
    });
    return g_installed;
}

void arm(Kind kind, int nth, int rc, bool persistent) {
    g_kind = -1;
    for (auto &c : g_calls) c = 0;
    g_fired = 0;
    g_nth = nth;
    g_rc = rc;
    g_persistent = persistent;
    g_kind = static_cast<int>(kind);
}

void disarm() {
    g_kind = -1;
    for (auto &c : g_calls) c = 0;
}

int fired() { return g_fired.load(); }
int calls(Kind kind) { return g_calls[static_cast<int>(kind)].load(); }

void journal(bool on) {
    std::lock_guard lock(g_mutex);
    g_journal_on = on;
    if (!on)
        for (ShimFile *p : g_open) p->journal->unsynced.clear();
}

LossReport power_loss(std::uint64_t seed, bool keep_prefix) {
    std::lock_guard lock(g_mutex);
    std::mt19937_64 rng(seed);
    LossReport report;
    for (ShimFile *p : g_open) {
        auto &records = p->journal->unsynced;
        if (records.empty()) continue;
        ++report.files;
        const std::size_t n = records.size();
        const std::size_t keep = keep_prefix ? std::uniform_int_distribution<std::size_t>(0, n)(rng) : 0;
        for (std::size_t i = n; i-- > keep;) {
            const Record &r = records[i];
            if (!r.pre.empty())
                p->real->pMethods->xWrite(p->real, r.pre.data(), static_cast<int>(r.pre.size()), r.offset);
            if (file_size(p->real) > r.size_before) p->real->pMethods->xTruncate(p->real, r.size_before);
        }
        report.reverted += static_cast<long long>(n - keep);
        report.kept += static_cast<long long>(keep);
        const std::string &path = p->journal->path;
        const auto slash = path.rfind('/');
        report.detail += (slash == std::string::npos ? path : path.substr(slash + 1)) + ":" +
                         std::to_string(n - keep) + "/" + std::to_string(n) + " ";
        records.clear();
    }
    return report;
}

void trigger_power_loss_at(long long nth_io, std::function<void()> on_loss) {
    std::lock_guard lock(g_mutex);
    g_io_calls = 0;
    g_trigger_at = nth_io;
    g_on_loss = std::move(on_loss);
}

void on_sync(std::function<void(const std::string &path)> callback) {
    std::lock_guard lock(g_mutex);
    g_on_sync = std::move(callback);
}

}  // namespace fault_vfs
