// SPDX-License-Identifier: GPL-2.0
/*
 * The ticker: calls sysinfo(2) every tick so that BPF reads what si_meminfo reports, and
 * writes each kill the BPF side logged to syslog (and to stderr under 'oomkiller run').
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/sysinfo.h>
#include <bpf/bpf.h>
#include "loader.h"

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	stopping = sig;
}

/* Logs the kills numbered after *logged; one still being written waits for the next tick. */
static void log_kills(int state_fd, int kills_fd, __u64 *logged, bool foreground)
{
	struct oomk_state st;
	struct oomk_kill k;
	char line[160];
	__u32 zero = 0;

	if (bpf_map_lookup_elem(state_fd, &zero, &st))
		return;
	if (st.kills - *logged > OOMK_KILL_LOG) {
		syslog(LOG_WARNING, "%llu kills not logged: more than %d in one tick",
		       (unsigned long long)(st.kills - *logged - OOMK_KILL_LOG), OOMK_KILL_LOG);
		*logged = st.kills - OOMK_KILL_LOG;
	}
	while (*logged < st.kills) {
		__u32 slot = (*logged + 1) % OOMK_KILL_LOG;

		if (bpf_map_lookup_elem(kills_fd, &slot, &k) || k.seq != *logged + 1)
			return;
		fmt_kill(&k, line, sizeof(line));
		syslog(LOG_WARNING, "%s", line);
		if (foreground)
			fprintf(stderr, "oomkiller: %s\n", line);
		(*logged)++;
	}
}

/*
 * Every tick: sysinfo(2), then the kills BPF logged since. Ends on SIGINT or SIGTERM, when the
 * install is removed, or when another ticker took its place; the period is read from the
 * settings each time, so that a change of --tick applies at once.
 */
int ticker_loop(const char *pin_dir, bool foreground)
{
	const struct sigaction sa = { .sa_handler = on_stop };
	int set_fd = pinned_map(pin_dir, "settings"), state_fd = pinned_map(pin_dir, "state");
	int kills_fd = pinned_map(pin_dir, "kills");
	struct oomk_settings set;
	struct oomk_state st = {};
	char path[PATH_MAX];
	struct sysinfo si;
	__u32 zero = 0;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	openlog("oomkiller", LOG_PID, LOG_DAEMON);
	snprintf(path, sizeof(path), "%s/settings", pin_dir);
	/* kills from before this ticker started were logged by the one before it */
	bpf_map_lookup_elem(state_fd, &zero, &st);
	/* install writes our pid into the settings just after forking us */
	for (int i = 0; i < 500 && !bpf_map_lookup_elem(set_fd, &zero, &set) &&
			set.ticker_pid != (__u32)getpid();
	     i++)
		usleep(10000);
	while (!stopping && !access(path, F_OK) && !bpf_map_lookup_elem(set_fd, &zero, &set) &&
	       set.ticker_pid == (__u32)getpid()) {
		const struct timespec tick = { set.tick_ms / 1000, set.tick_ms % 1000 * 1000000L };

		/* BPF reads the result at this call's sys_exit, and sweeps if the gate opened */
		sysinfo(&si);
		log_kills(state_fd, kills_fd, &st.kills, foreground);
		nanosleep(&tick, NULL);
	}
	closelog();
	close(set_fd);
	close(state_fd);
	close(kills_fd);
	return 0;
}

/*
 * The lowest oom_score_adj we may set. Without CAP_SYS_RESOURCE (in a container, say) the
 * kernel refuses -1000; BPF still leaves the ticker alone, by its pid in the settings.
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

/* A detached child that outlives install; it inherits our oom_score_adj and no BPF fds. */
int ticker_spawn(const char *pin_dir)
{
	int pid, null;

	fflush(NULL);
	pid = fork();
	if (pid)
		return pid;
	setsid();
	prctl(PR_SET_NAME, OOMK_TICKER_COMM);
	null = open("/dev/null", O_RDWR);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	close_range(STDERR_FILENO + 1, ~0U, 0);
	if (chdir("/"))
		_exit(1);
	_exit(ticker_loop(pin_dir, false));
}

/* Stops the ticker of an install: by pid, if that pid is still an oomkiller. */
void ticker_stop(int pid)
{
	if (!ticker_running(pid))
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 200 && ticker_running(pid); i++)
		usleep(10000);
	if (ticker_running(pid))
		kill(pid, SIGKILL);
}
