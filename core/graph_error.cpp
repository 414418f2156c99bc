#include "core/graph_error.h"

namespace cpep {
namespace errors {

GraphError bad_request(std::string inner, std::string message) {
    return {400, "badRequest", std::move(inner), std::move(message)};
}
GraphError unauthorized(std::string inner, std::string message) {
    return {401, "InvalidAuthenticationToken", std::move(inner), std::move(message)};
}
GraphError forbidden(std::string inner, std::string message) {
    return {403, "forbidden", std::move(inner), std::move(message)};
}
GraphError not_found(std::string message) {
    return {404, "notFound", "resourceNotFound", std::move(message)};
}
GraphError method_not_allowed(std::string message) {
    return {405, "methodNotAllowed", "", std::move(message)};
}
GraphError conflict(std::string inner, std::string message) {
    return {409, "conflict", std::move(inner), std::move(message)};
}
GraphError payload_too_large(std::string message) {
    return {413, "requestEntityTooLarge", "", std::move(message)};
}
GraphError internal_storage() {
    return {500, "internalServerError", "storageError",
            "The request could not be completed because of a storage failure; nothing was changed."};
}
GraphError storage_busy() {
    return {503, "serviceUnavailable", "storageBusy",
            "The database is busy; nothing was changed. Retry the request."};
}
GraphError disk_full() {
    return {507, "insufficientStorage", "diskFull",
            "The database has no space left; nothing was changed."};
}
GraphError internal_unexpected() {
    return {500, "internalServerError", "",
            "The request could not be completed because of an internal error; nothing was changed."};
}

}  // namespace errors

std::string quote_for_message(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return std::string(text);
    std::size_t cut = limit;
    // Back off UTF-8 continuation bytes so the quote stays valid UTF-8.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    std::string out(text.substr(0, cut));
    out += "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
    return out;
}

}  // namespace cpep
