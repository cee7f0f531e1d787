/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hako-askpass: ssh's SSH_ASKPASS for the SSH sessions Hako starts. It passes ssh's question
 * to the running Hako (HAKO_ASKPASS_SOCKET, HAKO_ASKPASS_ID), which asks the user in its own
 * window, and prints the answer for ssh. Exit status 1: the user declined, or no Hako. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    const char *path = getenv("HAKO_ASKPASS_SOCKET");
    const char *id = getenv("HAKO_ASKPASS_ID");
    const char *kind = getenv("SSH_ASKPASS_PROMPT");
    const char *prompt = argc > 1 ? argv[1] : "";
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    char reply[8192];
    size_t got = 0;
    int fd;

    if (path == NULL || id == NULL || strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "hako-askpass: only Hako's own ssh sessions can use this helper\n");
        return 1;
    }
    /* A notice that needs no answer (touch your security key): ssh ends it when done. */
    if (kind != NULL && strcmp(kind, "none") == 0)
        kind = "notice";
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        fprintf(stderr, "hako-askpass: cannot reach Hako at %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (write_all(fd, "HAKO-ASKPASS 1\n", 15) < 0 || write_all(fd, id, strlen(id)) < 0 ||
        write_all(fd, "\n", 1) < 0 || write_all(fd, kind ? kind : "", kind ? strlen(kind) : 0) ||
        write_all(fd, "\n", 1) < 0 || write_all(fd, prompt, strlen(prompt)) < 0) {
        fprintf(stderr, "hako-askpass: cannot ask Hako: %s\n", strerror(errno));
        return 1;
    }
    shutdown(fd, SHUT_WR);
    for (;;) {
        ssize_t n = read(fd, reply + got, sizeof reply - 1 - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == sizeof reply - 1)
            break;
    }
    close(fd);
    reply[got] = '\0';
    if (strncmp(reply, "OK\n", 3) != 0)
        return 1;
    printf("%s\n", reply + 3);
    memset(reply, 0, sizeof reply);
    return 0;
}
