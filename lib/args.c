// SPDX-License-Identifier: GPL-2.0
/*
 * The command line, by the table: getopt's rows made from it, the defaults, one source over
 * another, and each command's --help.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "options.h"
#include "version.h"

#define OPT_ROW 256 /* getopt_long's value of row i: OPT_ROW + i */

void opts_defaults(struct opts *o)
{
	char err[128];

	memset(o, 0, sizeof(*o));
	o->set.schema = OOMK_SCHEMA;
	for (int i = 0; i < nr_options; i++)
		if (options[i].def)
			opt_set(o, &options[i], options[i].def, err, sizeof(err));
	o->given = 0;
}

/* Every row given in src, over what dst holds: a list given replaces dst's whole. */
void opts_merge(struct opts *dst, const struct opts *src)
{
	for (int i = 0; i < nr_options; i++)
		if (src->given & (1ULL << i))
			memcpy((char *)dst + options[i].off, (const char *)src + options[i].off,
			       options[i].size);
	dst->given |= src->given;
}

bool opts_changes(const struct opts *o)
{
	for (int i = 0; i < nr_options; i++)
		if ((o->given & (1ULL << i)) && (options[i].flags & OPTF_CONF))
			return true;
	return false;
}

void opts_free(struct opts *o)
{
	free(o->text);
	o->text = NULL;
}

static const char *const group_titles[] = {
	[GROUP_POLICY] = "Policy (a process is a candidate when its name contains a --name, or its "
			 "executable or command line an --exe or --cmdline, and nothing excludes "
			 "it; it is killed, or its --kill unit, at the event that makes it reach a "
			 "limit, once every --gate is open):",
	[GROUP_LOAD] = "Loading:",
	[GROUP_TICKER] = "The ticker (config changes these live too):",
	[GROUP_OUTPUT] = "Output:",
	[GROUP_COMMON] = "Common:",
};

/* What --help shows for a value: METAVAR, or the choices */
static const char *metavar(const struct opt *row, char *buf, size_t len)
{
	static const char *const of_type[] = {
		[OPT_COUNT] = "N",
		[OPT_SIZE] = "SIZE",
		[OPT_MS] = "MS",
		[OPT_SECONDS] = "SEC",
		[OPT_NAMES] = "SUBSTR",
		[OPT_STRING] = "PATH",
		[OPT_FILE] = "FILE",
		[OPT_YESNO] = "yes|no",
		[OPT_THRESHOLD] = "SIZE|N%",
		[OPT_TEXT] = "TEXT",
		[OPT_PSI] = "some|full:avg10>=PCT",
	};
	size_t n = 0;

	if (row->metavar || (row->type != OPT_CHOICE && row->type != OPT_FLAGS))
		return row->metavar ?: of_type[row->type];
	buf[0] = '\0';
	/* one of a choice, a comma list of flags */
	for (int i = 0; row->choices[i].name && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s",
			      !i		     ? "" :
			      row->type == OPT_FLAGS ? "," :
						       "|",
			      row->choices[i].name);
	return buf;
}

/* words, wrapped at 80 columns, from column col on; the lines after the first from indent */
static void print_wrapped(FILE *f, const char *words, int col, int indent)
{
	bool start = true; /* of a line: no space before the word */

	while (*words) {
		int n = strcspn(words, " ");

		if (!start && col + 1 + n > 80) {
			col = fprintf(f, "\n%*s", indent, "") - 1;
			start = true;
		}
		col += fprintf(f, "%s%.*s", start ? "" : " ", n, words);
		start = false;
		words += n + strspn(words + n, " ");
	}
	fputc('\n', f);
}

/* "--max-fds=N", "--dry-run[=yes|no]", "-v, --verbose": the option as --help and man show it */
const char *opt_synopsis(const struct opt *row, char *buf, size_t len)
{
	char mv[64];
	int n = 0;

	if (row->short_name)
		n = snprintf(buf, len, "-%c, ", row->short_name);
	n += snprintf(buf + n, len - n, "--%s", row->name);
	if (row->type >= OPT_YESNO && row->type <= OPT_FILE)
		snprintf(buf + n, len - n, row->bare ? "[=%s]" : "=%s",
			 metavar(row, mv, sizeof(mv)));
	return buf;
}

static void print_row(FILE *f, const struct opt *row)
{
	char left[64], text[256];
	int n;

	snprintf(text, sizeof(text), "%s%s%s%s", row->help, row->def ? " (" : "", row->def ?: "",
		 row->def ? ")" : "");
	n = fprintf(f, "  %-22s  ", opt_synopsis(row, left, sizeof(left)));
	print_wrapped(f, text, n, 26);
}

void opts_usage(FILE *f, const struct command *cmd)
{
	bool sizes = false, limits = false;
	char notes[512];

	fprintf(f, "Usage: %s\n", cmd->synopsis);
	print_wrapped(f, cmd->about, 0, 0);
	for (enum opt_group g = GROUP_POLICY; g <= GROUP_COMMON; g++) {
		bool title = false;

		for (int i = 0; i < nr_options; i++) {
			const struct opt *row = &options[i];

			if (!(row->cmds & cmd->bit) || row->group != g)
				continue;
			if (!title) {
				fputc('\n', f);
				print_wrapped(f, group_titles[g], 0, 0);
				title = true;
			}
			print_row(f, row);
			sizes |= row->type == OPT_SIZE || row->type == OPT_THRESHOLD;
			limits |= row->column != NULL;
		}
	}
	snprintf(notes, sizeof(notes), "%s%s%s%s", sizes ? "SIZE is " : "", sizes ? size_units : "",
		 sizes ? ". " : "", limits ? "A limit of 0 is off." : "");
	if (notes[0]) {
		fputc('\n', f);
		print_wrapped(f, notes, 0, 0);
	}
}

int bad_usage(const struct command *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p_err("%s", msg);
	if (!json_output) {
		fputc('\n', stderr);
		opts_usage(stderr, cmd);
	}
	return 2;
}

/*
 * The command line of cmd over the defaults, every value checked. 0; 2 for bad usage, said
 * once the whole line is read (so that --json anywhere makes it JSON); OPTS_EXIT once --help
 * or --version printed.
 */
int opts_parse(struct opts *o, const struct command *cmd, int argc, char **argv)
{
	struct option longopts[nr_options + 1];
	char shorts[2 * nr_options + 2], why[256], bad[512] = "";
	const struct opt *row;
	int n = 0, s = 0, c;

	shorts[s++] = ':';
	for (int i = 0; i < nr_options; i++) {
		row = &options[i];
		if (!(row->cmds & cmd->bit))
			continue;
		longopts[n++] = (struct option){ row->name,
						 row->bare ? optional_argument :
						 row->type >= OPT_YESNO && row->type <= OPT_FILE ?
							     required_argument :
							     no_argument,
						 NULL, OPT_ROW + i };
		if (row->short_name)
			shorts[s++] = row->short_name;
	}
	longopts[n] = (struct option){};
	shorts[s] = '\0';
	opts_defaults(o);
	opterr = 0; /* said by bad_usage(), as oomkiller's */
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		row = NULL;
		for (int i = 0; c < OPT_ROW && i < nr_options; i++)
			if (options[i].short_name == c && (options[i].cmds & cmd->bit))
				row = &options[i];
		row = c >= OPT_ROW ? &options[c - OPT_ROW] : row;
		/* the first thing wrong is said; what follows is read all the same (--json) */
		if (c == ':')
			snprintf(why, sizeof(why), "needs a value");
		else if (!row)
			snprintf(why, sizeof(why), "unknown option");
		else if (!opt_set(o, row, optarg ?: row->bare, why, sizeof(why)))
			continue;
		if (!bad[0])
			snprintf(bad, sizeof(bad), "%s: %s", argv[optind - 1], why);
	}
	if (!bad[0] && optind < argc)
		snprintf(bad, sizeof(bad), "%s: unexpected argument", argv[optind]);
	verbose = o->verbose;
	json_output = o->json;
	if (bad[0])
		return bad_usage(cmd, "%s", bad);
	if (o->help)
		opts_usage(stdout, cmd);
	else if (o->version)
		print_version();
	return o->help || o->version ? OPTS_EXIT : 0;
}
