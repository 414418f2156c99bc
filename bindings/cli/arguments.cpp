#include "arguments.h"

#include <utility>

namespace cpep::cli {
namespace {

struct Binding {
    OptionSpec spec;
    std::optional<std::string> Invocation::*value;  // null for a flag
    bool Invocation::*flag;                         // null for an option with a value
};

const std::vector<Binding> &bindings() {
    static const std::vector<Binding> table = {
        {{"--db", "PATH", kEngineOptions, "database file (default ./cpep.db; ':memory:' for a throwaway one)"},
         &Invocation::db, nullptr},
        {{"--options", "JSON", kEngineOptions, "engine options object passed to cpep_open, e.g. '{\"now\":\"2020-11-03T12:43:14Z\"}'"},
         &Invocation::options, nullptr},
        {{"--now", "ISO", kEngineOptions, "freeze the engine's clock at this instant (options key \"now\")"},
         &Invocation::now, nullptr},
        {{"--id-seed", "S", kEngineOptions, "deterministic, name-based ids (options key \"idSeed\")"},
         &Invocation::id_seed, nullptr},
        {{"--durability", "full|normal", kEngineOptions, "SQLite synchronous mode (options key \"durability\")"},
         &Invocation::durability, nullptr},
        {{"--caller", "JSON|@FILE", kCallerOptions, "the caller's token claims as a JSON object, or @FILE to read them"},
         &Invocation::caller, nullptr},
        {{"--tenant", "GUID", kCallerOptions, "build the caller: this tenant (needs --as)"},
         &Invocation::tenant, nullptr},
        {{"--as", "app|user", kCallerOptions, "build the caller: an application or delegated caller (see 'Callers' in cpep --help)"},
         &Invocation::as, nullptr},
        {{"--file", "PATH", kInputOptions, "read the input from PATH ('-' for standard input)"},
         &Invocation::file, nullptr},
        {{"--filter", "EXPR", kListOptions, "$filter: enableConnection eq true|false, partnerId eq '<guid>', joined by 'and'"},
         &Invocation::filter, nullptr},
        {{"--select", "a,b", kSelectOptions, "$select: the properties to return (id always comes back)"},
         &Invocation::select, nullptr},
        {{"--top", "N", kListOptions, "$top: at most N entities (1-999) across all pages"},
         &Invocation::top, nullptr},
        {{"--skip", "N", kListOptions, "$skip: leave out the first N matching entities"},
         &Invocation::skip, nullptr},
        {{"--count", "", kListOptions, "$count=true: add @odata.count, the number matching the filter"},
         nullptr, &Invocation::count},
        {{"--all", "", kListOptions, "follow @odata.nextLink and print one merged {\"value\": [...]}"},
         nullptr, &Invocation::all},
        {{"--enable", "", kUpdateOptions, "PATCH {\"enableConnection\": true}"}, nullptr, &Invocation::enable},
        {{"--disable", "", kUpdateOptions, "PATCH {\"enableConnection\": false}"}, nullptr, &Invocation::disable},
        {{"--help", "", kAnywhere, "show help (for a subcommand when one is given)"}, nullptr,
         &Invocation::help},
        {{"--version", "", kAnywhere, "print the library version"}, nullptr, &Invocation::version},
    };
    return table;
}

const Binding *find_binding(std::string_view name) {
    if (name == "-h") {
        name = "--help";
    }
    for (const Binding &binding : bindings()) {
        if (binding.spec.name == name) {
            return &binding;
        }
    }
    return nullptr;
}

}  // namespace

const std::vector<OptionSpec> &option_specs() {
    static const std::vector<OptionSpec> specs = [] {
        std::vector<OptionSpec> out;
        for (const Binding &binding : bindings()) {
            out.push_back(binding.spec);
        }
        return out;
    }();
    return specs;
}

Invocation parse_arguments(int argc, char **argv) {
    Invocation inv;
    bool options_ended = false;
    const auto add_operand = [&inv](std::string arg) {
        if (inv.command.empty()) {
            inv.command = std::move(arg);
        } else {
            inv.operands.push_back(std::move(arg));
        }
    };
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (options_ended || arg == "-" || arg.empty() || arg.front() != '-') {
            add_operand(std::string(arg));
            continue;
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        const std::size_t eq = arg.find('=');
        const std::string_view name = arg.substr(0, eq);
        const Binding *binding = find_binding(name);
        if (binding == nullptr) {
            throw UsageError{"unknown option '" + std::string(name) + "'"};
        }
        for (const OptionSpec *seen : inv.given) {
            if (seen->name == binding->spec.name) {
                throw UsageError{"option " + std::string(binding->spec.name) + " given twice"};
            }
        }
        inv.given.push_back(&binding->spec);
        if (binding->flag != nullptr) {
            if (eq != std::string_view::npos) {
                throw UsageError{"option " + std::string(binding->spec.name) + " takes no value"};
            }
            inv.*(binding->flag) = true;
            continue;
        }
        if (eq != std::string_view::npos) {
            inv.*(binding->value) = std::string(arg.substr(eq + 1));
        } else if (i + 1 < argc) {
            inv.*(binding->value) = std::string(argv[++i]);
        } else {
            throw UsageError{"option " + std::string(binding->spec.name) + " needs a value (" +
                             std::string(binding->spec.value) + ")"};
        }
    }
    return inv;
}

}  // namespace cpep::cli
