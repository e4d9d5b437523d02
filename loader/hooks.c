// SPDX-License-Identifier: GPL-2.0
/*
 * --on-kill: the ticker runs the command for each new entry of the kill log, in order, at most
 * HOOKS_MAX at once, never waiting on one. Each runs in a session of its own, its output to
 * syslog through a pipe; one past --on-kill-timeout is killed with its process group. The
 * ticker sleeps in ppoll() on those pipes with SIGCHLD let through, so that output, an exit or
 * a timeout wakes it and a kill waiting for a free slot gets its hook at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "loader.h"

static void on_child(int sig)
{
}

/* to syslog, and under 'oomkiller run' to stderr too */
static void __attribute__((format(printf, 3, 4)))
say(const struct hooks *h, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
	if (!h->echo)
		return;
	va_start(ap, fmt);
	fprintf(h->echo, "oomkiller: ");
	vfprintf(h->echo, fmt, ap);
	fputc('\n', h->echo);
	va_end(ap);
}

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* SIGCHLD blocked but while the ticker sleeps in ppoll(); next: the first kill to run CMD for */
void hooks_init(struct hooks *h, __u64 next, FILE *echo)
{
	const struct sigaction sa = { .sa_handler = on_child, .sa_flags = SA_NOCLDSTOP };
	sigset_t chld;

	memset(h, 0, sizeof(*h));
	h->next = next;
	h->echo = echo;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &h->mask);
	sigaction(SIGCHLD, &sa, NULL);
	for (int i = 0; i < HOOKS_MAX; i++)
		h->run[i].fd = -1;
}

/* What a hook wrote: a syslog line per line, a long one cut; at EOF the rest. */
static void hook_output(const struct hooks *h, struct hook *k)
{
	ssize_t n;
	char *nl;

	while (k->fd >= 0) {
		n = read(k->fd, k->buf + k->len, sizeof(k->buf) - 1 - k->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return; /* EAGAIN: all read for now */
		k->len += n;
		k->buf[k->len] = '\0';
		while ((nl = strchr(k->buf, '\n')) || k->len == sizeof(k->buf) - 1 ||
		       (!n && k->len)) {
			int line = nl ? nl - k->buf : (int)k->len;

			say(h, LOG_INFO, "on-kill %d: %.*s", k->pid, line, k->buf);
			k->len -= nl ? line + 1 : line;
			memmove(k->buf, k->buf + (nl ? line + 1 : line), k->len + 1);
		}
		if (!n) {
			close(k->fd);
			k->fd = -1;
		}
	}
}

static void set_number(const char *name, unsigned long long v)
{
	char buf[NUM_LEN];

	snprintf(buf, sizeof(buf), "%llu", v);
	setenv(name, buf, 1);
}

/* In the child: a session of its own, the signals as a shell expects them, k in its env. */
static void __attribute__((noreturn))
exec_hook(const struct hooks *h, const char *cmd, const struct oomk_kill *k, int out)
{
	char comm[OOMK_COMM_LEN];
	int null = open("/dev/null", O_RDONLY);

	setsid();
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, &h->mask, NULL);
	dup2(null, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	close_range(STDERR_FILENO + 1, ~0U, 0);
	snprintf(comm, sizeof(comm), "%.*s", OOMK_COMM_LEN - 1, k->comm);
	set_number("OOMKILLER_SEQ", k->seq);
	set_number("OOMKILLER_PID", k->pid);
	setenv("OOMKILLER_NAME", comm, 1);
	setenv("OOMKILLER_LIMIT", limit_opt(limit_index(k->limit))->column, 1);
	set_number("OOMKILLER_VALUE", k->value);
	set_number("OOMKILLER_MAX", k->max);
	set_number("OOMKILLER_USED", k->used);
	set_number("OOMKILLER_THRESHOLD", k->mem_threshold);
	set_number("OOMKILLER_SIGNAL", k->signal);
	setenv("OOMKILLER_HOW", how_name(k->how), 1);
	setenv("OOMKILLER_DRY_RUN", k->signal ? "no" : "yes", 1);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static void start_hook(struct hooks *h, struct hook *slot, const char *cmd,
		       const struct oomk_kill *k, __u32 timeout_ms)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC)) {
		say(h, LOG_ERR, "on-kill for kill %llu: pipe: %s", (unsigned long long)k->seq,
		    strerror(errno));
		return;
	}
	pid = fork();
	if (!pid)
		exec_hook(h, cmd, k, pipefd[1]);
	close(pipefd[1]);
	if (pid < 0) {
		say(h, LOG_ERR, "on-kill for kill %llu: fork: %s", (unsigned long long)k->seq,
		    strerror(errno));
		close(pipefd[0]);
		return;
	}
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	*slot = (struct hook){ .pid = pid, .fd = pipefd[0], .seq = k->seq, .start = now_ms() };
	slot->deadline = slot->start + timeout_ms;
}

/* The hooks that ended: their output, how they ended; those past their time killed. */
static void reap_hooks(struct hooks *h)
{
	int status;

	for (int i = 0; i < HOOKS_MAX; i++) {
		struct hook *k = &h->run[i];

		if (!k->pid)
			continue;
		hook_output(h, k);
		if (!k->killed && now_ms() >= k->deadline) {
			say(h, LOG_WARNING,
			    "on-kill %d for kill %llu: still running after %llu ms: killed", k->pid,
			    (unsigned long long)k->seq,
			    (unsigned long long)(k->deadline - k->start));
			/* its group, unless it was too quick to have made one yet */
			if (kill(-k->pid, SIGKILL))
				kill(k->pid, SIGKILL);
			k->killed = true;
		}
		if (waitpid(k->pid, &status, WNOHANG) != k->pid)
			continue;
		if (!k->killed && !(WIFEXITED(status) && !WEXITSTATUS(status)))
			say(h, LOG_WARNING, "on-kill %d for kill %llu: %s %d", k->pid,
			    (unsigned long long)k->seq,
			    WIFEXITED(status) ? "exit status" : "killed by signal",
			    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		/* what it left in the pipe; a child it left behind may hold the pipe: not ours */
		hook_output(h, k);
		if (k->fd >= 0)
			close(k->fd);
		*k = (struct hook){ .fd = -1 };
	}
}

/* Hooks for the kills logged since the last, while slots are free: in the log's order. */
static void start_hooks(struct hooks *h, int state_fd, int kills_fd,
			const struct oomk_settings *set)
{
	struct oomk_state st;
	struct oomk_kill k;
	__u64 lost = 0;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(state_fd, &zero, &st))
		return;
	if (!set->on_kill[0]) {
		h->next = st.kills + 1; /* --on-kill applies to the kills after it is set */
		return;
	}
	for (int i = 0; i < HOOKS_MAX; i++) {
		if (h->run[i].pid)
			continue;
		/* none left, or one still being written: it waits */
		if (kill_log_next(kills_fd, st.kills, &h->next, &k, &lost) <= 0)
			break;
		start_hook(h, &h->run[i], set->on_kill, &k, set->on_kill_timeout_ms);
	}
	if (lost)
		say(h, LOG_WARNING, "on-kill not run for %llu kills: the log no longer holds them",
		    (unsigned long long)lost);
}

/*
 * For a tick, or until a signal stops the ticker: hooks started for new kills, their output
 * read, their ends reaped, their timeouts enforced.
 */
void hooks_run(struct hooks *h, int state_fd, int kills_fd, const struct oomk_settings *set,
	       volatile sig_atomic_t *stopping)
{
	__u64 now, wake, deadline = now_ms() + set->tick_ms;
	struct pollfd fds[HOOKS_MAX];

	while (!*stopping && (now = now_ms()) < deadline) {
		struct timespec ts;
		int n = 0;

		reap_hooks(h);
		start_hooks(h, state_fd, kills_fd, set);
		wake = deadline;
		for (int i = 0; i < HOOKS_MAX; i++) {
			if (!h->run[i].pid)
				continue;
			if (!h->run[i].killed && h->run[i].deadline < wake)
				wake = h->run[i].deadline;
			if (h->run[i].fd >= 0)
				fds[n++] = (struct pollfd){ .fd = h->run[i].fd, .events = POLLIN };
		}
		now = now_ms();
		wake = wake > now ? wake - now : 0;
		ts = (struct timespec){ wake / 1000, wake % 1000 * 1000000 };
		ppoll(fds, n, &ts, &h->mask);
	}
}

/* The ticker stops: its hooks too (SIGTERM to each group), and kills not yet hooked are said. */
void hooks_end(struct hooks *h, int state_fd, const struct oomk_settings *set)
{
	struct oomk_state st;
	__u32 zero = 0;

	for (int i = 0; i < HOOKS_MAX; i++) {
		if (!h->run[i].pid)
			continue;
		say(h, LOG_WARNING, "on-kill %d for kill %llu: the ticker stops: terminated",
		    h->run[i].pid, (unsigned long long)h->run[i].seq);
		kill(-h->run[i].pid, SIGTERM);
		if (h->run[i].fd >= 0)
			close(h->run[i].fd);
	}
	if (set->on_kill[0] && !bpf_map_lookup_elem(state_fd, &zero, &st) && st.kills >= h->next)
		say(h, LOG_WARNING, "on-kill not run for kills %llu to %llu: the ticker stops",
		    (unsigned long long)h->next, (unsigned long long)st.kills);
	sigprocmask(SIG_SETMASK, &h->mask, NULL);
	signal(SIGCHLD, SIG_DFL);
}
