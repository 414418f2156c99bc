#include "open_options.h"

#include "json_text.h"

namespace cpep::cli {

std::string open_options_json(const Invocation &inv) {
    if (!inv.options && !inv.now && !inv.id_seed && !inv.durability) {
        return {};
    }
    Json options = Json::object();
    if (inv.options) {
        auto parsed = parse_json(*inv.options);
        if (!parsed || !parsed->is_object()) {
            throw UsageError{"--options must be a JSON object, e.g. '{\"now\":\"2020-11-03T12:43:14Z\"}'"};
        }
        options = std::move(*parsed);
    }
    if (inv.now) {
        options["now"] = *inv.now;
    }
    if (inv.id_seed) {
        options["idSeed"] = *inv.id_seed;
    }
    if (inv.durability) {
        if (*inv.durability != "full" && *inv.durability != "normal") {
            throw UsageError{"--durability must be 'full' or 'normal', not '" + *inv.durability + "'"};
        }
        options["durability"] = *inv.durability;
    }
    return options.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cpep::cli
