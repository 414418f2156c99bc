// The engine's answer rendered as a raw HTTP/1.1 response, the way the Graph documentation
// shows responses.
#pragma once

#include "engine_handle.h"

#include <optional>
#include <string>
#include <string_view>

namespace cpep::cli {

// "Created" for 201, ...; every status the engine answers (CONTRACT §4 plus 200, 201, 204) has
// its phrase; any other status gets its class's generic one.
std::string_view reason_phrase(int status);

// Adds "client-request-id" to error.innerError of an error body (the C ABI v1 carries no
// headers, so the host echoes it: CONTRACT §4/§6). A body that is not a Graph error is returned
// pretty-printed without change.
std::string error_body_with_client_request_id(std::string_view body, const std::string &id);

// Status line, headers, blank line, body pretty-printed with two-space indentation (key order
// kept). A 204 has neither body nor Content-Type. client_request_id, when the request carried
// one, is echoed as a response header and, for an error, into the body.
std::string render_http_response(const Response &response,
                                 const std::optional<std::string> &client_request_id);

}  // namespace cpep::cli
