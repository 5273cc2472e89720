/* stamp FILE: appends "PID NS\n" (CLOCK_REALTIME at its first instruction) to FILE, says one
 * line on stdout (so output capture has something to carry), then pauses until a signal.
 * Default signal dispositions: SIGTERM and SIGKILL end it. Used as the service in the restart
 * and 200-services scenarios. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (argc != 2) {
        fprintf(stderr, "usage: stamp FILE\n");
        return 64;
    }
    char line[64];
    int n = snprintf(line, sizeof line, "%ld %lld\n", (long)getpid(),
                     (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, line, (size_t)n) != n) {
        perror("stamp");
        return 1;
    }
    close(fd);
    n = snprintf(line, sizeof line, "stamp %ld up\n", (long)getpid());
    (void)!write(1, line, (size_t)n);
    for (;;) pause();
}
