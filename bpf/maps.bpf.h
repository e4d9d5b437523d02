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

/*
 * The mark of a candidate, on its group leader. Its value is of no use: having task storage
 * at all is what the hot path tests, one load from task_struct, since most tasks have none.
 */
__oomk_map struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u8);
} marks SEC(".maps");

static __always_inline struct oomk_settings *oomk_settings(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&settings, &zero);
}

static __always_inline struct oomk_state *oomk_state(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&state, &zero);
}

#endif /* __MAPS_BPF_H */
