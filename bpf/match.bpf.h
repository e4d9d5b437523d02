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
	return only_elem(&scratch);
}

struct walk {
	struct scratch *sc;
	struct dentry *d;
	struct mount *m;
	__u64 mnt_off; /* of struct vfsmount in struct mount */
	__u32 n; /* names taken */
	__u32 len; /* bytes written */
};

/* One step up from w->d: its name taken, or the mount crossed to where it is mounted. */
static long walk_up(__u64 i, struct walk *w)
{
	struct vfsmount *vfs = (void *)w->m + w->mnt_off;
	struct dentry *d = w->d, *parent = BPF_CORE_READ(d, d_parent);
	struct mount *m = w->m, *up;

	if (w->n >= PATH_DEPTH)
		return 1;
	if (d == BPF_CORE_READ(vfs, mnt_root) || d == parent) {
		up = BPF_CORE_READ(m, mnt_parent);
		if (up == m || !up)
			return 1; /* the root of all mounts */
		w->d = BPF_CORE_READ(m, mnt_mountpoint);
		w->m = up;
		return 0;
	}
	w->sc->name[w->n & (PATH_DEPTH - 1)] = BPF_CORE_READ(d, d_name.name);
	w->sc->name_len[w->n & (PATH_DEPTH - 1)] = BPF_CORE_READ(d, d_name.len);
	w->n++;
	w->d = parent;
	return 0;
}

/* The i-th name from the top, after a '/', as far as OOMK_TEXT_LEN - 1 bytes go. */
static long write_down(__u64 i, struct walk *w)
{
	__u32 at = (w->n - 1 - i) & (PATH_DEPTH - 1), len = w->sc->name_len[at];

	if (w->len >= OOMK_TEXT_LEN - 1)
		return 1;
	w->sc->exe.s[w->len & (OOMK_TEXT_LEN - 1)] = '/';
	w->len++;
	if (len > OOMK_TEXT_LEN - 1 - w->len)
		len = OOMK_TEXT_LEN - 1 - w->len;
	bpf_probe_read_kernel(&w->sc->exe.s[w->len & (OOMK_TEXT_LEN - 1)],
			      len & (OOMK_TEXT_LEN - 1), w->sc->name[at]);
	w->len += len;
	return 0;
}

/*
 * The absolute path of file, as from the root of all mounts: its dentries' names walked up,
 * crossing each mount to where it is mounted, then written out from the top.
 */
static __always_inline void file_path(struct scratch *sc, struct file *file)
{
	struct walk w = { .sc = sc, .mnt_off = bpf_core_field_offset(struct mount, mnt) };

	w.d = BPF_CORE_READ(file, f_path.dentry);
	w.m = (void *)BPF_CORE_READ(file, f_path.mnt) - w.mnt_off;
	bpf_loop(PATH_DEPTH + 8, walk_up, &w, 0);
	bpf_loop(w.n, write_down, &w, 0);
	sc->exe.s[w.len & (OOMK_TEXT_LEN - 1)] = '\0';
	sc->exe.len = w.len;
}

/* The bytes of task's command line that are read: at most OOMK_TEXT_LEN - 1. */
static __always_inline long arg_len(struct task_struct *task)
{
	long len = BPF_CORE_READ(task, mm, arg_end) - BPF_CORE_READ(task, mm, arg_start);

	return len < 0 ? 0 : len > OOMK_TEXT_LEN - 1 ? OOMK_TEXT_LEN - 1 : len;
}

struct spaces {
	struct text *t;
};

static long space_at(__u64 i, struct spaces *sp)
{
	struct text *t = sp->t;

	if (i >= t->len)
		t->s[i & (OOMK_TEXT_LEN - 1)] = '\0';
	else if (!t->s[i & (OOMK_TEXT_LEN - 1)])
		t->s[i & (OOMK_TEXT_LEN - 1)] = ' ';
	return 0;
}

/*
 * The got bytes of a command line read into t, its arguments joined by spaces, at most
 * OOMK_TEXT_LEN - 1 bytes: the last argument's NUL, made a space, is taken off.
 */
static __always_inline void spaces_between(struct text *t, long got)
{
	struct spaces sp = { .t = t };

	t->len = got > 0 ? got : 0;
	if (t->len > OOMK_TEXT_LEN - 1)
		t->len = OOMK_TEXT_LEN - 1;
	bpf_loop(OOMK_TEXT_LEN, space_at, &sp, 0);
	if (t->len && t->s[(t->len - 1) & (OOMK_TEXT_LEN - 1)] == ' ')
		t->s[--t->len & (OOMK_TEXT_LEN - 1)] = '\0';
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

typedef char patterns_t[OOMK_PATTERNS][OOMK_MATCH_LEN];

/*
 * t contains one of the (up to OOMK_PATTERNS) patterns of list. Global, as oomk_text_why(), so
 * that the verifier checks it once, not again under each outcome of the calls before it.
 */
__noinline bool oomk_contains_any(const struct text *t, const patterns_t *list)
{
	struct find f = {};

	if (!t || !list)
		return false;
	f.text = t->s;
	for (int i = 0; i < OOMK_PATTERNS && !f.found; i++) {
		if (!(*list)[i][0])
			continue;
		f.pat = (*list)[i];
		bpf_loop(t->len, find_at, &f, 0);
	}
	return f.found;
}

/*
 * OOMK_WHY_EXE and _CMDLINE, OOMK_NOT_*: what the texts read into sc match in cfg. Global: its
 * callers go on with one unknown value, not with each of the 16 it can be (inlined, oomk_exec
 * had judge() verified 16 times, 980,000 instructions of the 1,000,000 the verifier allows).
 */
__noinline __u32 oomk_text_why(const struct scratch *sc, const struct oomk_settings *cfg)
{
	if (!sc || !cfg)
		return 0;
	return (oomk_contains_any(&sc->exe, &cfg->exe) ? OOMK_WHY_EXE : 0) |
	       (oomk_contains_any(&sc->exe, &cfg->exclude_exe) ? OOMK_NOT_EXE : 0) |
	       (oomk_contains_any(&sc->cmdline, &cfg->cmdline) ? OOMK_WHY_CMDLINE : 0) |
	       (oomk_contains_any(&sc->cmdline, &cfg->exclude_cmdline) ? OOMK_NOT_CMDLINE : 0);
}

#endif /* __MATCH_BPF_H */
