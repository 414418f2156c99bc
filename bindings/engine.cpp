#include "bindings/engine.h"

#include <chrono>
#include <string>

#include "bindings/id_generators.h"
#include "core/siphash.h"
#include "storage/sqlite_partner_repository.h"

namespace cpep {
namespace {

class SystemClock final : public Clock {
public:
    Instant now() const override {
        using namespace std::chrono;
        return Instant{duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()};
    }
};

class FixedClock final : public Clock {
public:
    explicit FixedClock(Instant t) : t_(t) {}
    Instant now() const override { return t_; }

private:
    Instant t_;
};

// Hosts send the same claims over and over; parsing them once per thread saves a JSON parse per
// request. The cache holds one entry: the claims last seen on this thread.
const Outcome<Caller> &cached_caller(std::string_view caller_json) {
    struct Entry {
        std::string json;
        Outcome<Caller> caller{GraphError{}};
        bool valid = false;
    };
    thread_local Entry entry;
    if (!entry.valid || entry.json != caller_json) {
        entry.valid = false;
        entry.caller = parse_caller(caller_json);
        entry.json.assign(caller_json);
        entry.valid = true;
    }
    return entry.caller;
}

// The key that seals page tokens: derived from the seed in deterministic mode (so runs replay
// byte for byte), else random and kept in the database (so links survive a reopen).
SipKey token_key(storage::SqlitePartnerRepository &repo, const EngineOptions &o) {
    const std::string material = o.id_seed ? name_based_uuid(*o.id_seed + "/page-token-key") + "/" +
                                                 name_based_uuid(*o.id_seed + "/page-token-key/2")
                                           : repo.load_or_store_secret("page_token_key", RandomIdGenerator().next_request_id() +
                                                                                             "/" + RandomIdGenerator().next_request_id());
    SipKey key;
    key.k0 = siphash24(SipKey{1, 2}, material);
    key.k1 = siphash24(SipKey{3, 4}, material);
    return key;
}

ServiceSettings settings_of(storage::SqlitePartnerRepository &repo, const EngineOptions &o) {
    ServiceSettings s;
    s.status.heartbeat_timeout_seconds = o.heartbeat_timeout_seconds;
    s.actions.pending_after_seconds = o.action_pending_after_seconds;
    s.actions.running_after_seconds = o.action_running_after_seconds;
    s.actions.succeeded_after_seconds = o.action_succeeded_after_seconds;
    s.token_key = token_key(repo, o);
    return s;
}

}  // namespace

struct Engine::Parts {
    EngineOptions options;
    storage::SqlitePartnerRepository repository;
    std::unique_ptr<Clock> clock;
    std::unique_ptr<IdGenerator> ids;
    ExternalPartnerService service;

    Parts(const std::string &path, EngineOptions o)
        : options(std::move(o)),
          repository(storage::StorageOptions{path, options.durability, options.busy_timeout_ms}),
          clock(options.now ? std::unique_ptr<Clock>(new FixedClock(*options.now))
                            : std::unique_ptr<Clock>(new SystemClock)),
          ids(options.id_seed ? std::unique_ptr<IdGenerator>(new SeededIdGenerator(
                                    *options.id_seed, repository.load_counter("entity_id"),
                                    repository.load_counter("activity_id")))
                              : std::unique_ptr<IdGenerator>(new RandomIdGenerator)),
          service(repository, *clock, *ids, settings_of(repository, options)) {}
};

Engine::Engine(const std::string &db_path, std::string_view options_json)
    : parts_(std::make_unique<Parts>(db_path, parse_engine_options(options_json))) {}

Engine::~Engine() = default;

Response Engine::request(std::string_view method, std::string_view url, std::string_view caller_json,
                         std::string_view body, const RequestHeaders &headers) {
    return parts_->service.handle(method, url, cached_caller(caller_json), body, headers);
}

Response Engine::create_external_partner(std::string_view caller_json, std::string_view body) {
    return parts_->service.create(cached_caller(caller_json), body);
}

Response Engine::unexpected_failure() {
    return parts_->service.error_response(errors::internal_unexpected());
}

}  // namespace cpep
