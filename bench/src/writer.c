/* writer MODE LINES STAMPFILE [GOFILE]: writes LINES lines of 100 bytes (99 printable + '\n') to
 * stdout, MODE "chunk": the byte stream in 64 KiB write(2)s; MODE "line": one write(2) per line.
 * Appends "start NS" before the first write and "end NS" after the last to STAMPFILE
 * (CLOCK_REALTIME). With GOFILE: appends "ready NS" first, then waits (1 ms naps: a fixture that
 * must stay alive) until GOFILE exists, so every reader starts at the same point of the harness.
 * Exit 0 when every byte was written. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE 100
#define CHUNK 65536

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void stamp(const char *file, const char *what) {
    char line[64];
    int n = snprintf(line, sizeof line, "%s %lld\n", what, now_ns());
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, line, (size_t)n) != n) { perror("writer: stamp"); exit(1); }
    close(fd);
}

static void write_all(const char *p, size_t len) {
    while (len > 0) {
        ssize_t w = write(1, p, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            perror("writer: write");
            exit(1);
        }
        p += w;
        len -= (size_t)w;
    }
}

int main(int argc, char **argv) {
    if ((argc != 4 && argc != 5) || (strcmp(argv[1], "chunk") && strcmp(argv[1], "line"))) {
        fprintf(stderr, "usage: writer chunk|line LINES STAMPFILE [GOFILE]\n");
        return 64;
    }
    long long lines = atoll(argv[2]);
    long long total = lines * LINE;
    /* A pattern buffer of CHUNK + LINE bytes of whole lines: any 64 KiB window of the stream
     * starting at offset o is pattern[o % LINE ...]. */
    static char pattern[CHUNK + 2 * LINE];
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (i % LINE == LINE - 1) ? '\n' : (char)('a' + (i % LINE) % 26);
    if (argc == 5) {
        stamp(argv[3], "ready");
        struct timespec nap = {0, 1000000};
        while (access(argv[4], F_OK) != 0) nanosleep(&nap, NULL);
    }
    stamp(argv[3], "start");
    if (argv[1][0] == 'c') {
        for (long long off = 0; off < total; off += CHUNK) {
            long long len = total - off < CHUNK ? total - off : CHUNK;
            write_all(pattern + off % LINE, (size_t)len);
        }
    } else {
        for (long long i = 0; i < lines; i++) write_all(pattern, LINE);
    }
    stamp(argv[3], "end");
    return 0;
}
