/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of ./oomkiller offer each other, over the library both programs share. */
#ifndef __LOADER_H
#define __LOADER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdio.h>
#include <linux/types.h>
#include "oomkiller.h"
#include "common.h"
#include "format.h"
#include "json_writer.h"
#include "metrics.h"
#include "options.h"
#include "pins.h"
#include "probe.h"
#include "settings.h"
#include "snapshot.h"

#define OOMK_CONFIG	 "/etc/oomkiller.conf"
#define OOMK_TICKER_COMM "oomkiller-tick"

/* config.c: the config file, and 'oomkiller config' */
int load_config(struct opts *o, unsigned int cmd);
int config(struct opts *o);

/* pin_dir.c */
enum { PINS_NONE, PINS_INSTALLED, PINS_PARTIAL };
int pin_dir_lock(const char *pin_dir, bool create);
int pin_dir_state(const char *pin_dir);
ssize_t read_iter(const char *pin_dir, const char *link, char *out, size_t len);
int judge_all(const char *pin_dir);
int write_pinned_settings(const char *pin_dir, const struct oomk_settings *set);
int pin_dir_remove(const char *pin_dir);

/* libcs.c */
int libc_attach(const char *pin_dir, const char *path);
int libcs_of(const char *pin_dir, int pid);

/* ticker.c: who ticks for an install, a process of its own or the installer ('run') */
typedef int (*ticker_fn)(const char *pin_dir); /* the ticker's pid, or -errno */
int ticker_spawn(const char *pin_dir);
int ticker_self(const char *pin_dir);
int ticker_loop(const char *pin_dir, FILE *echo);
void ticker_stop(const char *pin_dir, int pid);
void lower_oom_score_adj(void);

/* hooks.c: --on-kill, run by the ticker */
#define HOOKS_MAX 4 /* hooks running at once; the next kills wait for a slot, in order */
struct hook {
	int pid; /* 0: slot free */
	int fd; /* its stdout and stderr, read to syslog; -1: closed */
	__u64 seq; /* of its kill */
	__u64 start, deadline; /* CLOCK_MONOTONIC ms */
	bool killed; /* past its deadline */
	size_t len;
	char buf[256]; /* a line being read */
};
struct hooks {
	struct hook run[HOOKS_MAX];
	__u64 next; /* the seq of the next kill to run --on-kill for */
	sigset_t mask; /* the ticker's, without SIGCHLD blocked */
	FILE *echo; /* what the ticker echoes its log to, if anything */
};
void hooks_init(struct hooks *h, __u64 next, FILE *echo);
void hooks_run(struct hooks *h, int state_fd, int kills_fd, const struct oomk_settings *set,
	       volatile sig_atomic_t *stopping);
void hooks_end(struct hooks *h, int state_fd, const struct oomk_settings *set);

/* progs.c */
int missing_links(const char *pin_dir, __u64 progs, bool fix, char *buf, size_t len, int *nr);

/* status.c */
int status(const char *pin_dir);

/* install.c */
int resolve_cgroups(struct oomk_settings *set);
int install(const struct opts *o, ticker_fn ticker);
int uninstall(const char *pin_dir);

#endif /* __LOADER_H */
