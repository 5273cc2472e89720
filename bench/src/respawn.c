/* respawn PROGRAM ARGS...: the bare C respawn loop, a floor for restart latency: fork, exec,
 * waitpid, again. SIGTERM: forwards it to the current child and exits. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t child, stop;

static void on_term(int sig) {
    (void)sig;
    stop = 1;
    if (child > 0) kill(child, SIGTERM);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: respawn PROGRAM ARGS...\n"); return 64; }
    struct sigaction sa = {0};
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    while (!stop) {
        pid_t pid = fork();
        if (pid < 0) { perror("respawn: fork"); return 1; }
        if (pid == 0) {
            signal(SIGTERM, SIG_DFL);
            execv(argv[1], argv + 1);
            perror("respawn: exec");
            _exit(127);
        }
        child = pid;
        while (waitpid(pid, NULL, 0) < 0) { }
        child = 0;
    }
    return 0;
}
