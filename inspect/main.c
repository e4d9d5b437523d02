// SPDX-License-Identifier: GPL-2.0
/* oomkiller-inspect: what the BPF side is doing, read from the pinned maps and nothing else. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "inspect.h"

static const char *const sort_names[] = { "nearest", "pid", "name", "state" };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: oomkiller-inspect [OPTIONS]\n"
		"Show the memory gate, the limits, every tracked candidate and the kill log, as the\n"
		"maps pinned by 'oomkiller install' hold them. Needs root.\n\n"
		"  --json                one JSON document: state, config, processes, kills\n"
		"  --kills               only the kill log\n"
		"  --sort=FIELD          nearest (to a limit, the default), pid, name, state, or a\n"
		"                        limit: fds, writes, read, threads, rand, tcp\n"
		"  --watch[=SEC]         show again every SEC seconds (1) until Ctrl-C\n"
		"  --pin-dir=PATH        where the pins live (" OOMK_PIN_DIR ")\n"
		"  -h, --help\n");
}

/* Bad usage: what is wrong, then the usage; exit code 2. */
static int bad(const char *arg, const char *why)
{
	fprintf(stderr, "%s: %s: %s\n\n", progname, arg, why);
	usage(stderr);
	return 2;
}

static int parse_sort(const char *s)
{
	for (size_t i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++)
		if (!strcmp(s, sort_names[i]))
			return i;
	for (int i = 0; i < OOMK_NR_LIMITS; i++)
		if (!strcmp(s, limits[i].name))
			return SORT_LIMIT + i;
	return -1;
}

/* One frame; in --watch on a terminal, drawn over the last one, as top does. */
static int show(const char *pin_dir, bool json, bool kills, int sort, bool redraw)
{
	struct snapshot s;
	int err = snapshot_read(pin_dir, &s);

	if (err) {
		pin_err(pin_dir, err);
		return 1;
	}
	sort_procs(&s, sort);
	if (redraw)
		printf("\033[H\033[2J");
	if (json) {
		print_json(stdout, &s);
	} else if (kills) {
		print_kills(stdout, &s);
	} else {
		print_header(stdout, pin_dir, &s);
		print_procs(stdout, &s);
	}
	fflush(stdout);
	snapshot_free(&s);
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_KILLS, OPT_SORT, OPT_WATCH, OPT_PIN_DIR };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "kills", no_argument, NULL, OPT_KILLS },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "watch", optional_argument, NULL, OPT_WATCH },
		{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *pin_dir = OOMK_PIN_DIR;
	bool json = false, kills = false, tty = isatty(STDOUT_FILENO);
	int c, sort = SORT_NEAREST, err;
	double watch = 0;
	char *end;

	progname = "oomkiller-inspect";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_KILLS:
			kills = true;
			break;
		case OPT_SORT:
			sort = parse_sort(optarg);
			if (sort < 0)
				return bad(argv[optind - 1], "no such field");
			break;
		case OPT_WATCH:
			watch = optarg ? strtod(optarg, &end) : 1;
			if (optarg && (*end || !(watch > 0 && watch <= 3600)))
				return bad(argv[optind - 1], "expected seconds, up to 3600");
			break;
		case OPT_PIN_DIR:
			pin_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			return bad(argv[optind - 1], "needs a value");
		default:
			return bad(argv[optind - 1], "unknown option");
		}
	}
	if (optind < argc)
		return bad(argv[optind], "unexpected argument");

	err = show(pin_dir, json, kills, sort, watch && tty);
	while (!err && watch) {
		usleep(watch * 1e6);
		if (!tty)
			printf("\n");
		err = show(pin_dir, json, kills, sort, tty);
	}
	return err;
}
