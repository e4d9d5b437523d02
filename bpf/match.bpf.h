/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who a process is beyond its 15-byte comm: the path of the file it executes and the command
 * line it was started with, read with CO-RE, and the patterns of the settings they contain.
 */
#ifndef __MATCH_BPF_H
#define __MATCH_BPF_H

#include <bpf/bpf_core_read.h>
#include "maps.bpf.h"

#define PATH_DEPTH 32 /* directories walked up from a file: deeper paths are cut at the top */

/* A text as long as OOMK_TEXT_LEN, with room for a pattern's compare past its end. */
struct text {
	char s[2 * OOMK_TEXT_LEN];
	__u32 len;
};

/* Scratch for the texts of one judging: too big for the BPF stack. */
struct scratch {
	struct text exe;
	struct text cmdline;
	const unsigned char *name[PATH_DEPTH];
	__u32 name_len[PATH_DEPTH];
};

__oomk_map struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* OOMK_WHY_CMDLINE and OOMK_NOT_CMDLINE by tgid, as oomk_read_args found them for judging. */
__oomk_map struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OOMK_MAX_PROCS);
	__type(key, __u32);
	__type(value, __u32);
} arg_why SEC(".maps");

static __always_inline struct scratch *scratch_space(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

/*
 * The absolute path of file, as from the root of all mounts: its dentries' names walked up,
 * crossing each mount to where it is mounted, written out from the top.
 */
static __always_inline void file_path(struct scratch *sc, struct file *file)
{
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry), *parent;
	struct vfsmount *vfs = BPF_CORE_READ(file, f_path.mnt);
	__u64 mnt_off = bpf_core_field_offset(struct mount, mnt);
	struct mount *m = (void *)vfs - mnt_off, *up;
	__u32 n = 0, len = 0;

	for (int i = 0; i < PATH_DEPTH + 8 && n < PATH_DEPTH; i++) {
		parent = BPF_CORE_READ(d, d_parent);
		if (d == BPF_CORE_READ(vfs, mnt_root) || d == parent) {
			up = BPF_CORE_READ(m, mnt_parent);
			if (up == m || !up)
				break; /* the root of all mounts */
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = up;
			vfs = (void *)m + mnt_off;
			continue;
		}
		sc->name[n & (PATH_DEPTH - 1)] = BPF_CORE_READ(d, d_name.name);
		sc->name_len[n & (PATH_DEPTH - 1)] = BPF_CORE_READ(d, d_name.len);
		n++;
		d = parent;
	}
	for (int i = PATH_DEPTH - 1; i >= 0; i--) {
		__u32 l = sc->name_len[i & (PATH_DEPTH - 1)];

		if (i >= n || len >= OOMK_TEXT_LEN - 1)
			continue;
		sc->exe.s[len & (OOMK_TEXT_LEN - 1)] = '/';
		len++;
		if (l > OOMK_TEXT_LEN - 1 - len)
			l = OOMK_TEXT_LEN - 1 - len;
		bpf_probe_read_kernel(&sc->exe.s[len & (OOMK_TEXT_LEN - 1)], l & (OOMK_TEXT_LEN - 1),
				      sc->name[i & (PATH_DEPTH - 1)]);
		len += l;
	}
	sc->exe.s[len & (2 * OOMK_TEXT_LEN - 1)] = '\0';
	sc->exe.len = len;
}

/* The bytes of task's command line that are read: at most OOMK_TEXT_LEN - 1. */
static __always_inline long arg_len(struct task_struct *task)
{
	long len = BPF_CORE_READ(task, mm, arg_end) - BPF_CORE_READ(task, mm, arg_start);

	return len < 0 ? 0 : len > OOMK_TEXT_LEN - 1 ? OOMK_TEXT_LEN - 1 : len;
}

/* The command line, its arguments joined by spaces, at most OOMK_TEXT_LEN - 1 bytes. */
static __always_inline void spaces_between(struct text *t, long got)
{
	t->len = got > 0 ? got : 0;
	if (t->len > OOMK_TEXT_LEN - 1)
		t->len = OOMK_TEXT_LEN - 1;
	for (__u32 i = 0; i < OOMK_TEXT_LEN; i++) {
		if (i >= t->len)
			t->s[i] = '\0';
		else if (!t->s[i])
			t->s[i] = ' ';
	}
	/* the last argument's NUL, made a space, would end it in one */
	for (__u32 i = 0; i < OOMK_TEXT_LEN && t->len; i++) {
		if (t->s[(t->len - 1) & (OOMK_TEXT_LEN - 1)] != ' ')
			break;
		t->s[--t->len & (OOMK_TEXT_LEN - 1)] = '\0';
	}
}

struct find {
	const char *text;
	const char *pat;
	bool found;
};

static long find_at(__u64 i, struct find *f)
{
	for (__u32 j = 0; j < OOMK_MATCH_LEN; j++) {
		char c = f->pat[j];

		if (!c) {
			f->found = true;
			return 1;
		}
		if (f->text[(i + j) & (2 * OOMK_TEXT_LEN - 1)] != c)
			return 0;
	}
	return 0;
}

/* t contains one of the (up to OOMK_PATTERNS) patterns of list. */
static __always_inline bool contains_any(const struct text *t,
					 const char list[OOMK_PATTERNS][OOMK_MATCH_LEN])
{
	struct find f = { .text = t->s };

	for (int i = 0; i < OOMK_PATTERNS && !f.found; i++) {
		if (!list[i][0])
			continue;
		f.pat = list[i];
		bpf_loop(t->len, find_at, &f, 0);
	}
	return f.found;
}

/* OOMK_WHY_EXE and _CMDLINE, OOMK_NOT_*: what the texts read into sc match in cfg. */
static __always_inline __u32 text_why(const struct scratch *sc, const struct oomk_settings *cfg)
{
	return (contains_any(&sc->exe, cfg->exe) ? OOMK_WHY_EXE : 0) |
	       (contains_any(&sc->exe, cfg->exclude_exe) ? OOMK_NOT_EXE : 0) |
	       (contains_any(&sc->cmdline, cfg->cmdline) ? OOMK_WHY_CMDLINE : 0) |
	       (contains_any(&sc->cmdline, cfg->exclude_cmdline) ? OOMK_NOT_CMDLINE : 0);
}

#endif /* __MATCH_BPF_H */
