// `cpep list --all`: a collection read to its end by following @odata.nextLink.
#pragma once

#include "engine_handle.h"

#include <string>

namespace cpep::cli {

// GETs url, then every @odata.nextLink in turn, on the same engine and as the same caller.
// Returns the first non-2xx response as it is (status and Graph error body), or 200 with one
// merged collection: the first page's "@odata.context" and "@odata.count" (when present) and
// "value" holding every page's entities in order; no "@odata.nextLink".
// Throws EngineError when the engine answers a page that is not a collection, or a nextLink that
// is not a string or that it has already given (paging that would never end).
Response fetch_all_pages(Engine &engine, const std::string &url, const std::string &caller_json);

}  // namespace cpep::cli
