// SPDX-License-Identifier: GPL-2.0
/*
 * The ticker: calls sysinfo(2) every tick so that BPF reads what si_meminfo reports and
 * sweeps, writes each kill the BPF side logged to syslog (and to stderr under 'oomkiller
 * run', unless stderr is the journal), and probes the C libraries that new candidates map.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <bpf/bpf.h>
#include "loader.h"

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	stopping = sig;
}

/*
 * Logs the kills from the one numbered *next on, to syslog and echo (if any); one still being
 * written waits for the next tick.
 */
static void log_kills(int state_fd, int kills_fd, __u64 *next, FILE *echo)
{
	struct oomk_state st;
	struct oomk_kill k;
	__u64 lost = 0;
	char line[160];
	__u32 zero = 0;

	if (bpf_map_lookup_elem(state_fd, &zero, &st))
		return;
	while (kill_log_next(kills_fd, st.kills, next, &k, &lost) > 0) {
		fmt_kill(&k, line, sizeof(line));
		syslog(LOG_WARNING, "%s", line);
		if (echo)
			fprintf(echo, "oomkiller: %s\n", line);
	}
	if (lost)
		syslog(LOG_WARNING, "%llu kills not logged: more than %d in one tick",
		       (unsigned long long)lost, OOMK_KILL_LOG);
}

/* A candidate whose libraries were probed: found again, it is not probed again. */
struct seen {
	__u32 pid;
	__u64 start_ns;
	char comm[OOMK_COMM_LEN]; /* an exec renames it, and may bring another libc */
};

struct ticker {
	const char *pin_dir;
	int settings, state, kills, procs, marks, psi, victim;
	__u64 log_next; /* the seq of the next kill to log */
	struct seen *seen; /* candidates at the last tick */
	int nr_seen;
	struct hooks hooks;
	char metrics[OOMK_TEXT_LEN]; /* the --metrics-file written last */
	int metrics_err; /* the last error writing it, said once */
};

static bool seen_before(const struct ticker *t, const struct seen *s)
{
	for (int i = 0; i < t->nr_seen; i++)
		if (t->seen[i].pid == s->pid && t->seen[i].start_ns == s->start_ns &&
		    !memcmp(t->seen[i].comm, s->comm, sizeof(s->comm)))
			return true;
	return false;
}

/*
 * Sends a signal BPF queued (kernels without bpf_send_signal_task) to the process it judged:
 * the one pid names now if its mark holds the start time BPF saw, so that a process that took
 * a dead offender's pid is never signalled. BPF sees it go out, and logs it.
 */
/*
 * The other members of the offender pid's group or cgroup, as BPF's oomk_members lists them
 * (never a protected process), sent sig by pidfd: a pid that dies meanwhile is not reused
 * under us once its pidfd is open.
 */
static void signal_members(const struct ticker *t, __u32 pid, int sig)
{
	char pids[OOMK_MAX_PROCS], *line, *save;
	__u32 zero = 0;
	ssize_t n;

	if (bpf_map_update_elem(t->victim, &zero, &pid, BPF_ANY))
		return;
	n = read_iter(t->pin_dir, PIN_MEMBERS, pids, sizeof(pids) - 1);
	if (n < 0)
		return;
	pids[n < (ssize_t)sizeof(pids) ? n : (ssize_t)sizeof(pids) - 1] = '\0';
	for (line = strtok_r(pids, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int fd = pidfd_of(atoi(line));

		if (fd < 0)
			continue;
		syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
		close(fd);
	}
}

static void send_queued(const struct ticker *t, __u32 pid, const struct oomk_proc *p)
{
	int pidfd = pidfd_of(pid);
	struct oomk_mark m;

	if (pidfd < 0)
		return;
	if (p->queued_unit != OOMK_UNIT_PROCESS)
		signal_members(t, pid, p->queued);
	if (!bpf_map_lookup_elem(t->marks, &pidfd, &m) && m.start_ns == p->start_ns &&
	    !syscall(SYS_pidfd_send_signal, pidfd, p->queued, NULL, 0) &&
	    p->queued_unit != OOMK_UNIT_PROCESS && p->queued != SIGKILL)
		/* BPF stopped an offender of a unit at its own event: let it take the SIGTERM */
		syscall(SYS_pidfd_send_signal, pidfd, SIGCONT, NULL, 0);
	close(pidfd);
}

/*
 * Each candidate: the signal BPF queued for it, if any; the C libraries of one not seen at the
 * last tick. Those in procs now whose libc was found are kept in t->seen for the next tick: one
 * seen just after its exec, before ld.so mapped its libc, is looked at again (and so, at each
 * tick, is one that maps none, statically linked).
 */
static void visit_candidates(struct ticker *t)
{
	struct seen *now = NULL, *more;
	__u32 key, *prev = NULL;
	struct oomk_proc p;
	int n = 0, cap = 0;

	while (!bpf_map_get_next_key(t->procs, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(t->procs, &key, &p))
			continue;
		if (p.queued)
			send_queued(t, key, &p);
		if (n == cap) {
			more = realloc(now, (cap = cap * 2 + 64) * sizeof(*now));
			if (!more)
				break;
			now = more;
		}
		now[n] = (struct seen){ .pid = key, .start_ns = p.start_ns };
		memcpy(now[n].comm, p.comm, sizeof(p.comm));
		if (seen_before(t, &now[n]) || libcs_of(t->pin_dir, key) > 0)
			n++;
	}
	free(t->seen);
	t->seen = now;
	t->nr_seen = n;
}

static int metrics_to(const struct ticker *t, const char *path, char *tmp)
{
	struct snapshot s;
	int err, fd = mkostemp(tmp, O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (!f) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	err = snapshot_read(t->pin_dir, &s);
	if (!err) {
		print_metrics(f, &s);
		snapshot_free(&s);
	}
	/* node_exporter reads it as another user; the temp file's 0600 would stop it */
	if (!err && (fchmod(fd, 0644) || fflush(f) || ferror(f)))
		err = -errno ?: -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/*
 * --metrics-file: written whole under a name of its own in the same directory, then renamed
 * over it, so that node_exporter's textfile collector never reads half of it. A file given
 * before and no longer is removed; an error is said once, until another one.
 */
static void write_metrics(struct ticker *t, const char *path, FILE *echo)
{
	char tmp[OOMK_TEXT_LEN + 8];
	int err;

	if (t->metrics[0] && strcmp(t->metrics, path))
		unlink(t->metrics);
	snprintf(t->metrics, sizeof(t->metrics), "%s", path);
	if (!path[0])
		return;
	err = try_snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) ?: metrics_to(t, path, tmp);
	if (err && err != t->metrics_err) {
		syslog(LOG_ERR, "writing %s: %s", path, strerror(-err));
		if (echo)
			fprintf(echo, "oomkiller: writing %s: %s\n", path, strerror(-err));
	}
	t->metrics_err = err;
}

/*
 * Memory pressure for the PSI gate where BPF cannot read the kernel's: avg10 of the some and
 * full lines of /proc/pressure/memory, in hundredths of a percent, before BPF's reading.
 */
static void write_pressure(const struct ticker *t)
{
	FILE *f = fopen("/proc/pressure/memory", "re");
	struct oomk_psi psi = {};
	unsigned int whole, frac;
	char line[256], kind[8];
	__u32 zero = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%7s avg10=%u.%u", kind, &whole, &frac) == 3)
			psi.avg10[!strcmp(kind, "full")] = whole * 100 + frac;
	if (f)
		fclose(f);
	bpf_map_update_elem(t->psi, &zero, &psi, BPF_ANY);
}

/*
 * Every tick: the pressure, if the PSI gate needs it from here; sysinfo(2), at whose return BPF
 * reads si_meminfo and sweeps; the signals BPF queued, and new candidates' libcs; the kills
 * logged since, the metrics file and the hooks. While candidates go untracked
 * for want of room, every process is judged again, so that they get the room others left.
 * Ends on SIGINT or SIGTERM (returning it), when the install is removed or another ticker took
 * its place (returning 0); the period is read from the settings each time, so that a change of
 * --tick applies at once.
 */
int ticker_loop(const char *pin_dir, FILE *echo)
{
	const struct sigaction sa = { .sa_handler = on_stop };
	struct ticker t = { .pin_dir = pin_dir };
	struct oomk_settings set;
	struct oomk_state st = {};
	char path[PATH_MAX];
	struct sysinfo si;
	__u32 zero = 0;

	if (try_snprintf(path, sizeof(path), "%s/%s", pin_dir, PIN_SETTINGS))
		return 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	openlog("oomkiller", LOG_PID, LOG_DAEMON);
	t.settings = pinned_map(pin_dir, PIN_SETTINGS);
	t.state = pinned_map(pin_dir, PIN_STATE);
	t.kills = pinned_map(pin_dir, PIN_KILLS);
	t.procs = pinned_map(pin_dir, PIN_PROCS);
	t.marks = pinned_map(pin_dir, PIN_MARKS);
	t.psi = pinned_map(pin_dir, PIN_PSI);
	t.victim = pinned_map(pin_dir, PIN_VICTIM);
	/* kills from before this ticker started were logged, and hooked, by the one before it */
	bpf_map_lookup_elem(t.state, &zero, &st);
	t.log_next = st.kills + 1;
	hooks_init(&t.hooks, st.kills + 1, echo);
	/* install writes our pid into the settings just after forking us */
	for (int i = 0; i < 500 && !bpf_map_lookup_elem(t.settings, &zero, &set) &&
			set.ticker_pid != (__u32)getpid();
	     i++)
		usleep(10000);
	while (!stopping && !access(path, F_OK) && !bpf_map_lookup_elem(t.settings, &zero, &set) &&
	       set.ticker_pid == (__u32)getpid()) {
		if ((set.gates & OOMK_GATE_PSI) && !(set.features & OOMK_FEAT_PSI_KERNEL))
			write_pressure(&t);
		sysinfo(&si);
		visit_candidates(&t);
		log_kills(t.state, t.kills, &t.log_next, echo);
		if (!bpf_map_lookup_elem(t.state, &zero, &st) && st.untracked)
			judge_all(pin_dir);
		write_metrics(&t, set.metrics_file, echo);
		hooks_run(&t.hooks, t.state, t.kills, &set, &stopping);
	}
	/* the kills since the last tick */
	log_kills(t.state, t.kills, &t.log_next, echo);
	hooks_end(&t.hooks, t.state, &set);
	/* a ticker stopped reports nothing: its last metrics would say all is well */
	write_metrics(&t, "", echo);
	free(t.seen);
	closelog();
	close(t.settings);
	close(t.state);
	close(t.kills);
	close(t.procs);
	close(t.marks);
	close(t.psi);
	close(t.victim);
	return stopping;
}

/*
 * The lowest oom_score_adj we may set. Without CAP_SYS_RESOURCE (in a container, say) the
 * kernel refuses -1000; BPF still leaves the ticker alone, by the mark install put on it.
 */
void lower_oom_score_adj(void)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "-1000", 5) != 5 && verbose)
		p_err("keeping oom_score_adj: %s", strerror(errno));
	close(fd);
}

/*
 * A detached child that outlives install; it inherits our oom_score_adj and no BPF fds. Its
 * pid once it is named and detached (closing every other descriptor ends the pipe), so that
 * nobody sees a ticker of another name after install. -errno.
 */
int ticker_spawn(const char *pin_dir)
{
	int pid, null, ready[2], err;
	char c;

	if (pipe2(ready, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setsid();
		prctl(PR_SET_NAME, OOMK_TICKER_COMM);
		null = open("/dev/null", O_RDWR);
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close_range(STDERR_FILENO + 1, ~0U, 0);
		if (chdir("/"))
			_exit(1);
		ticker_loop(pin_dir, NULL);
		_exit(0);
	}
	err = pid < 0 ? -errno : 0;
	close(ready[1]);
	while (!err && read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	return err ?: pid;
}

/* 'oomkiller run': the installer ticks, in the foreground. */
int ticker_self(const char *pin_dir)
{
	return getpid();
}

/* Sends sig to the ticker pid: through a pidfd checked first, never to a process that took its pid. */
static int signal_ticker(const char *pin_dir, int pid, int sig)
{
	int pidfd = pidfd_of(pid), err;

	if (pidfd < 0)
		return pidfd;
	err = !(marks_of(pin_dir, pidfd) & OOMK_OWN_TICKER)	  ? -ESRCH :
	      syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) ? -errno :
								    0;
	close(pidfd);
	return err;
}

/* Stops the ticker of an install: by pidfd, if that process is still its ticker. */
void ticker_stop(const char *pin_dir, int pid)
{
	if (signal_ticker(pin_dir, pid, SIGTERM))
		return;
	for (int i = 0; i < 200 && ticker_running(pin_dir, pid); i++)
		usleep(10000);
	signal_ticker(pin_dir, pid, SIGKILL);
}
