// SPDX-License-Identifier: GPL-2.0
/* 'oomkiller status': is the install whole and alive? Exit 0 healthy, 1 not installed, 3 degraded. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "loader.h"

int status(const char *pin_dir)
{
	char lim[256], gone[512], libcs[OOMK_LIBCS * 64];
	struct snapshot s;
	bool healthy;
	int err, nr;

	err = snapshot_read(pin_dir, &s);
	if (err) {
		pin_err(pin_dir, err);
		return 1;
	}
	if (missing_links(pin_dir, s.set.progs, false, gone, sizeof(gone), &nr))
		snprintf(gone, sizeof(gone), "(unknown: this build cannot open its BPF object)");
	healthy = s.ticker_running && !s.stale && !gone[0] && !s.st.untracked;

	printf("oomkiller at %s: %s\n", pin_dir, healthy ? "healthy" : "DEGRADED");
	printf("  programs: %d attached%s%s\n", nr, gone[0] ? ", MISSING: " : "", gone);
	printf("  ticker %u %s, last reading %.1fs ago%s\n", s.set.ticker_pid,
	       s.ticker_running ? "running" : "NOT RUNNING", s.age_ms / 1000.0,
	       s.stale ? " (STALE)" : "");
	printf("  paths: %s\n", fmt_paths(&s.set, lim, sizeof(lim)));
	printf("  gates: %s\n", fmt_gate_readings(&s.set, &s.st, lim, sizeof(lim)));
	printf("  limits: %s\n", fmt_limits(&s.set, lim, sizeof(lim)));
	printf("  rand() probed in: %s\n", fmt_libcs(&s, libcs, sizeof(libcs)));
	printf("  candidates: %d tracked", s.nr_procs);
	if (s.st.untracked)
		printf(", UNTRACKED %llu: procs is full (raise --max-procs)",
		       (unsigned long long)s.st.untracked);
	printf("\n  kills: %llu\n", (unsigned long long)s.st.kills);
	snapshot_free(&s);
	return healthy ? 0 : 3;
}
