/*
 * Helper process of lock_test.cpp. Usage:
 *   cpep_c_lock_holder open <db_path> [<partnerId>]   open an engine (and create one partner)
 *   cpep_c_lock_holder idle                           open nothing
 * Writes one line to stdout once it is ready ("OK [<status>]" or "ERR <code> <message>"), then
 * blocks until stdin reaches end of file or the process is killed. The parent synchronises on that
 * line instead of sleeping.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpep.h"

static void report(const char *line) {
    size_t len = strlen(line);
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, line, len);
        if (n <= 0) return;
        line += n;
        len -= (size_t)n;
    }
}

static void block_until_stdin_closes(void) {
    char c;
    while (read(STDIN_FILENO, &c, 1) > 0) {
    }
}

int main(int argc, char **argv) {
    char line[1024];
    cpep_engine *engine = NULL;
    if (argc == 2 && strcmp(argv[1], "idle") == 0) {
        report("OK\n");
        block_until_stdin_closes();
        return 0;
    }
    if ((argc != 3 && argc != 4) || strcmp(argv[1], "open") != 0) {
        report("ERR 0 usage: cpep_c_lock_holder open <db_path> [<partnerId>] | idle\n");
        return 2;
    }
    {
        int rc = cpep_open(&engine, argv[2], "{\"durability\":\"full\"}");
        if (rc != CPEP_OK) {
            snprintf(line, sizeof line, "ERR %d %s\n", rc, cpep_error_last());
            report(line);
            return 1;
        }
    }
    if (argc == 4) {
        static const char caller[] =
            "{\"tid\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\",\"idtyp\":\"app\",\"roles\":[\"CloudPC.ReadWrite.All\"]}";
        char body[256];
        cpep_buf out = CPEP_BUF_INIT;
        int status;
        snprintf(body, sizeof body, "{\"partnerId\":\"%s\",\"enableConnection\":true}", argv[3]);
        status = cpep_create_external_partner(&out, engine, caller, body, strlen(body));
        cpep_buf_dispose(&out);
        snprintf(line, sizeof line, "OK %d\n", status);
    } else {
        snprintf(line, sizeof line, "OK\n");
    }
    report(line);
    block_until_stdin_closes();
    cpep_close(engine);
    return 0;
}
