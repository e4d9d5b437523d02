// SPDX-License-Identifier: GPL-2.0
/* The ticker: calls sysinfo(2) every tick, so that BPF reads what si_meminfo reports. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/sysinfo.h>
#include "loader.h"

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	stopping = sig;
}

int ticker_loop(unsigned int tick_ms)
{
	const struct timespec tick = { tick_ms / 1000, tick_ms % 1000 * 1000000L };
	const struct sigaction sa = { .sa_handler = on_stop };
	struct sysinfo si;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stopping) {
		/* BPF reads the result at this call's sys_exit; the value is of no use here */
		sysinfo(&si);
		nanosleep(&tick, NULL);
	}
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
		fprintf(stderr, "oomkiller: keeping oom_score_adj: %s\n", strerror(errno));
	close(fd);
}

/* A detached child that outlives install; it inherits our oom_score_adj and no BPF fds. */
int ticker_spawn(unsigned int tick_ms)
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
	_exit(ticker_loop(tick_ms));
}

/* Gone, or a zombie waiting for its reaper: either way it ticks no more. */
static bool ticking(int pid, const char *comm)
{
	char path[64], name[16], state;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fscanf(f, "%*d (%15[^)]) %c", name, &state);
	fclose(f);
	return n == 2 && state != 'Z' && (!comm || !strcmp(name, comm));
}

/* Stops the ticker of an install: by pid, if that pid is still an oomkiller. */
void ticker_stop(int pid)
{
	if (pid <= 0 || !(ticking(pid, OOMK_TICKER_COMM) || ticking(pid, "oomkiller")))
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 200 && ticking(pid, NULL); i++)
		usleep(10000);
	if (ticking(pid, NULL))
		kill(pid, SIGKILL);
}
