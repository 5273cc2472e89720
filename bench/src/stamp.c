/* stamp FILE: appends "PID NS\n" (CLOCK_REALTIME at its first instruction) to FILE, says one
 * line on stdout (so output capture has something to carry), then pauses until a signal.
 * Default signal dispositions: SIGTERM and SIGKILL end it. Used as the service in the restart
 * and 200-services scenarios.
 * Run as `run` (s6: a service directory's `run` is a symlink to stamp, exec'd as `run` with the
 * service's name as its argument and the directory as its working directory): FILE is ./stamps,
 * and readiness is notified on descriptor 3, the service directory's notification-fd
 * (s6-supervise's documentation). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    const char *base = strrchr(argv[0], '/');
    int s6 = strcmp(base ? base + 1 : argv[0], "run") == 0;
    if (argc != 2) {
        fprintf(stderr, "usage: stamp FILE\n");
        return 64;
    }
    const char *file = s6 ? "stamps" : argv[1];
    char line[64];
    int n = snprintf(line, sizeof line, "%ld %lld\n", (long)getpid(),
                     (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, line, (size_t)n) != n) {
        perror("stamp");
        return 1;
    }
    close(fd);
    if (s6) {
        (void)!write(3, "\n", 1);
        close(3);
    }
    n = snprintf(line, sizeof line, "stamp %ld up\n", (long)getpid());
    (void)!write(1, line, (size_t)n);
    for (;;) pause();
}
