/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroup the policy means for a process: its cgroup v2, or where the memory controller
 * sits on cgroup v1, its cgroup in that hierarchy; and its memory cgroup's use and limit.
 */
#ifndef __CGROUP_BPF_H
#define __CGROUP_BPF_H

#include <bpf/bpf_core_read.h>
#include "oomkiller.h"

#define CGROUP_DEPTH 32 /* levels walked up: deeper cgroups are compared by their top 32 */

/* The memory controller's state of task's cgroup, as a kernel address (0: none). */
static __always_inline __u64 memcg_of(struct task_struct *task)
{
	int id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	struct cgroup_subsys_state *css = NULL;

	if (id >= 0 && id < 16)
		css = BPF_CORE_READ(task, cgroups, subsys[id & 15]);
	return (__u64)css;
}

/* task's cgroup in the policy's hierarchy. */
static __always_inline struct cgroup *cgroup_of(struct task_struct *task,
						const struct oomk_settings *cfg)
{
	struct cgroup_subsys_state *css = (void *)memcg_of(task);

	return cfg->cgroup_v1 ? BPF_CORE_READ(css, cgroup) : BPF_CORE_READ(task, cgroups, dfl_cgrp);
}

static __always_inline __u64 cgroup_id(struct cgroup *cgrp)
{
	return BPF_CORE_READ(cgrp, kn, id);
}

/* kernfs_node.parent became __parent in 6.15: both named here, whatever vmlinux.h has */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___old, parent))
		return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
	return BPF_CORE_READ((struct kernfs_node___new *)kn, __parent);
}

struct climb {
	struct kernfs_node *kn;
	__u64 id;
	bool found;
};

static long climb_one(__u64 i, struct climb *c)
{
	struct kernfs_node *kn = c->kn;

	if (!kn)
		return 1;
	c->found = BPF_CORE_READ(kn, id) == c->id;
	c->kn = kn_parent(kn);
	return c->found;
}

/* cgrp is the cgroup of id, or below it. */
static __always_inline bool below(struct cgroup *cgrp, __u64 id)
{
	struct climb c = { .kn = BPF_CORE_READ(cgrp, kn), .id = id };

	bpf_loop(CGROUP_DEPTH, climb_one, &c, 0);
	return c.found;
}

/* In one of the --cgroup subtrees, or there are none. */
static __always_inline bool in_scope(struct cgroup *cgrp, const struct oomk_settings *cfg)
{
	bool any = false;

	for (int i = 0; i < OOMK_PATTERNS; i++) {
		if (!cfg->cgroup[i])
			continue;
		if (below(cgrp, cfg->cgroup[i]))
			return true;
		any = true;
	}
	return !any;
}

/* The memory a memory cgroup (memcg_of()) uses, and its limit, in bytes. */
static __always_inline void memcg_usage(__u64 memcg, __u32 page_size, __u64 *used, __u64 *max)
{
	struct mem_cgroup *mem = (void *)memcg; /* its css is its first member */

	*used = BPF_CORE_READ(mem, memory.usage.counter) * page_size;
	*max = BPF_CORE_READ(mem, memory.max);
	*max = *max >= (~0ULL >> 1) / page_size ? ~0ULL : *max * page_size;
}

#endif /* __CGROUP_BPF_H */
