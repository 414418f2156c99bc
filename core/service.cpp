#include "core/service.h"

#include "core/authorization.h"
#include "core/guid.h"
#include "core/graph_json.h"

namespace cpep {
namespace {

Operation operation_of(Route r) {
    switch (r) {
    case Route::create_partner: return Operation::create;
    case Route::list_partners: return Operation::list;
    case Route::get_partner: return Operation::get;
    case Route::update_partner: return Operation::update;
    case Route::delete_partner: return Operation::remove;
    case Route::configure_agent: return Operation::configure_agent;
    case Route::deploy_agent: return Operation::deploy_agent;
    case Route::retrieve_results: return Operation::retrieve_deploy_agent_action_results;
    case Route::retrieve_reports: return Operation::retrieve_action_reports;
    case Route::heartbeat: return Operation::partner_heartbeat;
    case Route::batch: return Operation::batch;
    }
    return Operation::batch;  // unreachable: every route is listed above
}

}  // namespace

GraphError ExternalPartnerService::storage_error(const StorageError &e) {
    switch (e.kind()) {
    case StorageFailure::busy: return errors::storage_busy();
    case StorageFailure::full: return errors::disk_full();
    case StorageFailure::other: break;
    }
    return errors::internal_storage();
}

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
    if (auto denied = authorize(caller.value(), operation_of(match.value().route)))
        return error_response(*denied, headers);
    try {
        auto response = dispatch(match.value(), caller, body);
        if (!response) return error_response(response.error(), headers);
        return std::move(response).value();
    } catch (const StorageError &e) {
        return error_response(storage_error(e), headers);
    }
}

Response ExternalPartnerService::create(const Outcome<Caller> &caller, std::string_view body,
                                        const RequestHeaders &headers) {
    if (!caller) return error_response(caller.error(), headers);
    if (auto denied = authorize(caller.value(), Operation::create)) return error_response(*denied, headers);
    try {
        auto response = create_partner(caller.value(), {}, body);
        if (!response) return error_response(response.error(), headers);
        return std::move(response).value();
    } catch (const StorageError &e) {
        return error_response(storage_error(e), headers);
    }
}

Outcome<Response> ExternalPartnerService::dispatch(const RouteMatch &m, const Outcome<Caller> &caller_outcome,
                                                   std::string_view body) {
    const Caller &caller = caller_outcome.value();
    switch (m.route) {
    case Route::batch: return batch(caller_outcome, m.query, body);
    case Route::create_partner: return create_partner(caller, m.query, body);
    case Route::list_partners: return list_partners(caller, m.query);
    case Route::get_partner: return get_partner(caller, m.id, m.query);
    case Route::update_partner: return update_partner(caller, m.id, m.query, body);
    case Route::delete_partner: return delete_partner(caller, m.id, m.query);
    case Route::heartbeat: return heartbeat(caller, m.query, body);
    case Route::configure_agent: return configure_agent(caller, m.id, m.query, body);
    case Route::deploy_agent: return deploy_agent(caller, m.id, m.query, body);
    case Route::retrieve_results: return retrieve_results(caller, m);
    case Route::retrieve_reports: return retrieve_reports(caller, m.id, m.query);
    }
    return errors::internal_unexpected();
}

Outcome<nlohmann::json> ExternalPartnerService::read_body(std::string_view body) const {
    return read_json_body(body, settings_.limits);
}

GraphError ExternalPartnerService::partner_not_found(std::string_view id) {
    return errors::not_found("No external partner with id '" + quote_for_message(id, 64) + "' exists in this tenant.");
}

Outcome<StoredPartner> ExternalPartnerService::find_partner(const Caller &caller, const std::string &id) {
    auto canonical = canonical_guid(id);
    std::optional<StoredPartner> found;
    if (canonical) found = repository_.find(caller.tenant_id, *canonical);
    if (!found)
        return partner_not_found(id);
    return std::move(*found);
}

}  // namespace cpep
