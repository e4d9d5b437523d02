/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps the BPF units share. proc.bpf.c defines them; every other unit sees extern
 * declarations that `bpftool gen object` resolves to that one definition.
 */
#ifndef __MAPS_BPF_H
#define __MAPS_BPF_H

#include "oomkiller.h"

#ifdef OOMK_DEFINE_MAPS
#define __oomk_map
#else
#define __oomk_map extern
#endif

__oomk_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OOMK_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct oomk_proc);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} procs SEC(".maps");

__oomk_map struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct oomk_settings);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} settings SEC(".maps");

__oomk_map struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct oomk_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} state SEC(".maps");

__oomk_map struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OOMK_KILL_LOG);
	__type(key, __u32);
	__type(value, struct oomk_kill);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} kills SEC(".maps");

/* Written by the ticker, read by the tools: no program uses it. */
__oomk_map struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OOMK_LIBCS);
	__type(key, __u32);
	__type(value, struct oomk_libc);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} libcs SEC(".maps");

/*
 * The mark of a candidate on its group leader. Having task storage at all is what the hot path
 * tests, one load from task_struct, since most tasks have none: candidates have a mark here,
 * oomkiller's own processes one in "own".
 */
__oomk_map struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct oomk_mark);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} marks SEC(".maps");

/* Put on by install through a pidfd: OOMK_OWN_* bits. No other process can take it over. */
__oomk_map struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} own SEC(".maps");

/* the element of a map of one */
static __always_inline void *only_elem(void *map)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(map, &zero);
}

static __always_inline struct oomk_settings *oomk_settings(void)
{
	return only_elem(&settings);
}

static __always_inline struct oomk_state *oomk_state(void)
{
	return only_elem(&state);
}

/* OOMK_OWN_* bits of task's process: 0 for every process but oomkiller's own. */
static __always_inline __u32 own_bits(struct task_struct *leader)
{
	__u32 *bits = bpf_task_storage_get(&own, leader, 0, 0);

	return bits ? *bits : 0;
}

#endif /* __MAPS_BPF_H */
