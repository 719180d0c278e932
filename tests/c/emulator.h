/*
 * The C tests' view of a running tcr-emulator: plain HTTP/1.1 calls to its
 * control endpoints on 127.0.0.1 (POSIX sockets; include after defining
 * _POSIX_C_SOURCE). Static functions: each test program gets its own copy.
 */
#ifndef TCR_TEST_EMULATOR_H
#define TCR_TEST_EMULATOR_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The port of an "http://127.0.0.1:PORT" URL, or -1. */
static int emulator_port_of(const char *url) {
    const char *prefix = "http://127.0.0.1:";
    if (url == NULL || strncmp(url, prefix, strlen(prefix)) != 0) return -1;
    return atoi(url + strlen(prefix));
}

/* Sends METHOD PATH to the emulator at URL; returns the malloc'd reply body,
 * or NULL on failure, including a reply other than 200 (a refused fault). */
static char *emulator_call(const char *url, const char *method, const char *path) {
    int port = emulator_port_of(url), fd;
    struct sockaddr_in addr;
    char request[512];
    size_t cap = 1 << 16, len = 0;
    ssize_t n;
    char *buf, *body, *copy;
    if (port < 0 || (fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) return NULL;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    snprintf(request, sizeof request,
             "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", method, path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || write(fd, request, strlen(request)) < 0) {
        close(fd);
        return NULL;
    }
    buf = malloc(cap);
    while (buf != NULL && len + 1 < cap && (n = read(fd, buf + len, cap - len - 1)) > 0) len += (size_t)n;
    close(fd);
    if (buf == NULL) return NULL;
    buf[len] = '\0';
    body = strstr(buf, "\r\n\r\n");
    copy = body && strncmp(buf, "HTTP/1.1 200 ", 13) == 0 ? strdup(body + 4) : NULL;
    free(buf);
    return copy;
}

/* A number from GET /_emulator/stats ("requests", "accepted", ...), or -1. */
static long emulator_stat(const char *url, const char *key) {
    char *stats = emulator_call(url, "GET", "/_emulator/stats"), pattern[64], *at;
    long value = -1;
    if (stats == NULL) return -1;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    at = strstr(stats, pattern);
    if (at != NULL) value = strtol(at + strlen(pattern), NULL, 10);
    free(stats);
    return value;
}

#endif
