// SPDX-License-Identifier: GPL-2.0
/*
 * Options, from the command line and from the config file: parsed and checked here, before
 * anything is loaded or changed. Later sources override earlier ones: the defaults (or, for
 * 'config', the installed settings), then the file, then the command line.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "loader.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* long options only; a limit's option is OPT_LIMIT + its OOMK_* index */
enum {
	OPT_NAME = 256,
	OPT_EXCLUDE,
	OPT_MEM,
	OPT_TICK,
	OPT_ACTION,
	OPT_GRACE,
	OPT_DRY_RUN,
	OPT_LIBC,
	OPT_MAX_PROCS,
	OPT_MEMINFO,
	OPT_HOOKS,
	OPT_CONFIG,
	OPT_JSON,
	OPT_PIN_DIR,
	OPT_LIMIT,
};

enum { FROM_DEFAULTS, FROM_FILE, FROM_ARGV };

/* what only some commands take; the policy options are for install, run and config */
#define FOR_INSTALL (1 << 0)
#define FOR_CONFIG  (1 << 1)

static const struct {
	struct option opt;
	int cmds;
} table[] = {
	{ { "name", required_argument, NULL, OPT_NAME }, FOR_INSTALL | FOR_CONFIG },
	{ { "exclude", required_argument, NULL, OPT_EXCLUDE }, FOR_INSTALL | FOR_CONFIG },
	{ { "mem-threshold", required_argument, NULL, OPT_MEM }, FOR_INSTALL | FOR_CONFIG },
	{ { "max-fds", required_argument, NULL, OPT_LIMIT + OOMK_FDS }, FOR_INSTALL | FOR_CONFIG },
	{ { "max-writes", required_argument, NULL, OPT_LIMIT + OOMK_WRITES },
	  FOR_INSTALL | FOR_CONFIG },
	{ { "max-read", required_argument, NULL, OPT_LIMIT + OOMK_READ },
	  FOR_INSTALL | FOR_CONFIG },
	{ { "max-threads", required_argument, NULL, OPT_LIMIT + OOMK_THREADS },
	  FOR_INSTALL | FOR_CONFIG },
	{ { "max-rand", required_argument, NULL, OPT_LIMIT + OOMK_RAND },
	  FOR_INSTALL | FOR_CONFIG },
	{ { "max-tcp-packets", required_argument, NULL, OPT_LIMIT + OOMK_TCP },
	  FOR_INSTALL | FOR_CONFIG },
	{ { "tick", required_argument, NULL, OPT_TICK }, FOR_INSTALL | FOR_CONFIG },
	{ { "action", required_argument, NULL, OPT_ACTION }, FOR_INSTALL | FOR_CONFIG },
	{ { "grace", required_argument, NULL, OPT_GRACE }, FOR_INSTALL | FOR_CONFIG },
	{ { "dry-run", optional_argument, NULL, OPT_DRY_RUN }, FOR_INSTALL | FOR_CONFIG },
	{ { "libc", required_argument, NULL, OPT_LIBC }, FOR_INSTALL },
	{ { "max-procs", required_argument, NULL, OPT_MAX_PROCS }, FOR_INSTALL },
	{ { "meminfo", required_argument, NULL, OPT_MEMINFO }, FOR_INSTALL },
	{ { "hooks", required_argument, NULL, OPT_HOOKS }, FOR_INSTALL },
	{ { "json", no_argument, NULL, OPT_JSON }, FOR_CONFIG },
	{ { "config", required_argument, NULL, OPT_CONFIG }, FOR_INSTALL | FOR_CONFIG },
};

static const struct option common_opts[] = {
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

/*
 * A count, or where size says so bytes with a unit as coreutils takes them: K, M, G, T and KiB,
 * MiB, GiB, TiB are powers of 1024; KB, MB, GB, TB powers of 1000.
 */
static int parse_u64(const char *s, bool size, __u64 *out)
{
	static const char units[] = "KMGT";
	unsigned long long v, scale = 1;
	const char *u;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	if (size && *end && (u = strchr(units, toupper((unsigned char)*end)))) {
		int base = !strcasecmp(end + 1, "B") ? 1000 : 1024;

		if (end[1] && strcasecmp(end + 1, "B") && strcasecmp(end + 1, "iB"))
			return -EINVAL;
		for (int i = 0; i <= u - units; i++)
			scale *= base;
		end += strlen(end);
	}
	if (*end)
		return -EINVAL;
	if (v > ~0ULL / scale)
		return -ERANGE;
	*out = v * scale;
	return 0;
}

static const char *parse_num(const char *val, bool size, __u64 *v, __u64 min, __u64 max)
{
	int err = parse_u64(val, size, v);

	if (err == -ERANGE || (!err && (*v < min || *v > max)))
		return "out of range";
	if (err)
		return size ? "expected bytes, or a number with KB, MB, GB (powers of 1000) or K, M, "
			      "G, KiB, MiB, GiB (powers of 1024)" :
			      "expected a whole number";
	return NULL;
}

/* Adds to a list of names; the first one from a source replaces what an earlier one gave. */
static const char *add_pattern(char list[OOMK_PATTERNS][OOMK_COMM_LEN], int *from, int source,
			       const char *val)
{
	int i = 0;

	/* a comm holds 15 bytes: a longer name could never match */
	if (!*val || strlen(val) >= OOMK_COMM_LEN)
		return "a process name is 1 to 15 bytes";
	if (*from != source)
		memset(list, 0, OOMK_PATTERNS * OOMK_COMM_LEN);
	*from = source;
	while (i < OOMK_PATTERNS && list[i][0])
		i++;
	if (i == OOMK_PATTERNS)
		return "at most 4 of them";
	strcpy(list[i], val);
	return NULL;
}

/* One option and its value, from any source; NULL, or what is wrong with the value. */
static const char *apply(struct install_opts *o, int opt, const char *val, int source)
{
	struct oomk_settings *set = &o->set;
	__u64 n = 0;
	const char *err;

	switch (opt) {
	case OPT_LIMIT ... OPT_LIMIT + OOMK_NR_LIMITS - 1:
		return parse_num(val, limits[opt - OPT_LIMIT].size, &set->max[opt - OPT_LIMIT], 0,
				 ~0ULL);
	case OPT_MEM:
		return parse_num(val, true, &set->mem_threshold, 0, ~0ULL);
	case OPT_NAME:
		return add_pattern(set->name, &o->name_from, source, val);
	case OPT_EXCLUDE:
		return add_pattern(set->exclude, &o->exclude_from, source, val);
	case OPT_TICK:
		err = parse_num(val, false, &n, 1, 3600 * 1000);
		set->tick_ms = err ? set->tick_ms : n;
		return err ? "expected milliseconds, 1 to 3600000" : NULL;
	case OPT_GRACE:
		err = parse_num(val, false, &n, 0, 3600 * 1000);
		set->grace_ms = err ? set->grace_ms : n;
		return err ? "expected milliseconds, 0 to 3600000" : NULL;
	case OPT_ACTION:
		if (strcmp(val, "kill") && strcmp(val, "term"))
			return "expected kill or term";
		set->action = strcmp(val, "kill") ? OOMK_ACTION_TERM : OOMK_ACTION_KILL;
		return NULL;
	case OPT_DRY_RUN:
		if (val && strcmp(val, "yes") && strcmp(val, "no"))
			return "expected yes or no";
		set->dry_run = !val || !strcmp(val, "yes");
		return NULL;
	case OPT_MAX_PROCS:
		/* as many as there can be processes: pid_max is at most 2^22 */
		err = parse_num(val, false, &n, 1, 1 << 22);
		o->max_procs = err ? o->max_procs : n;
		return err ? "expected 1 to 4194304" : NULL;
	case OPT_MEMINFO:
		o->meminfo = !strcmp(val, "auto")    ? -1 :
			     !strcmp(val, "fexit")   ? OOMK_MEM_FEXIT :
			     !strcmp(val, "kprobe")  ? OOMK_MEM_KPROBE :
			     !strcmp(val, "sysinfo") ? OOMK_MEM_SYSCALL :
						       -2;
		return o->meminfo == -2 ? "expected auto, fexit, kprobe or sysinfo" : NULL;
	case OPT_HOOKS:
		o->hooks = !strcmp(val, "auto")	    ? -1 :
			   !strcmp(val, "fexit")    ? OOMK_HOOKS_FEXIT :
			   !strcmp(val, "sys_exit") ? OOMK_HOOKS_SYS_EXIT :
						      -2;
		return o->hooks == -2 ? "expected auto, fexit or sys_exit" : NULL;
	case OPT_LIBC:
		if (access(val, R_OK))
			return strerror(errno);
		o->libc = val;
		return NULL;
	}
	return "not a setting";
}

/* Bad usage: one line saying what is wrong, then the command's usage; exit code 2. */
static int bad(void (*help)(FILE *), const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "oomkiller: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n\n");
	va_end(ap);
	help(stderr);
	return 2;
}

static int table_opt(const char *name, int cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if ((table[i].cmds & cmd) && !strcmp(table[i].opt.name, name))
			return table[i].opt.val;
	return -1;
}

/*
 * The config file: "key = value" lines, keys the long options without "--", '#' comments.
 * The file's values are kept in o->file_text, which o->libc may point into.
 */
static int read_config(struct install_opts *o, const char *path, int cmd, void (*help)(FILE *))
{
	FILE *f = fopen(path, "re");
	char line[512], *key, *val, *end, *copy;
	const char *err;
	int nr = 0, opt;

	if (!f)
		return bad(help, "--config=%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		nr++;
		line[strcspn(line, "#\n")] = '\0';
		for (key = line; isspace((unsigned char)*key); key++)
			;
		if (!*key)
			continue;
		val = strchr(key, '=');
		if (!val) {
			fclose(f);
			return bad(help, "%s:%d: expected key = value", path, nr);
		}
		for (end = val++; end > key && isspace((unsigned char)end[-1]); end--)
			;
		*end = '\0';
		while (isspace((unsigned char)*val))
			val++;
		for (end = val + strlen(val); end > val && isspace((unsigned char)end[-1]); end--)
			;
		*end = '\0';
		opt = table_opt(key, cmd);
		copy = opt == OPT_LIBC ? strdup(val) : val;
		err = opt < 0 || opt == OPT_CONFIG || opt == OPT_JSON ? "no such setting" :
		      !copy					      ? strerror(ENOMEM) :
			      apply(o, opt, copy, FROM_FILE);
		if (err) {
			fclose(f);
			return bad(help, "%s:%d: %s: %s", path, nr, key, err);
		}
		o->changed = true;
	}
	fclose(f);
	return 0;
}

static int parse(int argc, char **argv, struct install_opts *o, int cmd, void (*help)(FILE *))
{
	struct option longopts[ARRAY_SIZE(table) + ARRAY_SIZE(common_opts)];
	const char *config = NULL, *err;
	size_t n = 0;
	int c;

	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].cmds & cmd)
			longopts[n++] = table[i].opt;
	memcpy(&longopts[n], common_opts, sizeof(common_opts));
	opterr = 0; /* errors are reported by bad(), as oomkiller's */

	/* a first pass for --config: the file comes before the rest of the command line */
	optind = 1;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1)
		if (c == OPT_CONFIG)
			config = optarg;
	if (!config && cmd == FOR_INSTALL && !access(OOMK_CONFIG, F_OK))
		config = OOMK_CONFIG;
	if (config && read_config(o, config, cmd, help))
		return 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG:
			continue;
		case OPT_JSON:
			o->json = true;
			continue;
		case OPT_PIN_DIR:
			if (!*optarg)
				return bad(help, "--pin-dir=: empty path");
			o->pin_dir = optarg;
			continue;
		case 'v':
			verbose = true;
			continue;
		case 'h':
			help(stdout);
			return -1;
		case ':':
			return bad(help, "%s: needs a value", argv[optind - 1]);
		case '?':
			return bad(help, "%s: unknown option", argv[optind - 1]);
		}
		err = apply(o, c, optarg, FROM_ARGV);
		if (err)
			return bad(help, "%s: %s", argv[optind - 1], err);
		o->changed = true;
	}
	return optind < argc ? bad(help, "%s: unexpected argument", argv[optind]) : 0;
}

int parse_install_opts(int argc, char **argv, struct install_opts *o, void (*help)(FILE *))
{
	int err;

	memset(o, 0, sizeof(*o));
	o->set.schema = OOMK_SCHEMA;
	strcpy(o->set.name[0], "oomp");
	o->set.mem_threshold = 1000 * 1000 * 1000; /* the policy's 1 GB */
	o->set.tick_ms = 1000;
	o->set.grace_ms = 5000;
	o->pin_dir = OOMK_PIN_DIR;
	o->max_procs = OOMK_MAX_PROCS;
	o->meminfo = o->hooks = -1;
	for (int i = 0; i < OOMK_NR_LIMITS; i++)
		o->set.max[i] = limits[i].def;
	err = parse(argc, argv, o, FOR_INSTALL, help);
	if (!err && !o->libc)
		o->libc = own_libc();
	return err;
}

/* 'config': o->set holds the installed settings; what the options name changes. */
int parse_config_opts(int argc, char **argv, struct install_opts *o, void (*help)(FILE *))
{
	return parse(argc, argv, o, FOR_CONFIG, help);
}

int parse_pin_dir_opts(int argc, char **argv, const char **pin_dir, void (*help)(FILE *))
{
	struct install_opts o = { .pin_dir = OOMK_PIN_DIR };
	int err = parse(argc, argv, &o, 0, help);

	*pin_dir = o.pin_dir;
	return err;
}
