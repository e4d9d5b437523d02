// SPDX-License-Identifier: GPL-2.0
/*
 * What cannot be made from the table of options (lib/options.c) is checked against it: the man
 * pages, README.md, the bash completion and the sample config name every option the table has
 * for their program, and none it does not; where they give a default or a value, it is the
 * table's. Each check is also run on a copy with one option renamed, and must fail there.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "options.h"
#include "test.h"

#define MAN_OOMKILLER "man/oomkiller.8"
#define MAN_INSPECT   "man/oomkiller-inspect.8"
#define README	      "README.md"
#define COMPLETION    "dist/oomkiller.bash-completion"
#define SAMPLE_CONF   "dist/oomkiller.conf"

/* a check: the problems it found in text, each said on f */
typedef int (*check_fn)(const char *text, FILE *f);

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "re");

	if (f && getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	if (f)
		fclose(f);
	return text;
}

/* text with every "from" made "to", as a new string */
static char *replaced(const char *text, const char *from, const char *to)
{
	size_t n = 0, lf = strlen(from), lt = strlen(to);
	char *out = malloc(strlen(text) * (lt > lf ? lt : 1) + 1), *o = out;

	for (const char *p = text; out && *p;) {
		if (!strncmp(p, from, lf)) {
			memcpy(o, to, lt);
			o += lt;
			p += lf;
			n++;
		} else {
			*o++ = *p++;
		}
	}
	if (out)
		*o = '\0';
	return out;
}

/* the row of a long option of the programs cmds names, or NULL */
static const struct opt *row_of(const char *name, size_t len, unsigned int cmds)
{
	for (int i = 0; i < nr_options; i++)
		if ((options[i].cmds & cmds) && strlen(options[i].name) == len &&
		    !strncmp(options[i].name, name, len))
			return &options[i];
	return NULL;
}

/* text has lead, "--", name, then no more of a name: it names the option */
static bool named(const char *text, const char *lead, const char *name)
{
	char key[64];
	size_t n = snprintf(key, sizeof(key), "%s--%s", lead, name);

	for (const char *p = text; (p = strstr(p, key)); p += n)
		if (!islower((unsigned char)p[n]) && !isdigit((unsigned char)p[n]) && p[n] != '-')
			return true;
	return false;
}

/*
 * Every "--name" in text after lead (a backtick in README, nothing in a man page) is an option
 * of cmds, and every option of cmds is named. The problems, said on f.
 */
static int names(const char *text, const char *lead, unsigned int cmds, const char *doc, FILE *f)
{
	int bad = 0;

	for (const char *p = text; (p = strstr(p, lead)) && *p; p++) {
		size_t n;

		p += strlen(lead);
		if (strncmp(p, "--", 2) || !islower((unsigned char)p[2]))
			continue;
		n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
		if (!row_of(p + 2, n, cmds)) {
			fprintf(f, "  %s names --%.*s, which is no option of its program\n", doc,
				(int)n, p + 2);
			bad++;
		}
	}
	for (int i = 0; i < nr_options; i++) {
		if ((options[i].cmds & cmds) && !named(text, lead, options[i].name)) {
			fprintf(f, "  %s does not name --%s\n", doc, options[i].name);
			bad++;
		}
	}
	return bad;
}

/*
 * A man page as text: the font macros' arguments (those of the alternating ones joined), the
 * escapes resolved, a line that ends in \c joined to the next; the other macros kept as their
 * name alone.
 */
static char *man_text(const char *src)
{
	static const char *const escapes[][2] = {
		{ "\\-", "-" }, { "\\(aq", "'" }, { "\\(dq", "\"" }, { "\\e", "\\" },
		{ "\\fB", "" }, { "\\fI", "" },	  { "\\fR", "" },    { "\\fP", "" },
		{ "\\&", "" },	{ "\\c\n", "" },
	};
	char *out = malloc(strlen(src) + 1), *o = out;

	for (const char *p = src; out && *p;) {
		const char *end = strchrnul(p, '\n');
		size_t n = *p == '.' ? strcspn(p, " \n") : 0;
		bool alternating = n == 3 && strchr("BIR", p[1]) && strchr("BIR", p[2]);

		if (n > 2 && !alternating) {
			o += sprintf(o, "%.*s", (int)n, p);
		} else if (n) {
			/* arguments: words, or "quoted words"; one space between them, or none */
			for (p += n; p < end;) {
				bool quoted = *(p += strspn(p, " ")) == '"';
				size_t len = quoted ? strcspn(p + 1, "\"\n") : strcspn(p, " \n");

				if (p >= end)
					break;
				if (o > out && o[-1] != '\n' && !alternating)
					*o++ = ' ';
				memcpy(o, p + quoted, len);
				o += len;
				p += len + 2 * quoted;
			}
		} else {
			memcpy(o, p, end - p);
			o += end - p;
		}
		*o++ = '\n';
		p = *end ? end + 1 : end;
	}
	if (out)
		*o = '\0';
	for (size_t i = 0; out && i < ARRAY_SIZE(escapes); i++) {
		char *next = replaced(out, escapes[i][0], escapes[i][1]);

		free(out);
		out = next;
	}
	return out;
}

/*
 * A man page: the options of cmds, each under a .TP whose tag is the option as --help shows
 * it, with "Default: D." when the table has a default; and no other option.
 */
static int check_man(const char *src, unsigned int cmds, const char *doc, FILE *f)
{
	char *text = man_text(src), tag[128], def[128];
	int bad = text ? names(text, "", cmds, doc, f) : 1;

	for (int i = 0; text && i < nr_options; i++) {
		const struct opt *row = &options[i];
		const char *p, *next;
		char *body;

		if (!(row->cmds & cmds))
			continue;
		snprintf(tag, sizeof(tag), ".TP\n%s\n", opt_synopsis(row, def, sizeof(def)));
		p = strstr(text, tag);
		if (!p) {
			fprintf(f, "  %s has no paragraph tagged %s", doc, tag + 4);
			bad++;
			continue;
		}
		p += strlen(tag);
		for (next = p; *next && strncmp(next, "\n.TP\n", 5) && strncmp(next, "\n.S", 3);)
			next++;
		body = replaced(p, "\n", " ");
		body[next - p] = '\0';
		snprintf(def, sizeof(def), "Default: %s", row->def ?: "");
		if (row->def && !strstr(body, def)) {
			fprintf(f, "  %s: --%s: no \"%s\"\n", doc, row->name, def);
			bad++;
		}
		free(body);
	}
	free(text);
	return bad;
}

static int check_man_oomkiller(const char *text, FILE *f)
{
	return check_man(text, CMD_OOMKILLER, MAN_OOMKILLER, f);
}

static int check_man_inspect(const char *text, FILE *f)
{
	return check_man(text, CMD_INSPECT, MAN_INSPECT, f);
}

/* README: every option of both programs in backticks; in its tables, the table's defaults */
static int check_readme(const char *text, FILE *f)
{
	char row_start[128], syn[96], plain[64], quoted[64];
	int bad = names(text, "`", CMD_ALL, README, f);

	for (int i = 0; i < nr_options; i++) {
		const struct opt *row = &options[i];
		const char *p;

		snprintf(row_start, sizeof(row_start), "| `%s` | ",
			 opt_synopsis(row, syn, sizeof(syn)));
		p = strstr(text, row_start);
		if (!p || !row->def)
			continue;
		p += strlen(row_start);
		snprintf(plain, sizeof(plain), "%s |", row->def);
		snprintf(quoted, sizeof(quoted), "`%s` |", row->def);
		if (strncmp(p, plain, strlen(plain)) && strncmp(p, quoted, strlen(quoted))) {
			fprintf(f, "  %s: --%s: the default is %s\n", README, row->name, row->def);
			bad++;
		}
	}
	return bad;
}

/* The sample config: every key of the table, once each, as "# key = default", no other. */
static int check_sample_conf(const char *text, FILE *f)
{
	char key[64], want[160], *copy = strdup(text), *line, *save;
	bool seen[64] = {};
	int bad = 0;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const struct opt *row;
		int end = 0;

		/* "# key = value": %n is set once the '=' matched */
		if (sscanf(line, "# %63[a-z-] =%n", key, &end) != 1 || !end)
			continue;
		row = row_of(key, strlen(key), CMD_ALL);
		if (!row || !(row->flags & OPTF_CONF)) {
			fprintf(f, "  %s has %s, which is no key of the config file\n", SAMPLE_CONF,
				key);
			bad++;
			continue;
		}
		seen[row - options] = true;
		snprintf(want, sizeof(want), "# %s =%s%s", row->name, row->def ? " " : "",
			 row->def ?: "");
		if (strcmp(line, want)) {
			fprintf(f, "  %s: \"%s\", where the table has \"%s\"\n", SAMPLE_CONF, line,
				want);
			bad++;
		}
	}
	for (int i = 0; i < nr_options; i++) {
		if ((options[i].flags & OPTF_CONF) && !seen[i]) {
			fprintf(f, "  %s lacks %s\n", SAMPLE_CONF, options[i].name);
			bad++;
		}
	}
	free(copy);
	return bad;
}

/*
 * What the completion script in path offers for the words given (the last one being
 * completed), sorted, a line each, in out.
 */
static int complete(const char *path, const char *func, const char *words, char *out, size_t len)
{
	return sh(out, len,
		  "bash -c 'source %s; COMP_WORDS=(%s); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
		  "%s; printf \"%%s\\n\" \"${COMPREPLY[@]}\"' | sort",
		  path, words, func);
}

/* what the table says the completion offers for words: options, or values, sorted */
static void expected(unsigned int cmd, const struct opt *value_of, char *out, size_t len)
{
	char list[2048] = "";
	size_t n = 0;

	for (int i = 0; !value_of && i < nr_options; i++) {
		const struct opt *row = &options[i];
		bool takes = row->type >= OPT_YESNO && row->type <= OPT_FILE;

		if (!(row->cmds & cmd))
			continue;
		if (row->short_name)
			n += snprintf(list + n, sizeof(list) - n, "-%c\n", row->short_name);
		if (!takes || row->bare)
			n += snprintf(list + n, sizeof(list) - n, "--%s\n", row->name);
		if (takes)
			n += snprintf(list + n, sizeof(list) - n, "--%s=\n", row->name);
	}
	for (int i = 0; value_of && value_of->choices && value_of->choices[i].name; i++)
		n += snprintf(list + n, sizeof(list) - n, "%s\n", value_of->choices[i].name);
	for (int l = 0; value_of && (value_of->flags & OPTF_LIMIT) && l < OOMK_NR_LIMITS; l++)
		n += snprintf(list + n, sizeof(list) - n, "%s\n", limit_opt(l)->column);
	if (value_of && value_of->type == OPT_YESNO)
		snprintf(list, sizeof(list), "yes\nno\n");
	sh(out, len, "printf '%%s' '%s' | sort", list);
}

/* The completion: each command's options, and the values of those that have a few. */
static int check_completion_at(const char *path, FILE *f)
{
	static const struct {
		const char *prog, *cmd, *func;
		unsigned int bit;
	} cmds[] = {
		{ "oomkiller", "install", "_oomkiller", CMD_INSTALL },
		{ "oomkiller", "run", "_oomkiller", CMD_RUN },
		{ "oomkiller", "config", "_oomkiller", CMD_CONFIG },
		{ "oomkiller", "uninstall", "_oomkiller", CMD_UNINSTALL },
		{ "oomkiller", "status", "_oomkiller", CMD_STATUS },
		{ "oomkiller-inspect", "", "_oomkiller_inspect", CMD_INSPECT },
	};
	char words[256], got[4096], want[4096];
	int bad = 0;

	for (size_t c = 0; c < ARRAY_SIZE(cmds); c++) {
		snprintf(words, sizeof(words), "%s %s \"\"", cmds[c].prog, cmds[c].cmd);
		complete(path, cmds[c].func, words, got, sizeof(got));
		expected(cmds[c].bit, NULL, want, sizeof(want));
		if (strcmp(got, want)) {
			fprintf(f, "  %s: %s %s: offers\n%s  where the table has\n%s", COMPLETION,
				cmds[c].prog, cmds[c].cmd, got, want);
			bad++;
		}
		for (int i = 0; i < nr_options; i++) {
			const struct opt *row = &options[i];

			if (!(row->cmds & cmds[c].bit) ||
			    (row->type != OPT_CHOICE && row->type != OPT_YESNO))
				continue;
			snprintf(words, sizeof(words), "%s %s --%s = \"\"", cmds[c].prog,
				 cmds[c].cmd, row->name);
			complete(path, cmds[c].func, words, got, sizeof(got));
			expected(cmds[c].bit, row, want, sizeof(want));
			if (strcmp(got, want)) {
				fprintf(f, "  %s: %s %s --%s=: offers\n%s  where the table has\n%s",
					COMPLETION, cmds[c].prog, cmds[c].cmd, row->name, got,
					want);
				bad++;
			}
		}
	}
	return bad;
}

/* the completion script's text, written where bash can source it */
static int check_completion(const char *text, FILE *f)
{
	char path[] = "/tmp/oomk-completion.XXXXXX";
	int fd = mkstemp(path), bad;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		fprintf(f, "  writing %s failed\n", path);
		return 1;
	}
	close(fd);
	bad = check_completion_at(path, f);
	unlink(path);
	return bad;
}

/*
 * The check passes on the document as it is, and fails on a copy where max-fds (as the
 * document spells it) is renamed: it tells a missing option.
 */
static void check(const char *path, check_fn fn, const char *spelling, const char *renamed)
{
	char *text = slurp(path), *broken;
	FILE *null = fopen("/dev/null", "w");
	char what[128];

	if (!ASSERT_TRUE(text, path))
		return;
	snprintf(what, sizeof(what), "%s: every option of the table, and only those", path);
	ASSERT_EQ(fn(text, stderr), 0, what);
	broken = replaced(text, spelling, renamed);
	snprintf(what, sizeof(what), "%s with %s renamed: the check fails", path, spelling);
	ASSERT_TRUE(broken && strcmp(broken, text) && fn(broken, null) > 0, what);
	free(broken);
	free(text);
	fclose(null);
}

static void test_man_oomkiller(const char *pin_dir)
{
	check(MAN_OOMKILLER, check_man_oomkiller, "max\\-fds", "max\\-fxs");
}

static void test_man_inspect(const char *pin_dir)
{
	check(MAN_INSPECT, check_man_inspect, "\\-\\-kills", "\\-\\-kilns");
}

static void test_readme(const char *pin_dir)
{
	check(README, check_readme, "--max-fds", "--max-fxs");
}

static void test_completion(const char *pin_dir)
{
	check(COMPLETION, check_completion, "--max-fds", "--max-fxs");
}

static void test_sample_conf(const char *pin_dir)
{
	check(SAMPLE_CONF, check_sample_conf, "max-fds", "max-fxs");
}

/*
 * Every default of the table is a value its option takes, and opts_defaults() sets it: it
 * reads back as itself.
 */
static void test_table_defaults(const char *pin_dir)
{
	char why[256], text[64];
	struct opts o = {};

	for (int i = 0; i < nr_options; i++) {
		const struct opt *row = &options[i];

		if (!row->def)
			continue;
		why[0] = '\0';
		ASSERT_EQ(opt_set(&o, row, row->def, why, sizeof(why)), 0, row->name);
		ASSERT_STR(why, "", row->name);
	}
	opts_defaults(&o);
	ASSERT_EQ(o.given, 0, "the defaults are given by no source");
	for (int i = 0; i < nr_options; i++)
		if (options[i].def)
			ASSERT_STR(opt_text(&o, &options[i], 0, text, sizeof(text)) ?: "",
				   options[i].def, options[i].name);
}

TEST_MAIN(TEST(table_defaults), TEST(man_oomkiller), TEST(man_inspect), TEST(readme),
	  TEST(completion), TEST(sample_conf))
