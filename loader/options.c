// SPDX-License-Identifier: GPL-2.0
/* Command-line options: parsed and checked here, before anything is loaded. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "loader.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* long options only; a limit's option is OPT_LIMIT + its OOMK_* index */
enum { OPT_NAME = 256, OPT_MEM, OPT_TICK, OPT_PIN_DIR, OPT_LIBC, OPT_MAX_PROCS, OPT_LIMIT };

static const struct option common_opts[] = {
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

/* bytes, or a count, with a K/M/G suffix (powers of 1024) where size says so */
static int parse_u64(const char *s, bool size, __u64 *out)
{
	unsigned long long v;
	int shift = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	if (size && *end) {
		const char *units = strchr("KMG", toupper((unsigned char)*end));

		if (!units)
			return -EINVAL;
		shift = 10 * (units - "KMG" + 1);
		end++;
	}
	if (*end)
		return -EINVAL;
	if (v > (~0ULL >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
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

static char **opt_argv;

static void opt_start(char **argv)
{
	opt_argv = argv;
	opterr = 0; /* errors are reported by bad(), as oomkiller's */
	optind = 1;
}

/* The option getopt just stopped at. */
static const char *argv_opt(void)
{
	return opt_argv[optind - 1];
}

static int common_opt(int c, const char **pin_dir, void (*help)(FILE *))
{
	switch (c) {
	case OPT_PIN_DIR:
		if (!*optarg)
			return bad(help, "--pin-dir=: empty path");
		*pin_dir = optarg;
		return 0;
	case 'v':
		verbose = true;
		return 0;
	case 'h':
		help(stdout);
		return -1;
	case ':':
		return bad(help, "%s: needs a value", argv_opt());
	}
	return bad(help, "%s: unknown option", argv_opt());
}

static int no_operands(int argc, char **argv, void (*help)(FILE *))
{
	return optind < argc ? bad(help, "%s: unexpected argument", argv[optind]) : 0;
}

static int parse_size_opt(const char *name, bool size, __u64 *v, void (*help)(FILE *))
{
	int err = parse_u64(optarg, size, v);

	if (!err)
		return 0;
	return bad(help, "--%s=%s: %s", name, optarg,
		   err == -ERANGE ? "too large" :
		   size		  ? "expected bytes, or a number with K, M or G" :
				    "expected a whole number");
}

int parse_install_opts(int argc, char **argv, struct install_opts *o, void (*help)(FILE *))
{
	struct option longopts[5 + OOMK_NR_LIMITS + ARRAY_SIZE(common_opts)] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "mem-threshold", required_argument, NULL, OPT_MEM },
		{ "tick", required_argument, NULL, OPT_TICK },
		{ "libc", required_argument, NULL, OPT_LIBC },
		{ "max-procs", required_argument, NULL, OPT_MAX_PROCS },
	};
	__u64 n;
	int c, err;

	memset(o, 0, sizeof(*o));
	o->set.schema = OOMK_SCHEMA;
	strcpy(o->set.name, "oomp");
	o->set.mem_threshold = 1ULL << 30;
	o->set.tick_ms = 1000;
	o->pin_dir = OOMK_PIN_DIR;
	o->max_procs = OOMK_MAX_PROCS;
	for (int i = 0; i < OOMK_NR_LIMITS; i++) {
		longopts[5 + i] =
			(struct option){ limits[i].option, required_argument, NULL, OPT_LIMIT + i };
		*limit_max(&o->set, i) = limits[i].def;
	}
	memcpy(&longopts[5 + OOMK_NR_LIMITS], common_opts, sizeof(common_opts));

	opt_start(argv);
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LIMIT ... OPT_LIMIT + OOMK_NR_LIMITS - 1:
			err = parse_size_opt(limits[c - OPT_LIMIT].option,
					     limits[c - OPT_LIMIT].size,
					     limit_max(&o->set, c - OPT_LIMIT), help);
			break;
		case OPT_MEM:
			err = parse_size_opt("mem-threshold", true, &o->set.mem_threshold, help);
			break;
		case OPT_NAME:
			/* a comm holds 15 bytes: a longer name could never match */
			if (!*optarg || strlen(optarg) >= OOMK_COMM_LEN)
				return bad(help, "--name=%s: a process name is 1 to 15 bytes",
					   optarg);
			strcpy(o->set.name, optarg);
			continue;
		case OPT_TICK:
			if (parse_u64(optarg, false, &n) || !n || n > 3600 * 1000)
				return bad(help, "--tick=%s: expected milliseconds, 1 to 3600000",
					   optarg);
			o->set.tick_ms = n;
			continue;
		case OPT_MAX_PROCS:
			/* as many as there can be processes: pid_max is at most 2^22 */
			if (parse_u64(optarg, false, &n) || !n || n > 1 << 22)
				return bad(help, "--max-procs=%s: expected 1 to 4194304", optarg);
			o->max_procs = n;
			continue;
		case OPT_LIBC:
			if (access(optarg, R_OK))
				return bad(help, "--libc=%s: %s", optarg, strerror(errno));
			o->libc = optarg;
			continue;
		default:
			err = common_opt(c, &o->pin_dir, help);
		}
		if (err)
			return err;
	}
	if (!o->libc)
		o->libc = own_libc();
	return no_operands(argc, argv, help);
}

int parse_pin_dir_opts(int argc, char **argv, const char **pin_dir, void (*help)(FILE *))
{
	int c, err;

	*pin_dir = OOMK_PIN_DIR;
	opt_start(argv);
	while ((c = getopt_long(argc, argv, ":vh", common_opts, NULL)) != -1) {
		err = common_opt(c, pin_dir, help);
		if (err)
			return err;
	}
	return no_operands(argc, argv, help);
}
