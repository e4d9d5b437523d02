// SPDX-License-Identifier: GPL-2.0
/*
 * Load, attach and pin the policy so that it outlives this process; and take it away again.
 * install() goes step by step, each done by the functions above it, in this order.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "oomkiller.skel.h"
#include "cgroups.h"
#include "loader.h"

/*
 * The ids of the --cgroup paths, under the mount of the policy's hierarchy (set->cgroup_v1
 * says which, as found now): the inode numbers of their directories, which BPF compares with
 * its cgroups' kernfs ids. -errno, said.
 */
int resolve_cgroups(struct oomk_settings *set)
{
	char root[PATH_MAX], path[PATH_MAX];
	bool v1 = false;
	struct stat st;
	int err;

	err = cgroup_mount(root, sizeof(root), &v1);
	set->cgroup_v1 = v1;
	for (int i = 0; i < OOMK_PATTERNS; i++) {
		const char *rel = set->cgroup_path[i];

		set->cgroup[i] = 0;
		if (!rel[0])
			continue;
		if (err) {
			p_err("--cgroup=%s: no cgroup hierarchy is mounted", rel);
			return err;
		}
		err = try_snprintf(path, sizeof(path), "%s/%s", root, rel + (rel[0] == '/'));
		if (!err && stat(path, &st))
			err = -errno;
		if (!err && !S_ISDIR(st.st_mode))
			err = -ENOTDIR;
		if (err) {
			p_err("--cgroup=%s: %s", path, strerror(-err));
			return err;
		}
		set->cgroup[i] = st.st_ino;
	}
	return 0;
}

/* The kernel's psi_system as /proc/kallsyms has it (a data symbol: CONFIG_KALLSYMS_ALL), or 0. */
static __u64 psi_system_addr(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	unsigned long long addr, found = 0;
	char line[256], name[128];

	while (!found && f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %*c %127s", &addr, name) == 2 && !strcmp(name, "psi_system"))
			found = addr;
	if (f)
		fclose(f);
	return found;
}

/*
 * The path each part takes on this kernel (asked for, or the best it allows), into the object
 * before it loads. -EOPNOTSUPP, said, when what was asked for is not allowed.
 */
static int configure(struct oomkiller_bpf *skel, const struct opts *o, struct oomk_settings *set)
{
	struct bpf_program *vfs[] = { skel->progs.oomk_vfs_write,  skel->progs.oomk_vfs_writev,
				      skel->progs.oomk_vfs_read,   skel->progs.oomk_vfs_readv,
				      skel->progs.oomk_fd_install, skel->progs.oomk_filp_close };
	struct features f;
	int err;

	probe_features(&f);
	err = choose_paths(&f, set) ?: resolve_cgroups(set);
	if (err)
		return err;
	set->page_size = sysconf(_SC_PAGESIZE);
	skel->rodata->psi_system_addr = psi_system_addr();
	if (skel->rodata->psi_system_addr)
		set->features |= OOMK_FEAT_PSI_KERNEL;
	skel->rodata->mem_backend = set->backend;
	skel->rodata->have_signal_task = f.feat & OOMK_FEAT_SIGNAL_TASK;
	skel->rodata->have_task_iter = f.feat & OOMK_FEAT_TASK_ITER;
	skel->rodata->have_rdonly_cast = f.feat & OOMK_FEAT_RDONLY_CAST;
	bpf_map__set_max_entries(skel->maps.procs, o->max_procs);
	bpf_program__set_autoload(skel->progs.oomk_meminfo, set->backend == OOMK_MEM_FEXIT);
	bpf_program__set_autoload(skel->progs.oomk_meminfo_entry, set->backend == OOMK_MEM_KPROBE);
	bpf_program__set_autoload(skel->progs.oomk_meminfo_return, set->backend == OOMK_MEM_KPROBE);
	bpf_program__set_autoload(skel->progs.oomk_sys_exit, set->hooks == OOMK_HOOKS_SYS_EXIT);
	for (size_t i = 0; i < ARRAY_SIZE(vfs); i++)
		bpf_program__set_autoload(vfs[i], set->hooks == OOMK_HOOKS_FEXIT);
	/* where BPF cannot signal a task that is not current, the ticker sends what it queues */
	bpf_program__set_autoload(skel->progs.oomk_queued_sent, !(f.feat & OOMK_FEAT_SIGNAL_TASK));
	bpf_program__set_autoload(skel->progs.oomk_members, !(f.feat & OOMK_FEAT_SIGNAL_TASK));
	set->active = (1 << OOMK_NR_LIMITS) - 1;
	return 0;
}

static int write_settings(struct oomkiller_bpf *skel, const struct oomk_settings *set)
{
	__u32 zero = 0;

	return bpf_map__update_elem(skel->maps.settings, &zero, sizeof(zero), set, sizeof(*set), 0);
}

/* Attaches prog and pins it and its link as progs/NAME and links/NAME under pin_dir. */
static int attach_and_pin(struct bpf_program *prog, const char *pin_dir)
{
	const char *name = bpf_program__name(prog);
	char path[PATH_MAX];
	struct bpf_link *link;
	int err;

	err = try_snprintf(path, sizeof(path), "%s/%s/%s", pin_dir, PIN_PROGS, name) ?:
		      bpf_program__pin(prog, path);
	/* the uprobe is attached to each libc apart, by libc_attach() */
	if (err || !strcmp(bpf_program__section_name(prog), "uprobe"))
		return err;
	link = bpf_program__attach(prog);
	if (!link)
		return -errno;
	err = try_snprintf(path, sizeof(path), "%s/%s/%s", pin_dir, PIN_LINKS, name) ?:
		      bpf_link__pin(link, path);
	bpf_link__destroy(link); /* the pin keeps it attached */
	return err;
}

/*
 * Every program this kernel can run, pinned and attached in two rounds: the beginnings of a
 * device's transmit and of a softirq last, after their ends, so that tcp.bpf.c never sees a
 * beginning without its end. settings->progs records which, by their order in the skeleton.
 */
static int attach_all(struct oomkiller_bpf *skel, const char *pin_dir, struct oomk_settings *set)
{
	struct bpf_program *prog;
	int err;

	for (int round = 0; round < 2; round++) {
		int bit = 0;

		bpf_object__for_each_program(prog, skel->obj) {
			bool last = prog == skel->progs.oomk_xmit_begin ||
				    prog == skel->progs.oomk_softirq_begin;

			if (last == round && bpf_program__autoload(prog)) {
				err = attach_and_pin(prog, pin_dir);
				if (err) {
					p_err("attaching %s: %s", bpf_program__name(prog),
					      strerror(-err));
					return err;
				}
				set->progs |= 1ULL << bit;
			}
			bit++;
		}
	}
	return 0;
}

/*
 * Adds OOMK_OWN_* bits to those of process pid: task storage reached through a pidfd, which
 * dies with the process and which no other process can take over, as it could a pid. ('run'
 * marks itself the ticker, then the installer: both bits stay.)
 */
static int mark_own(const char *pin_dir, int pid, __u32 bits)
{
	int map = pinned_map(pin_dir, PIN_OWN), pidfd = pidfd_of(pid), err;
	__u32 had = 0;

	err = map < 0 ? map : pidfd < 0 ? pidfd : 0;
	if (!err && bpf_map_lookup_elem(map, &pidfd, &had) && errno != ENOENT)
		err = -errno;
	bits |= had;
	if (!err && bpf_map_update_elem(map, &pidfd, &bits, BPF_ANY))
		err = -errno;
	if (map >= 0)
		close(map);
	if (pidfd >= 0)
		close(pidfd);
	return err;
}

/*
 * This process judges with oomkiller's two binaries open, marked as their installer: BPF takes
 * the inodes from those descriptors, as it sees them, so no overlay can hide them. -errno.
 */
static int open_own_binaries(const char *pin_dir, struct oomk_settings *set)
{
	char path[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - sizeof("-inspect"));

	set->own_fd[0] = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	set->own_fd[1] = -1;
	if (n > 0) {
		path[n] = '\0';
		slash = strrchr(path, '/');
		strcpy(slash ? slash + 1 : path, "oomkiller-inspect");
		set->own_fd[1] = open(path, O_RDONLY | O_CLOEXEC);
	}
	return mark_own(pin_dir, getpid(), OOMK_OWN_INSTALLER);
}

static void close_own_binaries(struct oomk_settings *set)
{
	for (int i = 0; i < 2; i++) {
		if (set->own_fd[i] >= 0)
			close(set->own_fd[i]);
		set->own_fd[i] = -1;
	}
}

/* Every process judged by set, with this process marked as the installer and its binaries open. */
static int judge_as_installer(const char *pin_dir, struct oomk_settings *set)
{
	int err = open_own_binaries(pin_dir, set) ?: write_pinned_settings(pin_dir, set);

	close_own_binaries(set);
	return err;
}

/*
 * A reading of si_meminfo taken since the settings named the ticker, which it takes at once:
 * the install is whole when install exits. -errno: -ESRCH if the ticker died first.
 */
static int first_reading(const char *pin_dir, int pid, const struct timespec *since)
{
	__u64 since_ns = since->tv_sec * 1000000000ULL + since->tv_nsec;
	int fd = pinned_map(pin_dir, PIN_STATE), err = -ETIMEDOUT;
	struct oomk_state st;
	__u32 zero = 0;

	if (fd < 0)
		return fd;
	for (int waited = 0; err == -ETIMEDOUT && waited < 10000; waited += 10) {
		if (!bpf_map_lookup_elem(fd, &zero, &st) && st.reading_ns >= since_ns)
			err = 0;
		else if (!ticker_running(pin_dir, pid))
			err = -ESRCH;
		else
			usleep(10000);
	}
	close(fd);
	return err;
}

/*
 * The ticker of this install, from ticker(): a process of its own, or this one ('run'); marked
 * so that BPF and the tools know it, then the settings written, every process judged, and a
 * first reading taken. -errno.
 */
static int start_ticker(const char *pin_dir, struct oomk_settings *set, ticker_fn ticker)
{
	int pid = ticker(pin_dir), err;
	bool self = pid == getpid();
	struct timespec written;

	if (pid < 0)
		return pid;
	err = mark_own(pin_dir, pid, OOMK_OWN_TICKER | (self ? OOMK_OWN_INSTALLER : 0));
	set->ticker_pid = pid;
	set->installed = 1;
	clock_gettime(CLOCK_BOOTTIME, &written);
	err = err ?: judge_as_installer(pin_dir, set);
	if (!err && !self)
		err = first_reading(pin_dir, pid, &written);
	if (err && !self)
		ticker_stop(pin_dir, pid);
	return err;
}

static void report(const char *pin_dir, const struct oomk_settings *set, const char *libc,
		   int rand_err)
{
	const struct opts o = { .set = *set };
	char buf[160];

	printf("oomkiller: installed at %s\n", pin_dir);
	printf("  candidates: names containing %s", fmt_names(set, buf, sizeof(buf)));
	printf("; none is %s below %s of RAM used\n",
	       set->action == OOMK_ACTION_TERM ? "sent SIGTERM" : "killed",
	       opt_text(&o, opt_by_name("mem-threshold", CMD_POLICY), 0, buf, sizeof(buf)));
	printf("  gates: %s; killed: the %s\n",
	       opt_text(&o, opt_by_name("gate", CMD_POLICY), 0, buf, sizeof(buf)),
	       unit_name(set->unit));
	if (set->dry_run)
		printf("  dry run: every kill is logged, nothing is signalled\n");
	printf("  limits: %s\n", fmt_limits(set, buf, sizeof(buf)));
	if (rand_err)
		printf("  rand: no rand() in %s (%s); the ticker probes the libcs candidates map\n",
		       libc ?: "a libc", strerror(-rand_err));
	printf("  ticker pid %u every %u ms; %s\n", set->ticker_pid, set->tick_ms,
	       fmt_paths(set, buf, sizeof(buf)));
	fflush(stdout);
}

/*
 * Installed already: attach again what lost its link, and start a ticker if none runs, keeping
 * the pins, the settings and every counter. 1 when there was nothing to repair.
 */
static int repair(const char *pin_dir, ticker_fn ticker)
{
	struct oomk_settings set;
	char gone[512];
	int err, nr;

	err = pinned_settings(pin_dir, &set);
	if (err) {
		pin_err(pin_dir, err);
		return 1;
	}
	err = missing_links(pin_dir, set.progs, false, gone, sizeof(gone), &nr);
	if (!err && gone[0])
		err = missing_links(pin_dir, set.progs, true, gone, sizeof(gone), &nr);
	if (err) {
		p_err("attaching %s again: %s", gone, strerror(-err));
		return 1;
	}
	if (gone[0])
		printf("oomkiller: %s had lost links: attached %s again\n", pin_dir, gone);
	if (ticker_running(pin_dir, set.ticker_pid)) {
		if (gone[0])
			return 0;
		p_err("already installed at %s: run 'oomkiller uninstall' first", pin_dir);
		return 1;
	}
	err = start_ticker(pin_dir, &set, ticker);
	if (err) {
		p_err("restarting the ticker: %s", strerror(-err));
		return 1;
	}
	printf("oomkiller: %s had no ticker running: %s (pid %u); settings and counters kept\n",
	       pin_dir,
	       set.ticker_pid == (__u32)getpid() ? "this process ticks now" : "started a new one",
	       set.ticker_pid);
	fflush(stdout);
	return 0;
}

/* 0 once the policy is pinned and enforcing, with its ticker from ticker(); 1 on failure. */
int install(const struct opts *o, ticker_fn ticker)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .pin_root_path = o->pin_dir);
	const char *libc = o->libc ?: own_libc();
	struct oomk_settings set = o->set;
	struct oomkiller_bpf *skel = NULL;
	int lock, err, rand_err = 0, ret = 1;
	bool pinned = false;

	/* The kernel's OOM killer and ours leave OOM_SCORE_ADJ_MIN alone; the ticker inherits it. */
	lower_oom_score_adj();
	lock = pin_dir_lock(o->pin_dir, true);
	if (lock < 0)
		return 1;
	switch (pin_dir_state(o->pin_dir)) {
	case PINS_INSTALLED:
		ret = repair(o->pin_dir, ticker);
		goto cleanup;
	case PINS_PARTIAL:
		/* its installer stopped midway, and we hold the lock: nobody is finishing it */
		printf("oomkiller: %s held a half-done install: removed it\n", o->pin_dir);
		if (pin_dir_remove(o->pin_dir) || (lock = pin_dir_lock(o->pin_dir, true)) < 0)
			goto cleanup;
	}

	skel = oomkiller_bpf__open_opts(&open_opts);
	if (!skel) {
		p_err("opening the BPF object: %s", strerror(errno));
		goto cleanup;
	}
	if (configure(skel, o, &set))
		goto cleanup;
	pinned = true;
	err = oomkiller_bpf__load(skel);
	if (err) {
		p_err("loading the BPF programs: %s%s", strerror(-err),
		      verbose ? "" : " (-v shows the verifier's log)");
		goto cleanup;
	}
	if (write_settings(skel, &set)) {
		p_err("writing the settings map: %s", strerror(errno));
		goto cleanup;
	}
	if (attach_all(skel, o->pin_dir, &set))
		goto cleanup;
	rand_err = libc ? libc_attach(o->pin_dir, libc) : -ENOENT;
	/* every process judged, oomkiller's binaries learnt, before the ticker is forked */
	err = judge_as_installer(o->pin_dir, &set) ?: start_ticker(o->pin_dir, &set, ticker);
	if (err) {
		p_err("starting the ticker: %s", strerror(-err));
		goto cleanup;
	}
	report(o->pin_dir, &set, libc, rand_err);
	ret = 0;
cleanup:
	oomkiller_bpf__destroy(skel);
	if (ret && pinned)
		pin_dir_remove(o->pin_dir);
	if (lock >= 0)
		close(lock);
	return ret;
}

int uninstall(const char *pin_dir)
{
	struct oomk_settings set;
	int lock, err, ret = 1;

	lock = pin_dir_lock(pin_dir, false);
	if (lock == -ENOENT || (lock >= 0 && pin_dir_state(pin_dir) == PINS_NONE)) {
		pin_err(pin_dir, -ENOENT);
		goto cleanup;
	}
	if (lock < 0)
		return 1;
	err = pinned_settings(pin_dir, &set);
	if (err == -EPROTO)
		pin_err(pin_dir, err); /* the pins go; a ticker of that build stays */
	else if (!err && set.ticker_pid != (__u32)getpid())
		ticker_stop(pin_dir, set.ticker_pid);
	if (pin_dir_remove(pin_dir))
		goto cleanup;
	printf("oomkiller: uninstalled from %s\n", pin_dir);
	ret = 0;
cleanup:
	if (lock >= 0)
		close(lock);
	return ret;
}
