#pragma once
// The application service: gathers the caller, the clock, new ids and stored state through the
// ports, asks the pure decisions (authorization, validation, lifecycle), persists the outcome and
// renders the Graph response.
#include <string>
#include <string_view>

#include "core/caller.h"
#include "core/external_partner.h"
#include "core/graph_error.h"
#include "core/json_reader.h"
#include "core/ports.h"

namespace cpep {

struct Response {
    int status = 500;
    std::string body;  // empty for 204
};

struct ServiceSettings {
    JsonLimits limits;
    StatusPolicy status;
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
    Response create_checked(const Caller &caller, std::string_view query, std::string_view body,
                            const RequestHeaders &headers);

    PartnerRepository &repository_;
    const Clock &clock_;
    IdGenerator &ids_;
    ServiceSettings settings_;
};

}  // namespace cpep
