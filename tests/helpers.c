// SPDX-License-Identifier: GPL-2.0
/* What the C tests share: running binaries, waiting on them, RAM, the pinned maps, cgroups. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "test.h"

#define MAX_ARGS 32

bool test_ok;
static bool test_skipped;
static char skip_reason[256];
/* RAM held to open the gate, in the pieces that were needed; what was let go of last */
#define GATE_HOLDS 16
static struct {
	void *p;
	size_t len;
} gate_held[GATE_HOLDS];
static __u64 released, used_before_release;
/* bytes the TCP sinks received, counted in their processes: shared memory */
static __u64 *received;
/* the children not reaped yet: the only processes a test may signal */
static pid_t kids[256];

pid_t fork_child(void)
{
	pid_t pid = fork();

	for (int i = 0; pid > 0 && i < 256; i++) {
		if (!kids[i]) {
			kids[i] = pid;
			break;
		}
	}
	return pid;
}

static void forget(pid_t pid)
{
	for (int i = 0; i < 256; i++)
		if (kids[i] == pid)
			kids[i] = 0;
}

/*
 * argv[0] in a child, in cgroup cg (NULL: ours) from before its exec; out_fd, err_fd: where
 * its stdout and stderr go (-1: ours)
 */
static pid_t exec_in(const struct test_cg *cg, char **argv, int out_fd, int err_fd)
{
	pid_t pid = fork_child();

	if (pid)
		return pid;
	if (out_fd >= 0)
		dup2(out_fd, STDOUT_FILENO);
	if (err_fd >= 0)
		dup2(err_fd, STDERR_FILENO);
	if (cg && cg_move(cg, 0)) {
		fprintf(stderr, "into %s: %s\n", cg->path, strerror(errno));
		_exit(126);
	}
	execv(argv[0], argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Appends the NULL-terminated arguments to argv[n...], leaving room for two more. */
static int collect(char **argv, int n, va_list ap)
{
	const char *arg;

	while ((arg = va_arg(ap, const char *)) && n < MAX_ARGS - 3)
		argv[n++] = (char *)arg;
	argv[n] = NULL;
	return n;
}

/* ./oomkiller ARGS --pin-dir=PIN_DIR in cgroup cg, its stdout silenced: its exit code */
static int oomkiller_argv(const struct test_cg *cg, const char *pin_dir, char **argv, int n,
			  int err_fd)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC), ret;
	char pin[256];

	snprintf(pin, sizeof(pin), "--pin-dir=%s", pin_dir);
	argv[n] = pin;
	argv[n + 1] = NULL;
	ret = wait_child(exec_in(cg, argv, null, err_fd), 30000);
	close(null);
	return ret;
}

int oomkiller(const char *pin_dir, ...)
{
	char *argv[MAX_ARGS] = { "./oomkiller" };
	va_list ap;
	int n;

	va_start(ap, pin_dir);
	n = collect(argv, 1, ap);
	va_end(ap);
	return oomkiller_argv(NULL, pin_dir, argv, n, -1);
}

int oomkiller_stderr(const char *pin_dir, char *err, size_t len, ...)
{
	char *argv[MAX_ARGS] = { "./oomkiller" };
	int fd = memfd_create("stderr", MFD_CLOEXEC), n, ret;
	va_list ap;

	va_start(ap, len);
	n = collect(argv, 1, ap);
	va_end(ap);
	ret = oomkiller_argv(NULL, pin_dir, argv, n, fd);
	n = pread(fd, err, len - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	return ret;
}

pid_t spawn_in(const struct test_cg *cg, const char *prog, ...)
{
	char *argv[MAX_ARGS], path[256];
	va_list ap;

	snprintf(path, sizeof(path), "%s%s", strchr(prog, '/') ? "" : ".output/tests/", prog);
	argv[0] = path;
	va_start(ap, prog);
	collect(argv, 1, ap);
	va_end(ap);
	return exec_in(cg, argv, -1, -1);
}

static int decode(int status)
{
	return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
}

pid_t wait_any(int *result)
{
	int status;
	pid_t pid = waitpid(-1, &status, WNOHANG);

	if (pid > 0) {
		forget(pid);
		*result = decode(status);
	}
	return pid;
}

int wait_child(pid_t pid, int timeout_ms)
{
	int status;

	int ret = TIMED_OUT;

	/* a fork that failed: never waitpid() or kill() -1, which mean every process */
	if (pid <= 0)
		return ret;
	for (int waited = 0; waited <= timeout_ms; waited++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			ret = decode(status);
			break;
		}
		usleep(1000);
	}
	if (ret == TIMED_OUT) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	forget(pid);
	return ret;
}

void reap_children(void)
{
	for (int i = 0; i < 256; i++) {
		if (kids[i]) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
			kids[i] = 0;
		}
	}
}

int count_entries(const char *pin_dir, const char *map)
{
	__u32 key, *prev = NULL;
	int fd = pinned_fd(pin_dir, map), n = 0;

	while (fd >= 0 && !bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		n++;
	}
	if (fd >= 0)
		close(fd);
	return n;
}

/* pid is a ticker, and not a zombie waiting for its reaper */
bool ticker_alive(pid_t pid)
{
	char path[64], comm[16] = "", state = 'Z';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fscanf(f, "%*d (%15[^)]) %c", comm, &state) != 2)
		state = 'Z';
	fclose(f);
	return state != 'Z' && !strcmp(comm, "oomkiller-tick");
}

bool alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

__u64 ram_used(void)
{
	struct sysinfo si;

	sysinfo(&si);
	return (__u64)(si.totalram - si.freeram) * si.mem_unit;
}

void *hold_ram(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void release_ram(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

/* A socket listening on addr (IPv4 or IPv6), any port: its fd and that port, or -1. */
static int listen_on(const char *addr, __u16 *port)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in in = { .sin_family = AF_INET };
	bool v6 = inet_pton(AF_INET6, addr, &in6.sin6_addr) == 1;
	struct sockaddr *sa = v6 ? (struct sockaddr *)&in6 : (struct sockaddr *)&in;
	socklen_t len = v6 ? sizeof(in6) : sizeof(in);
	int s;

	if (!v6 && inet_pton(AF_INET, addr, &in.sin_addr) != 1)
		return -1;
	s = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, sa, len) || listen(s, 256) || getsockname(s, sa, &len)) {
		close(s);
		return -1;
	}
	*port = ntohs(v6 ? in6.sin6_port : in.sin_port);
	return s;
}

/* The sink's process: in netns, listening on addr; tells its port through report. */
static void __attribute__((noreturn)) peer(const char *netns, const char *addr, int report)
{
	char path[256], buf[4096];
	__u16 port = 0;
	ssize_t n;
	int s, ns;

	snprintf(path, sizeof(path), "/run/netns/%s", netns ?: "");
	ns = netns ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (netns && (ns < 0 || setns(ns, CLONE_NEWNET)))
		_exit(1);
	s = listen_on(addr, &port);
	if (write(report, &port, sizeof(port)) != sizeof(port) || s < 0)
		_exit(1);
	close(report);
	/* a reader per connection, so that no sender ever blocks on another */
	for (int c; (c = accept(s, NULL, NULL)) >= 0; close(c)) {
		if (fork() == 0) {
			while ((n = read(c, buf, sizeof(buf))) > 0)
				__atomic_fetch_add(received, n, __ATOMIC_RELAXED);
			_exit(0);
		}
	}
	_exit(1);
}

pid_t start_peer_at(const char *netns, const char *addr, char *port, size_t len)
{
	__u16 p = 0;
	int fds[2];
	pid_t pid;

	if (!received) {
		received = mmap(NULL, sizeof(*received), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (received == MAP_FAILED)
			received = NULL;
	}
	if (!received || pipe2(fds, O_CLOEXEC))
		return -1;
	*received = 0;
	pid = fork_child();
	if (pid == 0)
		peer(netns, addr, fds[1]);
	close(fds[1]);
	/* the port comes once it listens: no sender can connect too early */
	if (read(fds[0], &p, sizeof(p)) != sizeof(p) || !p) {
		wait_child(pid, 1000);
		pid = -1;
	}
	close(fds[0]);
	snprintf(port, len, "%u", p);
	return pid;
}

pid_t start_peer(char *port, size_t len)
{
	return start_peer_at(NULL, "127.0.0.1", port, len);
}

__u64 peer_received(void)
{
	return received ? __atomic_load_n(received, __ATOMIC_RELAXED) : 0;
}

int sh_until(char *out, size_t len, int rc, const char *fmt, ...)
{
	char cmd[1024];
	int ret = -1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	for (int waited = 0; waited <= 10000; waited += 20) {
		size_t n = 0;
		FILE *f = popen(cmd, "r");

		if (!f)
			return -1;
		while (n < len - 1 && fgets(out + n, len - n, f))
			n += strlen(out + n);
		out[n] = '\0';
		ret = decode(pclose(f));
		if (rc == SH_ANY || ret == rc)
			break;
		usleep(20000);
	}
	return ret;
}

bool logged_kill(const char *pin_dir, pid_t pid, const char *limit, int value)
{
	char out[4096];

	return !sh(out, sizeof(out),
		   "./oomkiller-inspect --pin-dir=%s --json | jq -en 'input | .kills | "
		   "map(select(.pid == %d)) | length == 1 and .[0].limit == \"%s\" and "
		   "(%d == 0 or .[0].value == %d)'",
		   pin_dir, pid, limit, value, value);
}

int pinned_fd(const char *pin_dir, const char *map)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", pin_dir, map);
	return bpf_obj_get(path);
}

int map_lookup(const char *pin_dir, const char *map, __u32 key, void *value)
{
	int fd = pinned_fd(pin_dir, map), err;

	if (fd < 0)
		return -errno;
	err = bpf_map_lookup_elem(fd, &key, value) ? -errno : 0;
	close(fd);
	return err;
}

int wait_state(const char *pin_dir, pid_t pid, __u32 state, struct oomk_proc *p)
{
	for (int waited = 0; waited <= 5000; waited += 10) {
		if (!map_lookup(pin_dir, PIN_PROCS, pid, p) && p->state == state)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

__u64 proc_count(const struct oomk_proc *p, int limit)
{
#if OOMK_SCHEMA >= 5
	return p->count[limit];
#else
	/*
	 * Before schema 5 the counters were fields, fds to tcp_segs in the order of the limits:
	 * the tests build against such a tree too, to show what failed there.
	 */
	return (&p->fds)[limit];
#endif
}

int wait_count(const char *pin_dir, pid_t pid, int limit, __u64 min, struct oomk_proc *p)
{
	for (int waited = 0; waited <= 5000; waited += 10) {
		if (!map_lookup(pin_dir, PIN_PROCS, pid, p) && proc_count(p, limit) >= min)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int wait_readings(const char *pin_dir, int n)
{
	struct oomk_state st;
	__u64 first;

	if (map_lookup(pin_dir, PIN_STATE, 0, &st))
		return -ENOENT;
	first = st.readings;
	for (int waited = 0; waited <= 5000; waited += 5) {
		if (!map_lookup(pin_dir, PIN_STATE, 0, &st) && st.readings >= first + n)
			return 0;
		usleep(5000);
	}
	return -ETIMEDOUT;
}

int wait_comm(pid_t pid, const char *comm)
{
	char path[64], now[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	for (int waited = 0; waited <= 5000; waited++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC), n;

		n = fd < 0 ? 0 : read(fd, now, sizeof(now) - 1);
		close(fd);
		now[n > 0 ? n - 1 : 0] = '\0';
		if (!strcmp(now, comm))
			return 0;
		if (fd < 0)
			break;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

int count_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

const char *table_row(const char *table, pid_t pid, char *line, size_t len)
{
	const char *l;
	char key[16];

	snprintf(key, sizeof(key), "\n%7d ", pid);
	l = strstr(table, key);
	snprintf(line, len, "%.*s", l ? (int)strcspn(l + 1, "\n") : 0, l ? l + 1 : "");
	return l;
}

/* The hierarchy of the test cgroups: where it is mounted, and its version (0: none found). */
static struct {
	char root[128];
	int version;
	bool looked;
	bool enabled; /* we turned the memory controller on in the v2 root's subtree_control */
} hier;
/* the cgroups made and not removed yet, oldest first */
#define MAX_CGROUPS 16
static char made[MAX_CGROUPS][256];

/* The word word is one of the space-separated words of file's first line. */
static bool has_word(const char *file, const char *word)
{
	char line[512], *w, *save = NULL;
	bool found = false;
	FILE *f = fopen(file, "re");

	if (!f)
		return false;
	if (fgets(line, sizeof(line), f))
		for (w = strtok_r(line, " \n", &save); w && !found;
		     w = strtok_r(NULL, " \n", &save))
			found = !strcmp(w, word);
	fclose(f);
	return found;
}

int cg_version(void)
{
	char controllers[256];
	struct mntent *m;
	FILE *f;

	if (hier.looked)
		return hier.version;
	hier.looked = true;
	f = setmntent("/proc/self/mounts", "re");
	while (f && (m = getmntent(f))) {
		snprintf(controllers, sizeof(controllers), "%s/cgroup.controllers", m->mnt_dir);
		/* v2 wins: where memory is on v2 the policy means v2, as the product does */
		if (!strcmp(m->mnt_type, "cgroup2") && has_word(controllers, "memory")) {
			snprintf(hier.root, sizeof(hier.root), "%s", m->mnt_dir);
			hier.version = 2;
			break;
		}
		if (!strcmp(m->mnt_type, "cgroup") && hasmntopt(m, "memory")) {
			snprintf(hier.root, sizeof(hier.root), "%s", m->mnt_dir);
			hier.version = 1;
		}
	}
	if (f)
		endmntent(f);
	return hier.version;
}

int cg_make(struct test_cg *cg, const struct test_cg *parent, const char *name)
{
	int i = 0, n;

	if (!cg_version())
		return -ENOENT;
	if (parent)
		n = snprintf(cg->path, sizeof(cg->path), "%s/%s", parent->path, name);
	else
		n = snprintf(cg->path, sizeof(cg->path), "%s/oomk-test-%d-%s", hier.root, getpid(),
			     name);
	if (n >= (int)sizeof(cg->path))
		return -ENAMETOOLONG;
	cg->rel = cg->path + strlen(hier.root) + 1;
	while (i < MAX_CGROUPS && made[i][0])
		i++;
	if (i == MAX_CGROUPS)
		return -ENOSPC;
	if (mkdir(cg->path, 0755))
		return -errno;
	snprintf(made[i], sizeof(made[i]), "%s", cg->path);
	return 0;
}

/* Writes text to file: 0, or -errno. */
static int write_file(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		err = -errno;
	close(fd);
	return err;
}

int cg_move(const struct test_cg *cg, pid_t pid)
{
	char file[300], text[16];

	snprintf(file, sizeof(file), "%s/cgroup.procs", cg->path);
	snprintf(text, sizeof(text), "%d", pid ?: getpid());
	return write_file(file, text);
}

bool cg_holds(const struct test_cg *cg, pid_t pid)
{
	char file[64], line[512], want[300];
	bool found = false;
	FILE *f;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", pid);
	snprintf(want, sizeof(want), "/%s\n", cg->rel);
	f = fopen(file, "re");
	/* "0::/PATH" on v2; on v1 "N:CONTROLLERS:/PATH", memory among the controllers */
	while (f && !found && fgets(line, sizeof(line), f)) {
		char *ctl = strchr(line, ':'), *path = ctl ? strchr(ctl + 1, ':') : NULL;

		if (!path || (hier.version == 2) != (path == ctl + 1))
			continue;
		*path = '\0';
		if (hier.version == 1 && !strstr(ctl + 1, "memory"))
			continue;
		found = !strcmp(path + 1, want);
	}
	if (f)
		fclose(f);
	return found;
}

int cg_limit(const struct test_cg *cg, bool high, __u64 bytes)
{
	char file[300], text[32], parent[300];
	const char *name = hier.version == 1 ? "memory.limit_in_bytes" :
			   high		     ? "memory.high" :
					       "memory.max";
	int err, len = strrchr(cg->path, '/') - cg->path;

	if (high && hier.version == 1)
		return -EOPNOTSUPP;
	snprintf(file, sizeof(file), "%s/%s", cg->path, name);
	snprintf(text, sizeof(text), "%llu", (unsigned long long)bytes);
	/*
	 * On v2 a cgroup has memory files once its parent hands the controller down, which a
	 * parent holding processes cannot: only cgroups that are given limits ask for it.
	 */
	if (hier.version == 2 && access(file, F_OK)) {
		snprintf(parent, sizeof(parent), "%.*s/cgroup.subtree_control", len, cg->path);
		err = write_file(parent, "+memory");
		if (err)
			return err;
		/* the root's is the system's: handed back once the test cgroups are gone */
		hier.enabled |= len == (int)strlen(hier.root);
	}
	return write_file(file, text);
}

int cg_count(const struct test_cg *cg)
{
	char file[300], line[32];
	int n = 0;
	FILE *f;

	snprintf(file, sizeof(file), "%s/cgroup.procs", cg->path);
	f = fopen(file, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

__u64 cg_usage(const struct test_cg *cg)
{
	char file[300];
	unsigned long long n = 0;
	FILE *f;

	snprintf(file, sizeof(file), "%s/%s", cg->path,
		 hier.version == 1 ? "memory.usage_in_bytes" : "memory.current");
	f = fopen(file, "re");
	if (f && fscanf(f, "%llu", &n) != 1)
		n = 0;
	if (f)
		fclose(f);
	return n;
}

void cg_cleanup(void)
{
	char root[300];

	for (int i = MAX_CGROUPS - 1; i >= 0; i--) {
		if (!made[i][0])
			continue;
		/* its last processes (a ticker that uninstall killed) may still be exiting */
		for (int waited = 0; rmdir(made[i]) && errno == EBUSY && waited < 3000;
		     waited += 10)
			usleep(10000);
		if (!access(made[i], F_OK))
			fprintf(stderr, "  cgroup %s: cannot remove it: %s\n", made[i],
				strerror(errno));
		made[i][0] = '\0';
	}
	if (hier.enabled) {
		snprintf(root, sizeof(root), "%s/cgroup.subtree_control", hier.root);
		write_file(root, "-memory");
		hier.enabled = false;
	}
}

/* a reading whose gate bits of mask are want */
static int wait_gate_bits(const char *pin_dir, __u32 mask, __u32 want, int timeout_ms)
{
	struct oomk_state st;

	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		if (!map_lookup(pin_dir, PIN_STATE, 0, &st) && st.readings &&
		    (st.gate & mask) == want)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int wait_gate(const char *pin_dir, __u32 gate, int timeout_ms)
{
	return wait_gate_bits(pin_dir, OOMK_GATE_RAM | gate, gate, timeout_ms);
}

/*
 * RAM let go of can go on counting as used for seconds: a hypervisor that takes freed pages
 * back (free page reporting) keeps them out of the free lists until it has them, 10 s for a
 * GiB on some machines, and meanwhile RAM used is off by that much. Before it is measured again,
 * wait until at least half of what was let go of is free again.
 */
static void settle(void)
{
	for (int waited = 0; released && waited < 60000; waited += 10) {
		if (ram_used() + released / 2 <= used_before_release)
			break;
		usleep(10000);
	}
	released = 0;
}

/* ./oomkiller install --tick=100, the gate at threshold (bytes of RAM used), ARGS, in cg */
int install_in(const struct test_cg *cg, const char *pin_dir, __u64 threshold, ...)
{
	char arg[64], *argv[MAX_ARGS] = { "./oomkiller", "install", arg, "--tick=100" };
	va_list ap;
	int err, n;

	snprintf(arg, sizeof(arg), "--mem-threshold=%llu", (unsigned long long)threshold);
	va_start(ap, threshold);
	n = collect(argv, 4, ap);
	va_end(ap);
	err = oomkiller_argv(cg, pin_dir, argv, n, -1);
	/* at 0 the gate is open from the first reading on: wait for it */
	return err || threshold ? err : wait_gate(pin_dir, OOMK_GATE_RAM, 10000) ? -ETIMEDOUT : 0;
}

__u64 gated_threshold(void)
{
	settle();
	return ram_used() + GATE_MARGIN;
}

/* A reading of si_meminfo taken from now on: 0 and it in st, or -ETIMEDOUT. */
static int fresh_reading(const char *pin_dir, struct oomk_state *st)
{
	struct timespec ts;
	__u64 now;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	/* a tick is 100 ms in the tests: 10 s is for a machine that stalls */
	for (int waited = 0; waited <= 10000; waited += 10) {
		if (!map_lookup(pin_dir, PIN_STATE, 0, st) && st->reading_ns >= now)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/* Holds bytes more, touched: 0, or -ENOMEM. */
static int hold_more(size_t bytes)
{
	for (int i = 0; i < GATE_HOLDS; i++) {
		if (gate_held[i].p)
			continue;
		gate_held[i].p = hold_ram(bytes);
		gate_held[i].len = bytes;
		return gate_held[i].p ? 0 : -ENOMEM;
	}
	return -ENOMEM;
}

/*
 * What the threshold still asks, held and touched, then measured again while it is not enough:
 * RAM used moves with everything else (per-CPU lists keep freed pages without counting them
 * free, processes come and go), so a margin over the threshold too.
 */
int hold_gate_ram(const char *pin_dir)
{
	struct oomk_settings set;
	int err = map_lookup(pin_dir, PIN_SETTINGS, 0, &set);

	settle();
	while (!err && ram_used() < set.mem_threshold + GATE_MARGIN / 2)
		err = hold_more(set.mem_threshold + GATE_MARGIN - ram_used());
	return err;
}

/*
 * The threshold set just over RAM used now, then RAM held over it until a reading finds the
 * gate open: measured when it is opened, it does not depend on what RAM did since install.
 */
int open_gate(const char *pin_dir)
{
	struct oomk_state st = {};
	char arg[64];
	int err;

	settle();
	snprintf(arg, sizeof(arg), "--mem-threshold=%llu",
		 (unsigned long long)(ram_used() + GATE_MARGIN / 4));
	err = oomkiller(pin_dir, "config", arg, NULL) ? -EINVAL : 0;
	/* the RAM gate, whatever the other gates (--gate) say */
	for (int i = 0; !err && i < GATE_HOLDS && !(st.gate & OOMK_GATE_RAM); i++)
		err = hold_gate_ram(pin_dir) ?: fresh_reading(pin_dir, &st);
	if (!err && !(st.gate & OOMK_GATE_RAM))
		err = -ENOMEM;
	if (err)
		fprintf(stderr, "  open_gate: %s: %s, reading %llu, used now %llu\n",
			strerror(-err), arg, (unsigned long long)st.used,
			(unsigned long long)ram_used());
	return err;
}

/* What RAM held stays held: let go of, it would count as used for seconds still (settle()). */
int close_gate(const char *pin_dir)
{
	char arg[64];

	snprintf(arg, sizeof(arg), "--mem-threshold=%llu", GATE_NEVER);
	return oomkiller(pin_dir, "config", arg, NULL) ? -EINVAL : wait_gate(pin_dir, 0, 10000);
}

void release_gate_ram(void)
{
	__u64 used = ram_used();

	for (int i = 0; i < GATE_HOLDS; i++) {
		if (!gate_held[i].p)
			continue;
		release_ram(gate_held[i].p, gate_held[i].len);
		gate_held[i].p = NULL;
		released += gate_held[i].len;
		used_before_release = used;
	}
}

/* Links whose program is one of ours (oomk_*), wherever they are pinned. */
int links_attached(void)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info link = {};
		struct bpf_prog_info prog = {};
		__u32 len = sizeof(link);
		int fd = bpf_link_get_fd_by_id(id), pfd;

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &link, &len)) {
			pfd = bpf_prog_get_fd_by_id(link.prog_id);
			len = sizeof(prog);
			if (pfd >= 0 && !bpf_obj_get_info_by_fd(pfd, &prog, &len))
				n += !strncmp(prog.name, "oomk_", 5);
			if (pfd >= 0)
				close(pfd);
		}
		close(fd);
	}
	return n;
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
	va_end(ap);
	test_skipped = true;
}

/* -t LIST: the tests whose name contains one of LIST's comma-separated words. */
static bool selected(const char *name, const char *list)
{
	char words[256], *word, *save;

	if (!list)
		return true;
	snprintf(words, sizeof(words), "%s", list);
	for (word = strtok_r(words, ",", &save); word; word = strtok_r(NULL, ",", &save))
		if (strstr(name, word))
			return true;
	return false;
}

static void usage(const char *suite)
{
	fprintf(stderr,
		"usage: %s [-t NAME[,NAME...]] [-l]\n"
		"  -t  run only the tests whose name contains one of the NAMEs\n"
		"  -l  list the tests\n",
		suite);
}

int run_tests(int argc, char **argv, const struct test *tests)
{
	const char *suite = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int passed = 0, failed = 0, skipped = 0, c;
	struct timespec start, end;
	const char *only = NULL;
	char pin_dir[256];
	double secs;

	while ((c = getopt(argc, argv, "t:lh")) != -1) {
		switch (c) {
		case 't':
			only = optarg;
			break;
		case 'l':
			for (const struct test *t = tests; t->name; t++)
				printf("%s\n", t->name);
			return 0;
		case 'h':
			usage(suite);
			return 0;
		default:
			usage(suite);
			return 2;
		}
	}
	for (const struct test *t = tests; t->name; t++) {
		if (!selected(t->name, only))
			continue;
		snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/oomk-test-%s", t->name);
		test_ok = true;
		test_skipped = false;
		clock_gettime(CLOCK_MONOTONIC, &start);
		t->fn(pin_dir);
		reap_children();
		release_gate_ram();
		if (!access(pin_dir, F_OK))
			oomkiller(pin_dir, "uninstall", NULL);
		cg_cleanup();
		clock_gettime(CLOCK_MONOTONIC, &end);
		secs = end.tv_sec - start.tv_sec + (end.tv_nsec - start.tv_nsec) / 1e9;
		if (!test_ok) {
			printf("FAIL %s (%.1f s)\n", t->name, secs);
			failed++;
		} else if (test_skipped) {
			printf("skip %s: %s\n", t->name, skip_reason);
			skipped++;
		} else {
			printf("ok   %s (%.1f s)\n", t->name, secs);
			passed++;
		}
		fflush(stdout);
	}
	printf("%s: %d passed, %d failed, %d skipped\n", suite, passed, failed, skipped);
	return failed ? 1 : 0;
}
