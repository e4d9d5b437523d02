// SPDX-License-Identifier: GPL-2.0
/* Load, attach and pin the policy so that it outlives this process; and take it away again. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "oomkiller.skel.h"
#include "loader.h"

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return verbose ? vfprintf(stderr, fmt, args) : 0;
}

/* Attaches prog and pins it and its link as progs/NAME and links/NAME under pin_dir. */
static int attach_and_pin(struct bpf_program *prog, const char *libc, const char *pin_dir)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uopts, .func_name = "rand");
	const char *name = bpf_program__name(prog);
	char path[PATH_MAX];
	struct bpf_link *link;
	int err;

	if (bpf_program__type(prog) == BPF_PROG_TYPE_KPROBE)
		link = bpf_program__attach_uprobe_opts(prog, -1, libc, 0, &uopts);
	else
		link = bpf_program__attach(prog);
	if (!link)
		return -errno;
	snprintf(path, sizeof(path), "%s/links/%s", pin_dir, name);
	err = bpf_link__pin(link, path);
	/* The pin keeps it attached; a perf link's detach would disable the uprobe under it. */
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/progs/%s", pin_dir, name);
	return bpf_program__pin(prog, path);
}

static int write_settings(struct oomkiller_bpf *skel, const struct oomk_settings *set)
{
	__u32 zero = 0;

	return bpf_map__update_elem(skel->maps.settings, &zero, sizeof(zero), set, sizeof(*set), 0);
}

static void report(const struct install_opts *o, const struct oomk_settings *set, int rand_err)
{
	char buf[160];

	printf("oomkiller: installed at %s\n", o->pin_dir);
	printf("  candidates: names containing %s", fmt_names(set, buf, sizeof(buf)));
	printf("; none is %s below %s of RAM used\n",
	       set->action == OOMK_ACTION_TERM ? "sent SIGTERM" : "killed",
	       fmt_size(set->mem_threshold, buf, sizeof(buf)));
	if (set->dry_run)
		printf("  dry run: every kill is logged, nothing is signalled\n");
	printf("  limits: %s\n", fmt_limits(set, buf, sizeof(buf)));
	if (rand_err)
		printf("  rand: no uprobe on %s: %s\n", o->libc ?: "a libc", strerror(-rand_err));
	printf("  si_meminfo: %s, ticker pid %u every %u ms\n", backend_name(set->backend),
	       set->ticker_pid, set->tick_ms);
	fflush(stdout);
}

/* This program and oomkiller-inspect beside it: BPF never makes candidates of them. */
static void own_binaries(struct oomk_settings *set)
{
	char path[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - sizeof("-inspect"));
	struct stat st;

	if (n <= 0)
		return;
	path[n] = '\0';
	for (int i = 0; i < 2; i++) {
		if (!stat(path, &st)) {
			set->own_ino[i] = st.st_ino;
			/* as the kernel keeps it in s_dev: MKDEV(major, minor) */
			set->own_dev[i] = major(st.st_dev) << 20 | minor(st.st_dev);
		}
		slash = strrchr(path, '/');
		strcpy(slash ? slash + 1 : path, "oomkiller-inspect");
	}
}

/* 'oomkiller run': the ticker in this process, until SIGINT or SIGTERM; then uninstall. */
static int tick_here(const char *pin_dir, int lock)
{
	close(lock);
	ticker_loop(pin_dir, true);
	return uninstall(pin_dir);
}

/*
 * Installed, but its ticker is not running (killed, or its 'oomkiller run' was): start a new
 * one, or be it, and keep the pins, the settings and every counter.
 */
static int restart_ticker(const char *pin_dir, bool foreground)
{
	struct oomk_settings set;
	int err;

	err = pinned_settings(pin_dir, &set);
	if (err) {
		pin_err(pin_dir, err);
		return 1;
	}
	if (ticker_running(set.ticker_pid)) {
		p_err("already installed at %s: run 'oomkiller uninstall' first", pin_dir);
		return 1;
	}
	set.ticker_pid = foreground ? getpid() : ticker_spawn(pin_dir);
	err = write_pinned_settings(pin_dir, &set);
	if (err) {
		p_err("restarting the ticker: %s", strerror(-err));
		return 1;
	}
	printf("oomkiller: %s had no ticker running: %s (pid %u); settings and counters kept\n",
	       pin_dir, foreground ? "this process ticks now" : "started a new one",
	       set.ticker_pid);
	fflush(stdout);
	return 0;
}

int install(const struct install_opts *o, bool foreground)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .pin_root_path = o->pin_dir);
	struct oomk_settings set = o->set;
	struct oomkiller_bpf *skel = NULL;
	struct bpf_program *prog;
	int lock, err, rand_err = 0, ret = 1;
	bool pinned = false;

	libbpf_set_print(libbpf_print);
	/* The kernel's OOM killer and ours leave OOM_SCORE_ADJ_MIN alone; the ticker inherits it. */
	lower_oom_score_adj();
	lock = pin_dir_lock(o->pin_dir, true);
	if (lock < 0)
		return 1;
	switch (pin_dir_state(o->pin_dir)) {
	case PINS_INSTALLED:
		ret = restart_ticker(o->pin_dir, foreground);
		if (!ret && foreground)
			return tick_here(o->pin_dir, lock);
		goto cleanup;
	case PINS_PARTIAL:
		p_err("%s holds a partial install: run 'oomkiller uninstall' first", o->pin_dir);
		goto cleanup;
	}

	skel = oomkiller_bpf__open_opts(&open_opts);
	if (!skel) {
		p_err("opening the BPF object: %s", strerror(errno));
		goto cleanup;
	}
	set.backend = fexit_can_attach("si_meminfo") ? OOMK_MEM_FEXIT : OOMK_MEM_SYSCALL;
	skel->rodata->mem_backend = set.backend;
	bpf_map__set_max_entries(skel->maps.procs, o->max_procs);
	bpf_program__set_autoload(skel->progs.oomk_meminfo, set.backend == OOMK_MEM_FEXIT);

	pinned = true;
	err = oomkiller_bpf__load(skel);
	if (err) {
		p_err("loading the BPF programs: %s%s", strerror(-err),
		      verbose ? "" : " (-v shows the verifier's log)");
		goto cleanup;
	}
	own_binaries(&set);
	set.active = (1 << OOMK_NR_LIMITS) - 1;
	/* Until the ticker exists, this process holds its place and BPF leaves it alone. */
	set.ticker_pid = getpid();
	if (write_settings(skel, &set)) {
		p_err("writing the settings map: %s", strerror(errno));
		goto cleanup;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		err = attach_and_pin(prog, o->libc, o->pin_dir);
		if (err && prog == skel->progs.oomk_rand) {
			rand_err = err;
			set.active &= ~(1 << OOMK_RAND);
		} else if (err) {
			p_err("attaching %s: %s", bpf_program__name(prog), strerror(-err));
			goto cleanup;
		}
	}

	if (!foreground) {
		err = ticker_spawn(o->pin_dir);
		if (err < 0) {
			p_err("starting the ticker: %s", strerror(errno));
			goto cleanup;
		}
		set.ticker_pid = err;
	}
	report(o, &set, rand_err);
	/*
	 * The ticker's pid in place, judge every process that was there before the fork and
	 * rename hooks: from here on this process is not shielded and does next to nothing.
	 */
	err = write_settings(skel, &set) ?: judge_all(o->pin_dir);
	if (err) {
		p_err("judging the processes: %s", strerror(-err));
		ticker_stop(set.ticker_pid);
		goto cleanup;
	}
	ret = 0;
	if (foreground) {
		oomkiller_bpf__destroy(skel);
		return tick_here(o->pin_dir, lock);
	}
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
		ticker_stop(set.ticker_pid);
	if (pin_dir_remove(pin_dir))
		goto cleanup;
	printf("oomkiller: uninstalled from %s\n", pin_dir);
	ret = 0;
cleanup:
	if (lock >= 0)
		close(lock);
	return ret;
}
