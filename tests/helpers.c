// SPDX-License-Identifier: GPL-2.0
/* What the C tests share: running binaries, waiting on them, RAM, and the pinned maps. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "test.h"

#define MAX_ARGS 32

bool test_ok;
static void *gate_ram;
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

/* argv[0] in a child; out_fd, err_fd: where its stdout and stderr go (-1: ours) */
static pid_t exec_argv(char **argv, int out_fd, int err_fd)
{
	pid_t pid = fork_child();

	if (pid)
		return pid;
	if (out_fd >= 0)
		dup2(out_fd, STDOUT_FILENO);
	if (err_fd >= 0)
		dup2(err_fd, STDERR_FILENO);
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

/* ./oomkiller ARGS --pin-dir=PIN_DIR with its stdout silenced: its exit code */
static int oomkiller_argv(const char *pin_dir, char **argv, int n, int err_fd)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC), ret;
	char pin[256];

	snprintf(pin, sizeof(pin), "--pin-dir=%s", pin_dir);
	argv[n] = pin;
	argv[n + 1] = NULL;
	ret = wait_child(exec_argv(argv, null, err_fd), 30000);
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
	return oomkiller_argv(pin_dir, argv, n, -1);
}

int oomkiller_stderr(const char *pin_dir, char *err, size_t len, ...)
{
	char *argv[MAX_ARGS] = { "./oomkiller" };
	int fd = memfd_create("stderr", MFD_CLOEXEC), n, ret;
	va_list ap;

	va_start(ap, len);
	n = collect(argv, 1, ap);
	va_end(ap);
	ret = oomkiller_argv(pin_dir, argv, n, fd);
	n = pread(fd, err, len - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	return ret;
}

pid_t spawn(const char *prog, ...)
{
	char *argv[MAX_ARGS], path[256];
	va_list ap;

	snprintf(path, sizeof(path), "%s%s", strchr(prog, '/') ? "" : ".output/tests/", prog);
	argv[0] = path;
	va_start(ap, prog);
	collect(argv, 1, ap);
	va_end(ap);
	return exec_argv(argv, -1, -1);
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

pid_t start_peer(char *port, size_t len)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t addrlen = sizeof(addr);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char buf[4096];
	pid_t pid;

	if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) || listen(s, 256) ||
	    getsockname(s, (struct sockaddr *)&addr, &addrlen))
		return -1;
	snprintf(port, len, "%d", ntohs(addr.sin_port));
	pid = fork_child();
	if (pid == 0) {
		/* a reader per connection, so that no sender ever blocks on another */
		for (int c; (c = accept(s, NULL, NULL)) >= 0; close(c)) {
			if (fork() == 0) {
				while (read(c, buf, sizeof(buf)) > 0)
					;
				_exit(0);
			}
		}
		_exit(1);
	}
	close(s);
	return pid;
}

int sh(char *out, size_t len, const char *fmt, ...)
{
	char cmd[1024];
	size_t n = 0;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (n < len - 1 && fgets(out + n, len - n, f))
		n += strlen(out + n);
	out[n] = '\0';
	return decode(pclose(f));
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

int wait_over(const char *pin_dir, pid_t pid, struct oomk_proc *p)
{
	for (int waited = 0; waited <= 5000; waited += 10) {
		if (!map_lookup(pin_dir, "procs", pid, p) && p->state == OOMK_OVER)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int wait_gate(const char *pin_dir, __u32 gate, int timeout_ms)
{
	struct oomk_state st;

	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		if (!map_lookup(pin_dir, "state", 0, &st) && st.readings && st.gate == gate)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int install_gated(const char *pin_dir, ...)
{
	char threshold[64], *argv[MAX_ARGS] = { "./oomkiller", "install", threshold, "--tick=100" };
	va_list ap;
	int n;

	snprintf(threshold, sizeof(threshold), "--mem-threshold=%llu",
		 (unsigned long long)(ram_used() + GATE_MARGIN));
	va_start(ap, pin_dir);
	n = collect(argv, 4, ap);
	va_end(ap);
	return oomkiller_argv(pin_dir, argv, n, -1);
}

int hold_gate_ram(void)
{
	if (!gate_ram)
		gate_ram = hold_ram(2 * GATE_MARGIN);
	return gate_ram ? 0 : -ENOMEM;
}

int open_gate(const char *pin_dir)
{
	return hold_gate_ram() ?: wait_gate(pin_dir, 1, 2000);
}

void close_gate(void)
{
	release_ram(gate_ram, 2 * GATE_MARGIN);
	gate_ram = NULL;
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

int run_tests(const char *suite, const struct test *tests)
{
	int passed = 0, failed = 0;
	char pin_dir[256];

	for (const struct test *t = tests; t->name; t++) {
		snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/oomk-test-%s", t->name);
		test_ok = true;
		t->fn(pin_dir);
		reap_children();
		close_gate();
		if (!access(pin_dir, F_OK))
			oomkiller(pin_dir, "uninstall", NULL);
		printf("%s %s\n", test_ok ? "ok  " : "FAIL", t->name);
		fflush(stdout);
		test_ok ? passed++ : failed++;
	}
	printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}
