#include "http_request.h"

#include <algorithm>
#include <charconv>

namespace cpep::cli {
namespace {

// RFC 9110 tchar: the characters of a method or a header name.
bool is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool is_control(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

// "HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/2.0".
bool is_http_version(std::string_view s) {
    if (s.substr(0, 5) != "HTTP/" || s.size() < 6) {
        return false;
    }
    s.remove_prefix(5);
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    return (s.size() == 1 && digit(s[0])) ||
           (s.size() == 3 && digit(s[0]) && s[1] == '.' && digit(s[2]));
}

// Splits input into lines ending in LF (a CR before the LF is dropped) and keeps the offset of
// what follows the last line taken.
class LineReader {
public:
    explicit LineReader(std::string_view input) : input_(input) {}

    bool at_end() const { return pos_ >= input_.size(); }
    std::size_t offset() const { return pos_; }
    std::size_t line_number() const { return line_; }

    std::string_view next() {
        const std::size_t lf = input_.find('\n', pos_);
        const std::size_t end = lf == std::string_view::npos ? input_.size() : lf;
        std::string_view line = input_.substr(pos_, end - pos_);
        pos_ = lf == std::string_view::npos ? input_.size() : lf + 1;
        ++line_;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        return line;
    }

private:
    std::string_view input_;
    std::size_t pos_ = 0;
    std::size_t line_ = 0;
};

[[noreturn]] void fail(std::string message) { throw HttpParseError{std::move(message)}; }

void parse_request_line(std::string_view line, HttpRequest &request) {
    const auto first_space = std::find_if(line.begin(), line.end(), is_space);
    const std::string_view method = line.substr(0, std::size_t(first_space - line.begin()));
    if (!is_token(method)) {
        fail("the first line is not a request line such as 'POST https://graph.microsoft.com/beta/"
             "deviceManagement/virtualEndpoint/externalPartners'");
    }
    std::string_view target = trim(line.substr(method.size()));
    const auto last_space = std::find_if(target.rbegin(), target.rend(), is_space);
    if (last_space != target.rend()) {
        const std::string_view last = target.substr(std::size_t(target.rend() - last_space));
        if (is_http_version(last)) {
            target = trim(target.substr(0, target.size() - last.size()));
        }
    }
    if (target.empty() || is_http_version(target)) {
        fail("the request line names no URL after the method '" + std::string(method) + "'");
    }
    if (std::any_of(target.begin(), target.end(), [](char c) { return is_control(c) && c != '\t'; })) {
        fail("the request URL holds control characters");
    }
    request.method = std::string(method);
    request.target = std::string(target);
}

std::size_t parse_content_length(std::string_view value) {
    std::size_t length = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
        fail("Content-Length '" + std::string(value) + "' is not a number of bytes");
    }
    return length;
}

}  // namespace

std::optional<std::string> HttpRequest::header(std::string_view name) const {
    for (const auto &[key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

HttpRequest parse_http_request(std::string_view input, bool truncated) {
    HttpRequest request;
    LineReader lines(input);

    // RFC 9112 §2.2: empty lines before the request line are ignored.
    std::string_view line;
    do {
        if (lines.at_end()) {
            fail("the input is empty");
        }
        line = lines.next();
    } while (line.empty());
    if (lines.offset() > kHeaderSectionLimit) {
        fail("the request line and headers exceed 1 MiB");
    }
    parse_request_line(line, request);

    while (!lines.at_end()) {
        line = lines.next();
        if (lines.offset() > kHeaderSectionLimit) {
            fail("the request line and headers exceed 1 MiB");
        }
        if (line.empty()) {
            break;
        }
        const std::string where = "line " + std::to_string(lines.line_number());
        if (is_space(line.front())) {
            fail(where + ": folded header lines are not supported");
        }
        const std::size_t colon = line.find(':');
        const std::string_view name = line.substr(0, colon);
        if (colon == std::string_view::npos || !is_token(name)) {
            fail(where + " is not a header ('Name: value'); a blank line must separate the headers "
                         "from the body");
        }
        const std::string_view value = trim(line.substr(colon + 1));
        if (std::any_of(value.begin(), value.end(), [](char c) { return is_control(c) && c != '\t'; })) {
            fail(where + ": the value of header '" + std::string(name) + "' holds control characters");
        }
        request.headers.emplace_back(std::string(name), std::string(value));
    }

    std::string_view body = input.substr(lines.offset());
    if (request.header("Transfer-Encoding")) {
        fail("Transfer-Encoding is not supported; send the body as is, with or without Content-Length");
    }
    std::optional<std::size_t> content_length;
    for (const auto &[name, value] : request.headers) {
        if (!iequals(name, "Content-Length")) {
            continue;
        }
        const std::size_t length = parse_content_length(value);
        if (content_length && *content_length != length) {
            fail("conflicting Content-Length headers");
        }
        content_length = length;
    }
    if (content_length) {
        if (*content_length <= body.size()) {
            body = body.substr(0, *content_length);
        } else if (!truncated) {
            fail("Content-Length is " + std::to_string(*content_length) + " but the body has only " +
                 std::to_string(body.size()) + " bytes");
        }
    }
    request.body = std::string(body);
    return request;
}

}  // namespace cpep::cli
