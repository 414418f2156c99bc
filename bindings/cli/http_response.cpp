#include "http_response.h"

#include "json_text.h"

namespace cpep::cli {

std::string_view reason_phrase(int status) {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Request Entity Too Large";  // Graph's name, matching requestEntityTooLarge
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: break;
    }
    switch (status / 100) {
    case 2: return "Success";
    case 4: return "Client Error";
    case 5: return "Server Error";
    default: return "Unknown";
    }
}

std::string error_body_with_client_request_id(std::string_view body, const std::string &id) {
    auto parsed = parse_json(body, 256);
    if (!parsed || !parsed->is_object()) {
        return std::string(body);
    }
    const auto error = parsed->find("error");
    if (error == parsed->end() || !error->is_object()) {
        return pretty(*parsed);
    }
    Json &inner = (*error)["innerError"];
    if (!inner.is_object()) {
        inner = Json::object();
    }
    inner["client-request-id"] = id;
    return pretty(*parsed);
}

std::string render_http_response(const Response &response,
                                 const std::optional<std::string> &client_request_id) {
    std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " +
                      std::string(reason_phrase(response.status)) + "\n";
    const bool has_body = response.status != 204 && !response.body.empty();
    if (has_body) {
        out += "Content-Type: application/json\n";
    }
    if (client_request_id) {
        out += "client-request-id: " + *client_request_id + "\n";
    }
    out += "\n";
    if (has_body) {
        out += response.status >= 400 && client_request_id
                   ? error_body_with_client_request_id(response.body, *client_request_id)
                   : pretty_body(response.body);
        out += "\n";
    }
    return out;
}

}  // namespace cpep::cli
