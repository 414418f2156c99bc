/*
 * cpep.h compiled as strict C99 (-std=c99 -Wall -Wextra -pedantic -Werror), using every
 * declaration once, and run as a test: a tiny create round trip in pure C. Exit status 0 on
 * success; each failed check prints a line and makes the status non-zero.
 */
#include "cpep.h"

#include <stdio.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                              \
        }                                                                            \
    } while (0)

static const char caller[] =
    "{\"tid\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\",\"idtyp\":\"app\","
    "\"roles\":[\"CloudPC.ReadWrite.All\"]}";
static const char body[] =
    "{\"@odata.type\":\"#microsoft.graph.cloudPcExternalPartner\","
    "\"partnerId\":\"6b4d3e3c-3aa5-4d1d-9c6e-7f00b1d3f0a1\",\"enableConnection\":true}";

int main(void) {
    cpep_engine *engine = NULL;
    cpep_buf out = CPEP_BUF_INIT;
    int status;
    const int codes[] = {CPEP_OK, CPEP_ERROR, CPEP_EINVALID, CPEP_ELOCKED, CPEP_ESCHEMA, CPEP_EIO};
    size_t i, j;

    for (i = 0; i < sizeof codes / sizeof codes[0]; ++i)
        for (j = i + 1; j < sizeof codes / sizeof codes[0]; ++j) CHECK(codes[i] != codes[j]);
    CHECK(CPEP_OK == 0);
    for (i = 1; i < sizeof codes / sizeof codes[0]; ++i) CHECK(codes[i] < 0);

    CHECK(cpep_abi_version() == CPEP_ABI_VERSION);
    CHECK(cpep_version() != NULL && cpep_version()[0] != '\0');
    CHECK(cpep_error_last() != NULL);

    CHECK(cpep_open(&engine, ":memory:", "{\"nope\":true}") == CPEP_EINVALID);
    CHECK(engine == NULL);
    CHECK(strstr(cpep_error_last(), "nope") != NULL);

    status = cpep_open(&engine, ":memory:", "{\"now\":\"2020-11-03T12:43:14Z\",\"idSeed\":\"c\"}");
    CHECK(status == CPEP_OK);
    if (status != CPEP_OK) {
        fprintf(stderr, "cpep_open: %s\n", cpep_error_last());
        return 1;
    }

    /* strlen(body) on purpose: the length excludes the terminator. */
    status = cpep_create_external_partner(&out, engine, caller, body, strlen(body));
    CHECK(status == 201);
    CHECK(out.ptr != NULL && out.size > 0);
    if (out.ptr != NULL) {
        CHECK(out.ptr[out.size] == '\0');
        CHECK(strlen(out.ptr) == out.size);
        CHECK(strstr(out.ptr, "\"partnerId\":\"6b4d3e3c-3aa5-4d1d-9c6e-7f00b1d3f0a1\"") != NULL);
        CHECK(strstr(out.ptr, "\"connectionStatus\":\"available\"") != NULL);
    }

    /* The same partner again, through the router: the old buffer is released by the call. */
    status = cpep_request(&out, engine, "POST", "/deviceManagement/virtualEndpoint/externalPartners", caller, body,
                          strlen(body));
    CHECK(status == 409);
    CHECK(out.ptr != NULL && strstr(out.ptr, "\"error\"") != NULL);

    status = cpep_request(&out, engine, "GET", "/nowhere", caller, NULL, 0);
    CHECK(status == 404);
    cpep_buf_dispose(&out);
    CHECK(out.ptr == NULL && out.size == 0);
    cpep_buf_dispose(&out);
    cpep_buf_dispose(NULL);

    CHECK(cpep_request(&out, NULL, "GET", "/nowhere", caller, NULL, 0) == CPEP_EINVALID);
    CHECK(out.ptr == NULL && out.size == 0);
    CHECK(cpep_error_last()[0] != '\0');

    cpep_close(engine);
    cpep_close(NULL);

    if (failures == 0) printf("header test: all checks passed\n");
    return failures == 0 ? 0 : 1;
}
