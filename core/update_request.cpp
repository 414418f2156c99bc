#include "core/update_request.h"

#include "core/create_request.h"

namespace cpep {

Outcome<UpdatePartnerCommand> validate_update_body(const nlohmann::json &body) {
    if (auto error = check_object_and_type(body)) return *error;
    for (const auto &[key, value] : body.items()) {
        if (key == "partnerId" || is_read_only_property(key))
            return errors::bad_request("propertyNotUpdateable",
                                       "The property '" + key + "' cannot be updated; only 'enableConnection' can.");
    }
    UpdatePartnerCommand cmd;
    if (auto it = body.find("enableConnection"); it != body.end()) {
        if (!it->is_boolean())
            return errors::bad_request("invalidProperty",
                                       "The property 'enableConnection' must be a JSON boolean (true or false).");
        cmd.enable_connection = it->get<bool>();
    }
    return cmd;
}

}  // namespace cpep
