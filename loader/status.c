// SPDX-License-Identifier: GPL-2.0
/* 'oomkiller status': is the install whole and alive? Exit 0 healthy, 1 not installed, 3 degraded. */
#include <dirent.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "loader.h"

/* Pinned objects under pin_dir/sub; with links, only those still holding a program. */
static int count_pins(const char *pin_dir, const char *sub, bool links)
{
	char path[PATH_MAX];
	struct dirent *e;
	int n = 0, fd;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, sub);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);

		if (e->d_type != DT_REG)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", pin_dir, sub, e->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		n += !links || (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.prog_id);
		close(fd);
	}
	closedir(d);
	return n;
}

int status(const char *pin_dir)
{
	int progs, links, err;
	struct snapshot s;
	char a[NUM_LEN], b[NUM_LEN], lim[160];
	bool healthy;

	err = snapshot_read(pin_dir, &s);
	if (err) {
		pin_err(pin_dir, err);
		return 1;
	}
	progs = count_pins(pin_dir, "progs", false);
	links = count_pins(pin_dir, "links", true);
	healthy = s.ticker_running && !s.stale && links == progs;

	printf("oomkiller at %s: %s\n", pin_dir, healthy ? "healthy" : "DEGRADED");
	printf("  programs: %d pinned, %d attached%s\n", progs, links,
	       links == progs ? "" : " (MISSING LINKS)");
	printf("  si_meminfo: %s; ticker %u %s, last reading %.1fs ago%s\n",
	       backend_name(s.set.backend), s.set.ticker_pid,
	       s.ticker_running ? "running" : "NOT RUNNING", s.age_ms / 1000.0,
	       s.stale ? " (STALE)" : "");
	printf("  gate: %s, %s of RAM used, threshold %s\n", s.st.gate ? "OPEN" : "closed",
	       fmt_size(s.st.used, a, sizeof(a)), fmt_size(s.set.mem_threshold, b, sizeof(b)));
	printf("  limits: %s\n", fmt_limits(&s.set, lim, sizeof(lim)));
	printf("  kills: %llu\n", (unsigned long long)s.st.kills);
	snapshot_free(&s);
	return healthy ? 0 : 3;
}
