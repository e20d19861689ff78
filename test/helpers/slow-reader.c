/*
 * test/helpers/slow-reader.c: runs a command with its standard output on a
 * slow reader, the way a sluggish terminal or log pipe reads.
 *
 *   slow-reader DELAY_MS CHUNK INTERVAL_MS BUFSIZE -- COMMAND [ARG...]
 *
 * Owns: a socket pair whose buffers are set to BUFSIZE bytes (SO_SNDBUF and
 * SO_RCVBUF on both ends; Linux enforces its own minimum), the command's
 * standard output on one end, and a reader on the other that waits DELAY_MS,
 * then reads at most CHUNK bytes every INTERVAL_MS and copies them to its
 * own standard output. It exits with the command's exit status (128 + the
 * signal number if it was killed).
 * Why C: Node cannot set a socket's buffer sizes, and without small buffers
 * the writer never finds the socket full.
 * Must not: change the bytes, or stop reading before the command's end of
 * file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static int write_all(int fd, const char *p, ssize_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, (size_t)n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= w;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 7 || strcmp(argv[5], "--") != 0) {
        fprintf(stderr, "usage: slow-reader DELAY_MS CHUNK INTERVAL_MS BUFSIZE -- COMMAND [ARG...]\n");
        return 2;
    }
    long delay = atol(argv[1]), chunk = atol(argv[2]), interval = atol(argv[3]);
    int bufsize = atoi(argv[4]);
    if (chunk <= 0 || chunk > 65536 || delay < 0 || interval < 0 || bufsize <= 0) {
        fprintf(stderr, "slow-reader: bad numbers\n");
        return 2;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        perror("slow-reader: socketpair");
        return 2;
    }
    for (int i = 0; i < 2; i++) {
        setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
        setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("slow-reader: fork");
        return 2;
    }
    if (pid == 0) {
        dup2(sv[1], 1);
        close(sv[0]);
        close(sv[1]);
        execvp(argv[6], argv + 6);
        perror("slow-reader: exec");
        _exit(127);
    }
    close(sv[1]);
    sleep_ms(delay);
    char *buf = malloc((size_t)chunk);
    for (;;) {
        ssize_t n = read(sv[0], buf, (size_t)chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (write_all(1, buf, n) != 0) break;
        sleep_ms(interval);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 2;
}
