/* SPDX-License-Identifier: GPL-2.0 */
/* What the running kernel and this system offer, and which path each part takes. */
#ifndef __OOMK_PROBE_H
#define __OOMK_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "oomkiller.h"

struct features {
	__u32 feat; /* OOMK_FEAT_* */
	bool fexit_meminfo, kprobe_meminfo; /* backends for si_meminfo */
	bool fexit_hooks; /* fexit on every function vfs.bpf.c hooks */
	bool denied; /* this process may not load programs: the probes say nothing */
};

void probe_features(struct features *f);
int choose_paths(const struct features *f, struct oomk_settings *set);
const char *fmt_paths(const struct oomk_settings *set, char *buf, size_t len);
const char *own_libc(void);

#endif /* __OOMK_PROBE_H */
