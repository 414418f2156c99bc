#include "core/create_request.h"

#include <array>

#include "core/guid.h"

namespace cpep {
namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 7> kProperties = {
    "id", "partnerId", "enableConnection", "connectionStatus", "lastSyncDateTime", "statusDetails",
    "agentSetting"};
constexpr std::array<std::string_view, 5> kReadOnly = {"id", "connectionStatus", "statusDetails",
                                                       "lastSyncDateTime", "agentSetting"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N> &set, std::string_view name) {
    for (auto s : set)
        if (s == name) return true;
    return false;
}

}  // namespace

bool is_entity_property(std::string_view name) { return contains(kProperties, name); }
bool is_read_only_property(std::string_view name) { return contains(kReadOnly, name); }

std::optional<GraphError> check_object_and_type(const json &body) {
    if (!body.is_object())
        return errors::bad_request("invalidJson", "The request body must be a JSON object.");
    if (auto it = body.find("@odata.type"); it != body.end()) {
        if (!it->is_string())
            return errors::bad_request("invalidODataType", "The '@odata.type' annotation must be a string.");
        std::string_view type = it->get_ref<const std::string &>();
        std::string_view bare = type.starts_with('#') ? type.substr(1) : type;
        if (bare != kPartnerType)
            return errors::bad_request(
                "invalidODataType",
                "A type named '" + quote_for_message(type) +
                    "' could not be resolved by the model. When a model is available, each type name must "
                    "resolve to a valid type; this resource takes '#microsoft.graph.cloudPcExternalPartner'.");
    }
    for (const auto &[key, value] : body.items()) {
        if (key == "@odata.type" || is_entity_property(key)) continue;
        return errors::bad_request("unknownProperty", "The property '" + quote_for_message(key) +
                                                          "' does not exist on type "
                                                          "'microsoft.graph.cloudPcExternalPartner'.");
    }
    return std::nullopt;
}

Outcome<CreatePartnerCommand> validate_create_body(const json &body) {
    if (auto error = check_object_and_type(body)) return *error;
    for (const auto &[key, value] : body.items()) {
        if (is_read_only_property(key))
            return errors::bad_request("propertyNotUpdateable",
                                       "The property '" + key + "' is read-only and cannot be set on create.");
    }

    CreatePartnerCommand cmd;
    auto partner = body.find("partnerId");
    if (partner == body.end())
        return errors::bad_request("missingProperty", "The property 'partnerId' is required.");
    if (partner->is_null())
        return errors::bad_request("invalidProperty", "The property 'partnerId' must not be null.");
    if (!partner->is_string())
        return errors::bad_request("invalidProperty",
                                   "The property 'partnerId' must be a string holding a GUID.");
    auto canonical = canonical_guid(partner->get_ref<const std::string &>());
    if (!canonical)
        return errors::bad_request("invalidProperty",
                                   "The property 'partnerId' must be a GUID such as "
                                   "'198d7140-80bb-4843-8cc4-811377a49a92'; got '" +
                                       quote_for_message(partner->get_ref<const std::string &>()) + "'.");
    cmd.partner_id = std::move(*canonical);

    auto enable = body.find("enableConnection");
    if (enable == body.end())
        return errors::bad_request("missingProperty", "The property 'enableConnection' is required.");
    if (enable->is_null())
        return errors::bad_request("invalidProperty", "The property 'enableConnection' must not be null.");
    if (!enable->is_boolean())
        return errors::bad_request("invalidProperty",
                                   "The property 'enableConnection' must be a JSON boolean (true or false).");
    cmd.enable_connection = enable->get<bool>();
    return cmd;
}

}  // namespace cpep
