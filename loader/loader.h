/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __LOADER_H
#define __LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <linux/types.h>
#include "oomkiller.h"

#define OOMK_PIN_DIR	 "/sys/fs/bpf/oomkiller"
#define OOMK_CONFIG	 "/etc/oomkiller.conf"
#define SIGTERM_NR	 15 /* as BPF records it in oomk_kill.signal */
#define OOMK_TICKER_COMM "oomkiller-tick"

/* What install and run were asked for: the settings BPF reads, and where to put things. */
struct install_opts {
	struct oomk_settings set;
	const char *pin_dir;
	const char *libc; /* NULL: the libc oomkiller itself runs with */
	__u32 max_procs; /* entries of procs: candidates tracked at once */
	int meminfo, hooks; /* OOMK_MEM_*, OOMK_HOOKS_*, or -1: what the kernel allows */
	int name_from, exclude_from; /* which source set these lists last */
	bool json; /* config: print as JSON */
	bool changed; /* config: an option asked for a change */
};

extern bool verbose;

/* limits.c; NUM_LEN holds any number the fmt_* functions print */
#define NUM_LEN 24
struct limit_desc {
	const char *name; /* in tables and messages */
	const char *field; /* in struct oomk_proc, and as JSON key */
	const char *option; /* --max-... */
	bool size; /* bytes, with a unit suffix */
	__u64 def;
};
extern const struct limit_desc limits[OOMK_NR_LIMITS];

/* a limit number read from a map, kept inside limits[] */
static inline int limit_index(__u32 limit)
{
	return limit < OOMK_NR_LIMITS ? limit : 0;
}
const char *fmt_size(__u64 bytes, char *buf, size_t len);
const char *fmt_limit(int limit, __u64 v, char *buf, size_t len);
const char *fmt_kill(const struct oomk_kill *k, char *buf, size_t len);
const char *fmt_names(const struct oomk_settings *set, char *buf, size_t len);
const char *fmt_limits(const struct oomk_settings *set, char *buf, size_t len);

/* json.c: "key": value and a separator; a NULL key prints the value alone */
void json_str(FILE *f, const char *key, const char *s, size_t len, const char *sep);
void json_num(FILE *f, const char *key, __u64 v, const char *sep);
void json_bool(FILE *f, const char *key, bool v, const char *sep);
void json_settings(FILE *f, const struct oomk_settings *set);

/* snapshot.c: the pinned maps, read at one moment */
struct proc_row {
	__u32 pid;
	struct oomk_proc p;
};

struct snapshot {
	struct oomk_settings set;
	struct oomk_state st;
	struct proc_row *procs;
	int nr_procs;
	struct oomk_kill kills[OOMK_KILL_LOG]; /* oldest first */
	int nr_kills;
	struct oomk_libc libcs[OOMK_LIBCS];
	__u64 now_ns; /* CLOCK_BOOTTIME when read */
	__u64 age_ms; /* since the last reading of si_meminfo */
	bool stale; /* no reading for 3 ticks */
	bool ticker_running;
};
int snapshot_read(const char *pin_dir, struct snapshot *s);
void snapshot_free(struct snapshot *s);
time_t wall_time(const struct snapshot *s, __u64 boot_ns);
const char *fmt_libcs(const struct snapshot *s, char *buf, size_t len);

extern const char *progname; /* "oomkiller" or "oomkiller-inspect", for messages */
#define p_err(fmt, ...) fprintf(stderr, "%s: " fmt "\n", progname, ##__VA_ARGS__)

/* options.c: 0 ok, 2 bad usage (already reported); -1 after --help was printed */
int parse_install_opts(int argc, char **argv, struct install_opts *o, void (*help)(FILE *));
int parse_config_opts(int argc, char **argv, struct install_opts *o, void (*help)(FILE *));
int parse_pin_dir_opts(int argc, char **argv, const char **pin_dir, void (*help)(FILE *));

/* pins.c */
int pin_dir_lock(const char *pin_dir, bool create);
int pin_dir_state(const char *pin_dir);
int pinned_map(const char *pin_dir, const char *name);
int pinned_settings(const char *pin_dir, struct oomk_settings *set);
void pin_err(const char *pin_dir, int err);
int judge_all(const char *pin_dir);
int write_pinned_settings(const char *pin_dir, const struct oomk_settings *set);
int pin_dir_remove(const char *pin_dir);
enum { PINS_NONE, PINS_INSTALLED, PINS_PARTIAL };
int pidfd_of(int pid);
int mark_own(const char *pin_dir, int pid, __u32 bits);
bool ticker_running(const char *pin_dir, int pid);
int signal_ticker(const char *pin_dir, int pid, int sig);
int try_snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* probe.c: what the running kernel offers */
struct features {
	__u32 feat; /* OOMK_FEAT_* */
	bool fexit_meminfo, kprobe_meminfo; /* backends for si_meminfo */
	bool fexit_hooks; /* fexit on every function vfs.bpf.c hooks */
};
void probe_features(struct features *f);
const char *fmt_paths(const struct oomk_settings *set, char *buf, size_t len);
const char *own_libc(void);

/* libcs.c */
int libc_attach(const char *pin_dir, const char *path);
int libcs_of(const char *pin_dir, int pid);

/* ticker.c */
int ticker_loop(const char *pin_dir, bool foreground);
int ticker_spawn(const char *pin_dir);
void ticker_stop(const char *pin_dir, int pid);
void lower_oom_score_adj(void);

/* config.c */
int config(int argc, char **argv, void (*help)(FILE *));

/* progs.c */
int missing_links(const char *pin_dir, __u64 progs, bool fix, char *buf, size_t len, int *nr);

/* status.c */
int status(const char *pin_dir);

/* install.c */
int install(const struct install_opts *o, bool foreground);
int uninstall(const char *pin_dir);

#endif /* __LOADER_H */
