#include "core/heartbeat_request.h"

#include "core/guid.h"

namespace cpep {

Outcome<std::string> validate_heartbeat_body(const nlohmann::json &body) {
    if (!body.is_object()) return errors::bad_request("invalidJson", "The request body must be a JSON object.");
    for (const auto &[key, value] : body.items())
        if (key != "partnerId")
            return errors::bad_request("unknownProperty", "The property '" + quote_for_message(key) +
                                                              "' is not part of a heartbeat; send only 'partnerId'.");
    auto it = body.find("partnerId");
    if (it == body.end()) return errors::bad_request("missingProperty", "The property 'partnerId' is required.");
    std::optional<std::string> id;
    if (it->is_string()) id = canonical_guid(it->get_ref<const std::string &>());
    if (!id) return errors::bad_request("invalidProperty", "The property 'partnerId' must be a GUID.");
    return std::move(*id);
}

}  // namespace cpep
