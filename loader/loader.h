/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of ./oomkiller offer each other, over the library both programs share. */
#ifndef __LOADER_H
#define __LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "oomkiller.h"
#include "common.h"
#include "format.h"
#include "json.h"
#include "pins.h"
#include "probe.h"
#include "snapshot.h"

#define OOMK_CONFIG	 "/etc/oomkiller.conf"
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

/* options.c: 0 ok, 2 bad usage (already reported); -1 after --help was printed */
int parse_install_opts(int argc, char **argv, struct install_opts *o, void (*help)(FILE *));
int parse_config_opts(int argc, char **argv, struct install_opts *o, void (*help)(FILE *));
int parse_pin_dir_opts(int argc, char **argv, const char **pin_dir, void (*help)(FILE *));

/* pin_dir.c */
enum { PINS_NONE, PINS_INSTALLED, PINS_PARTIAL };
int pin_dir_lock(const char *pin_dir, bool create);
int pin_dir_state(const char *pin_dir);
int judge_all(const char *pin_dir);
int write_pinned_settings(const char *pin_dir, const struct oomk_settings *set);
int pin_dir_remove(const char *pin_dir);

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
