// A raw HTTP request as the Graph documentation writes it:
//
//   POST https://graph.microsoft.com/beta/deviceManagement/virtualEndpoint/externalPartners
//   Content-Type: application/json
//
//   {"partnerId": "...", "enableConnection": true}
//
// The version token ("HTTP/1.1") is optional, lines end in CRLF or LF, the target may hold raw
// spaces (documentation writes "$filter=enableConnection eq true" unencoded).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cpep::cli {

struct HttpRequest {
    std::string method;
    std::string target;  // absolute URL or path, query included
    std::vector<std::pair<std::string, std::string>> headers;  // in order, names as written
    std::string body;

    // The first header of that name (compared case-insensitively), if any.
    std::optional<std::string> header(std::string_view name) const;
};

// The header section may not exceed this; a request that exceeds the CLI's input limit
// therefore always carries more than this much body, which the engine refuses with 413.
inline constexpr std::size_t kHeaderSectionLimit = std::size_t{1} << 20;

struct HttpParseError {
    std::string message;
};

// Parses input. truncated says the input was cut at the CLI's read limit: the body is then passed
// on as far as it was read, however long its Content-Length says it is. Throws HttpParseError for
// anything that is not such a request (empty input, a malformed request line or header, a
// Content-Length that is not a number or promises more bytes than there are, Transfer-Encoding).
HttpRequest parse_http_request(std::string_view input, bool truncated);

}  // namespace cpep::cli
