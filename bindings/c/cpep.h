/*
 * cpep.h - the C ABI of cpep, an embeddable engine for the Microsoft Graph beta
 * resource /deviceManagement/virtualEndpoint/externalPartners (cloudPcExternalPartner).
 *
 * Conventions (the same for every function below):
 *  - Output parameters come first. A function that can fail returns int: 0 (CPEP_OK) or an
 *    HTTP status on success, a negative CPEP_E* code on failure.
 *  - Negative codes are reserved for misuse of the API (a NULL handle, output, method or url; a
 *    NULL body with a non-zero length) and for cpep_open failures. Everything that happens while
 *    serving a request, storage failures included, is an HTTP status with a Microsoft Graph error
 *    body, never a negative code.
 *  - After a negative return, cpep_error_last() on the same thread describes it.
 *  - Memory handed out in a cpep_buf belongs to the library; release it with cpep_buf_dispose.
 *    Strings returned as const char * belong to the library and must not be freed.
 *  - No C++ exception ever leaves this library.
 *  - Threads: one engine may be used from any number of threads at once; cpep_close must not run
 *    concurrently with any other call on the same engine.
 *
 * The ABI is versioned by CPEP_ABI_VERSION and never changes incompatibly without bumping it.
 */
#ifndef CPEP_H
#define CPEP_H

#include <stddef.h>

#if defined(__GNUC__)
#define CPEP_EXTERN __attribute__((visibility("default")))
#else
#define CPEP_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define CPEP_ABI_VERSION 1

/* An engine: one database file (or ":memory:"), its lock, its clock and id streams. Opaque. */
typedef struct cpep_engine cpep_engine;

/*
 * A buffer owned by the library. On return from a request, ptr holds `size` bytes followed by a
 * NUL terminator (so it can be used as a C string; the body itself never contains a NUL), or
 * {NULL, 0} when the response has no body (204) or the call failed with a negative code.
 * Initialise with CPEP_BUF_INIT; release with cpep_buf_dispose. A request first releases
 * whatever *out holds, so one buffer can be reused call after call without leaking; it must
 * therefore never be passed uninitialised.
 */
typedef struct cpep_buf {
    char *ptr;
    size_t size;
} cpep_buf;

#define CPEP_BUF_INIT { NULL, 0 }

enum {
    CPEP_OK = 0,
    CPEP_ERROR = -1,    /* unexpected internal failure (out of memory, ...)                      */
    CPEP_EINVALID = -2, /* misuse: NULL argument, bad options_json (the message names the key)   */
    CPEP_ELOCKED = -3,  /* cpep_open: another engine (this or another process) holds the file     */
    CPEP_ESCHEMA = -4,  /* cpep_open: not a cpep database, or made by a newer version of cpep     */
    CPEP_EIO = -5       /* cpep_open: the file or its lock file cannot be opened or read          */
};

/* The ABI version this library implements (CPEP_ABI_VERSION of its build). Never fails. */
CPEP_EXTERN int cpep_abi_version(void);

/* The library's version, e.g. "0.1.0". Static storage; never NULL. */
CPEP_EXTERN const char *cpep_version(void);

/*
 * The message of the last negative return on the calling thread, or "" when there was none.
 * Thread-local; the pointer stays valid until the next cpep_* call on this thread (other than
 * cpep_error_last itself). Never NULL.
 */
CPEP_EXTERN const char *cpep_error_last(void);

/*
 * Opens (creating if needed) the database at db_path, applies pending migrations and takes the
 * file's writer lock (an flock on "<db_path>.lock"; released by cpep_close or by the death of the
 * process). db_path ":memory:" gives a private in-memory database without a lock.
 *
 * options_json: NULL, "" or a JSON object with these keys (any other key, or a wrong type, is
 * CPEP_EINVALID naming it):
 *   "durability"    "full" (default, synchronous=FULL) | "normal" (synchronous=NORMAL), WAL mode
 *   "now"           ISO-8601 instant, e.g. "2020-11-03T12:43:14Z": the engine's clock is frozen there
 *   "idSeed"        string: ids become name-based (v5) UUIDs of "<idSeed>/<n>", n stored in the database
 *   "busyTimeoutMs" integer >= 0 (default 5000)
 *   "heartbeatTimeoutSeconds"     integer > 0 (default 900): heartbeat age after which an enabled
 *                                 connection is "unhealthy"
 *   "actionPendingAfterSeconds"   integer >= 0 (default 10):  deployment result created -> pending
 *   "actionRunningAfterSeconds"   integer >= 0 (default 30):  pending -> running
 *   "actionSucceededAfterSeconds" integer >= 0 (default 120): running -> succeeded
 *                                 (pending <= running <= succeeded must hold)
 *
 * On success *out receives the engine and CPEP_OK is returned. On failure *out is set to NULL and
 * one of CPEP_EINVALID, CPEP_ELOCKED (a message naming the file), CPEP_ESCHEMA, CPEP_EIO or
 * CPEP_ERROR is returned.
 */
CPEP_EXTERN int cpep_open(cpep_engine **out, const char *db_path, const char *options_json);

/* Closes the engine, releasing its lock. NULL-safe. No call on the engine may be running. */
CPEP_EXTERN void cpep_close(cpep_engine *engine);

/*
 * POST /deviceManagement/virtualEndpoint/externalPartners.
 *
 * caller_json: the claims of the already-authenticated caller, as a JSON object
 *   {"tid": "<tenant GUID>", "idtyp": "app"|"user", "scp": "CloudPC.ReadWrite.All",
 *    "roles": ["CloudPC.ReadWrite.All"], "wids": [...], "oid": ..., "appid": ..., "upn": ...}
 *   NULL or malformed claims answer 401.
 * body, body_len: the request body (need not be NUL-terminated; body may be NULL when body_len is 0).
 *
 * Returns the HTTP status (201, or an error status: 400, 401, 403, 409, 413, 500, 503, 507) with
 * the JSON response body in *out. A 201 means the entity is committed to the database.
 * Returns CPEP_EINVALID, with *out left {NULL, 0}, when out or engine is NULL or body is NULL with
 * body_len > 0.
 */
CPEP_EXTERN int cpep_create_external_partner(cpep_buf *out, cpep_engine *engine,
                                             const char *caller_json, const char *body,
                                             size_t body_len);

/*
 * The general router. method: "GET", "POST", "PATCH", "DELETE", ... (case-sensitive, as in HTTP).
 * url: a path with an optional query string, with or without the
 * "https://graph.microsoft.com/beta" prefix, e.g. "/deviceManagement/virtualEndpoint/externalPartners".
 * Routes (CONTRACT.md §3 and §5; P = /deviceManagement/virtualEndpoint/externalPartners):
 *   POST P                      create                        GET P[?$filter,$select,$top,$skip,$count]  list
 *   GET P/{id}[?$select]        get                           PATCH P/{id}   update enableConnection
 *   DELETE P/{id}               delete (204)                  POST /partnerApi/heartbeat  (204)
 *   POST P/{id}/configureAgent  (204)                         POST P/{id}/deployAgent     {"value": activityId}
 *   GET P/{id}/retrieveDeployAgentActionResults(activityId='…',cloudPcId='…')
 *   GET P/{id}/retrieveActionReports
 *   POST /$batch                {"requests": [...]} (Graph JSON batching, up to 20 requests)
 * Returns the HTTP status with the JSON body in *out ({NULL, 0} for 204); an unknown path answers
 * 404 and a known path with the wrong method 405, both with Graph error bodies.
 * Returns CPEP_EINVALID, with *out left {NULL, 0}, when out, engine, method or url is NULL, or
 * body is NULL with body_len > 0.
 */
CPEP_EXTERN int cpep_request(cpep_buf *out, cpep_engine *engine, const char *method,
                             const char *url, const char *caller_json, const char *body,
                             size_t body_len);

/* Frees buf->ptr and resets *buf to {NULL, 0}. NULL-safe; safe on an already disposed buffer. */
CPEP_EXTERN void cpep_buf_dispose(cpep_buf *buf);

#ifdef __cplusplus
}
#endif

#endif /* CPEP_H */
