#pragma once
// The application service: gathers the caller, the clock, new ids and stored state through the
// ports, asks the pure decisions (authorization, validation, lifecycle), persists the outcome and
// renders the Graph response. Thread-safe: read-decide-write sequences on existing entities are
// serialised by one mutex; creates rely on the repository's uniqueness and need none.
#include <mutex>
#include <string>
#include <string_view>

#include "core/agent.h"
#include "core/caller.h"
#include "core/external_partner.h"
#include "core/graph_error.h"
#include "core/json_reader.h"
#include "core/ports.h"
#include "core/router.h"
#include "core/siphash.h"

namespace cpep {

struct Response {
    int status = 500;
    std::string body;  // empty for 204
};

struct ServiceSettings {
    JsonLimits limits;
    StatusPolicy status;
    ActionTimings actions;
    SipKey token_key;  // seals @odata.nextLink tokens
    std::int64_t page_size = 100;
};

struct RequestHeaders {
    std::string_view client_request_id;  // echoed in error bodies when non-empty
};

class ExternalPartnerService {
public:
    ExternalPartnerService(PartnerRepository &repository, const Clock &clock, IdGenerator &ids,
                           ServiceSettings settings);

    // The router: any method and URL of the resource.
    Response handle(std::string_view method, std::string_view url, const Outcome<Caller> &caller,
                    std::string_view body, const RequestHeaders &headers = {});

    // POST /deviceManagement/virtualEndpoint/externalPartners.
    Response create(const Outcome<Caller> &caller, std::string_view body,
                    const RequestHeaders &headers = {});

    // The Graph error body for `error`, with a fresh request-id and the current date.
    Response error_response(const GraphError &error, const RequestHeaders &headers = {});

private:
    // A storage failure as Graph's error: 503 busy, 507 disk full, else 500 (CONTRACT §4).
    static GraphError storage_error(const StorageError &e);
    struct PreparedCreate {
        ExternalPartner partner;
        std::int64_t id_sequence = 0;
        Instant now;
    };

    Outcome<Response> dispatch(const RouteMatch &route, const Outcome<Caller> &caller, std::string_view body);
    Outcome<Response> create_partner(const Caller &caller, std::string_view query, std::string_view body);
    // A create up to (not including) the write: validation, clock, id, the new entity.
    Outcome<PreparedCreate> prepare_create(const Caller &caller, std::string_view query, std::string_view body);
    Outcome<Response> finish_create(const PreparedCreate &c, bool inserted);
    Outcome<Response> batch(const Outcome<Caller> &caller, std::string_view query, std::string_view body);
    Outcome<Response> list_partners(const Caller &caller, std::string_view query);
    Outcome<Response> get_partner(const Caller &caller, const std::string &id, std::string_view query);
    Outcome<Response> update_partner(const Caller &caller, const std::string &id, std::string_view query,
                                     std::string_view body);
    Outcome<Response> delete_partner(const Caller &caller, const std::string &id, std::string_view query);
    Outcome<Response> heartbeat(const Caller &caller, std::string_view query, std::string_view body);
    Outcome<Response> configure_agent(const Caller &caller, const std::string &id, std::string_view query,
                                      std::string_view body);
    Outcome<Response> deploy_agent(const Caller &caller, const std::string &id, std::string_view query,
                                   std::string_view body);
    Outcome<Response> retrieve_results(const Caller &caller, const RouteMatch &route);
    Outcome<Response> retrieve_reports(const Caller &caller, const std::string &id, std::string_view query);

    // 404 for an id the caller's tenant does not have (the same words whatever the reason).
    static GraphError partner_not_found(std::string_view id);
    // The caller's entity with this id, or 404 (also for an id that is not a GUID, or that
    // belongs to another tenant: the three are indistinguishable).
    Outcome<StoredPartner> find_partner(const Caller &caller, const std::string &id);
    Outcome<nlohmann::json> read_body(std::string_view body) const;

    PartnerRepository &repository_;
    const Clock &clock_;
    IdGenerator &ids_;
    ServiceSettings settings_;
    std::mutex write_mutex_;
};

}  // namespace cpep
