/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every option of both programs is a row of one table, options[] (options.c): its name, what
 * its value is, its default, its help line, whether the config file takes it as a key, which
 * commands take it, and where its value goes. The getopt rows, each command's --help, the
 * config file's keys, the settings as text and JSON, the inspector's columns and fields are
 * all made from it (as xdp-tools' DEFINE_OPTION rows and usage() are).
 */
#ifndef __OOMK_OPTIONS_H
#define __OOMK_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "oomkiller.h"

/* The commands, as bits of opt.cmds. */
#define CMD_INSTALL   (1 << 0)
#define CMD_RUN	      (1 << 1)
#define CMD_CONFIG    (1 << 2)
#define CMD_UNINSTALL (1 << 3)
#define CMD_STATUS    (1 << 4)
#define CMD_INSPECT   (1 << 5) /* oomkiller-inspect */
#define CMD_LOAD      (CMD_INSTALL | CMD_RUN) /* those that load the policy */
#define CMD_POLICY    (CMD_LOAD | CMD_CONFIG) /* those that set it */
#define CMD_OOMKILLER (CMD_POLICY | CMD_UNINSTALL | CMD_STATUS)
#define CMD_ALL	      (CMD_OOMKILLER | CMD_INSPECT)

enum opt_type {
	OPT_FLAG, /* no value: on when given */
	OPT_YESNO, /* yes or no */
	OPT_COUNT, /* a whole number */
	OPT_SIZE, /* bytes, or a number with a unit */
	OPT_MS, /* milliseconds */
	OPT_SECONDS, /* seconds, fractions too */
	OPT_CHOICE, /* one of .choices */
	OPT_NAMES, /* a process name; given again, one more, up to .count */
	OPT_THRESHOLD, /* a SIZE, or N% (the field a __u64, then a __u32 percent) */
	OPT_FLAGS, /* a comma list of .choices, their values OR'ed */
	OPT_PSI, /* some|full:avg10>=PCT (the field a __u32 full, then hundredths of a percent) */
	OPT_STRING, /* not empty */
	OPT_TEXT, /* into the field's bytes, shorter than it; empty: none */
	OPT_FILE, /* a file this process can read */
	OPT_HELP, /* prints the command's help */
	OPT_VERSION, /* prints the version and what the kernel offers */
};

/* the groups of --help, in its order */
enum opt_group {
	GROUP_POLICY,
	GROUP_LOAD,
	GROUP_TICKER,
	GROUP_OUTPUT,
	GROUP_COMMON,
};

struct choice {
	const char *name;
	int value;
};

#define CHOICE_AUTO (-1) /* --meminfo=auto, --hooks=auto: what the kernel allows */

/* --format */
enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_OPENMETRICS };

/* --sort: these, or a limit's column (SORT_LIMIT + its OOMK_* index), largest first */
enum { SORT_NEAREST, SORT_PID, SORT_NAME, SORT_STATE, SORT_LIMIT };

/* What the command line and the config file set: every option's value has its place here. */
struct opts {
	struct oomk_settings set; /* the policy, as BPF reads it */
	const char *pin_dir;
	const char *config; /* --config */
	const char *libc;
	__u32 max_procs;
	bool verbose, json, kills, help, version;
	int sort; /* SORT_* */
	int format; /* FORMAT_* */
	double watch; /* seconds; 0: once */
	__u64 given; /* bit per row of options[]: set by the sources parsed into this */
	char *text; /* a config file's text, which values point into: opts_free() */
};

struct opt {
	const char *name; /* --NAME; the config file's key too, with OPTF_CONF */
	char short_name; /* -X, or 0 */
	enum opt_type type;
	enum opt_group group;
	const char *metavar; /* --NAME=METAVAR in --help; NULL: from the type or the choices */
	const char *def; /* the default, as the option takes it; NULL: none, or said in .help */
	const char *bare; /* the value of --NAME without one: the value is optional */
	const char *help; /* a line of --help */
	unsigned int cmds; /* CMD_* that take it */
	unsigned int flags; /* OPTF_* */
	size_t off, size; /* where its value goes, in struct opts */
	__u64 min, max; /* numbers: the range; max 0 is the field's */
	const struct choice *choices; /* OPT_CHOICE, ending with {} */
	int count; /* OPT_NAMES: up to this many */
	const char *json; /* its key in the settings' JSON; NULL: not there */
	/* a limit's: its name in tables, messages and --sort, its counter's key in JSON */
	const char *column, *counter;
	int limit; /* OOMK_* */
};

#define OPTF_CONF  (1 << 0) /* a key of the config file */
#define OPTF_LIMIT (1 << 1) /* --sort takes a limit's column too */

extern const struct opt options[];
extern const int nr_options;

const struct opt *opt_by_name(const char *name, unsigned int cmd);
const struct opt *limit_opt(int limit); /* the row of OOMK_* limit */

/* A command of a program: what its --help says, and what runs it. */
struct command {
	const char *name; /* NULL: the program itself */
	unsigned int bit; /* CMD_* */
	const char *synopsis;
	const char *summary; /* a line, in the list of commands */
	const char *about; /* what it does, in its --help */
	int (*func)(struct opts *o);
};

/* args.c: the command line */
#define OPTS_EXIT (-1) /* --help or --version printed: exit 0 */
void opts_defaults(struct opts *o);
int opts_parse(struct opts *o, const struct command *cmd, int argc, char **argv);
void opts_merge(struct opts *dst, const struct opts *src);
bool opts_changes(const struct opts *o); /* a source gave a config file's key */
void opts_free(struct opts *o);
void opts_usage(FILE *f, const struct command *cmd);
const char *opt_synopsis(const struct opt *row, char *buf, size_t len);
int bad_usage(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* values.c: an option's value, by its type */
#define VALUE_LEN OOMK_MATCH_LEN /* holds any value as text */
struct json_writer;
extern const char size_units[]; /* what a SIZE is */
int opt_set(struct opts *o, const struct opt *row, const char *val, char *err, size_t len);
const char *opt_text(const struct opts *o, const struct opt *row, int i, char *buf, size_t len);
void opt_json(struct json_writer *w, const struct opts *o, const struct opt *row);
/* an OPT_FLAGS row's bits as it takes them, "ram,psi"; an OPT_CHOICE row's value's name */
const char *flags_text(const struct opt *row, __u32 bits, char *buf, size_t len);
const char *choice_text(const struct opt *row, int value);

#endif /* __OOMK_OPTIONS_H */
