#include "core/service.h"

#include "core/authorization.h"
#include "core/create_request.h"
#include "core/graph_json.h"
#include "core/router.h"

namespace cpep {
namespace {

GraphError storage_error(const StorageError &e) {
    switch (e.kind()) {
    case StorageFailure::busy: return errors::storage_busy();
    case StorageFailure::full: return errors::disk_full();
    case StorageFailure::other: break;
    }
    return errors::internal_storage();
}

}  // namespace

ExternalPartnerService::ExternalPartnerService(PartnerRepository &repository, const Clock &clock,
                                               IdGenerator &ids, ServiceSettings settings)
    : repository_(repository), clock_(clock), ids_(ids), settings_(settings) {}

Response ExternalPartnerService::error_response(const GraphError &error, const RequestHeaders &headers) {
    const std::string request_id = ids_.next_request_id();
    const std::string date = format_error_date(clock_.now());
    return {error.status, render_error(error, {request_id, date, headers.client_request_id})};
}

Response ExternalPartnerService::handle(std::string_view method, std::string_view url,
                                        const Outcome<Caller> &caller, std::string_view body,
                                        const RequestHeaders &headers) {
    auto match = match_route(method, url);
    if (!match) return error_response(match.error(), headers);
    if (!caller) return error_response(caller.error(), headers);
    switch (match.value().route) {
    case Route::create_partner:
        return create_checked(caller.value(), match.value().query, body, headers);
    }
    return error_response(errors::internal_unexpected(), headers);
}

Response ExternalPartnerService::create(const Outcome<Caller> &caller, std::string_view body,
                                        const RequestHeaders &headers) {
    if (!caller) return error_response(caller.error(), headers);
    return create_checked(caller.value(), {}, body, headers);
}

Response ExternalPartnerService::create_checked(const Caller &caller, std::string_view query,
                                                std::string_view body, const RequestHeaders &headers) {
    if (auto denied = authorize(caller, Operation::create)) return error_response(*denied, headers);
    if (!query.empty())
        return error_response(errors::bad_request("invalidQueryOption",
                                                  "Query options are not supported when creating an external partner."),
                              headers);
    auto parsed = read_json_body(body, settings_.limits);
    if (!parsed) return error_response(parsed.error(), headers);
    auto command = validate_create_body(parsed.value());
    if (!command) return error_response(command.error(), headers);

    const Instant now = clock_.now();
    GeneratedId id = ids_.next_entity_id();
    ExternalPartner partner = new_external_partner(std::move(id.value), caller.tenant_id,
                                                   std::move(command.value().partner_id),
                                                   command.value().enable_connection, now);
    try {
        if (!repository_.insert(partner, id.sequence))
            return error_response(errors::conflict("partnerAlreadyExists",
                                                   "An external partner with partnerId '" + partner.partner_id +
                                                       "' already exists in this tenant."),
                                  headers);
    } catch (const StorageError &e) {
        return error_response(storage_error(e), headers);
    }
    return {201, render_partner(partner, derive_status(partner, now, settings_.status))};
}

}  // namespace cpep
