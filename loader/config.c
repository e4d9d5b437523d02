// SPDX-License-Identifier: GPL-2.0
/*
 * The config file, and 'oomkiller config': the settings from the sources that give them, each
 * over the one before (the defaults, or the installed settings; the file; the command line),
 * and the installed ones shown, or changed live with every counter kept.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "loader.h"

/* s without the white space around it, in place */
static char *trim(char *s)
{
	char *end = s + strlen(s);

	while (isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/*
 * "key = value" lines, the keys those of cmd's options the file may set, '#' comments, into o;
 * o->text holds the file, which values point into. 0, or 2 once a bad line was said.
 */
static int read_config(struct opts *o, const char *path, unsigned int cmd)
{
	char why[256], *line, *next, *val;
	const struct opt *row;
	FILE *f = fopen(path, "re");
	int nr = 0, err = errno;
	size_t len = 0;
	ssize_t n = 0;

	if (f) {
		n = getdelim(&o->text, &len, '\0', f);
		err = ferror(f) ? errno : 0;
		fclose(f);
	}
	if (!f || err) {
		p_err("--config=%s: %s", path, strerror(err));
		return 2;
	}
	for (line = n > 0 ? o->text : NULL; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		nr++;
		line[strcspn(line, "#")] = '\0';
		if (!*trim(line))
			continue;
		val = strchr(line, '=');
		if (!val) {
			p_err("%s:%d: expected key = value", path, nr);
			return 2;
		}
		*val++ = '\0';
		line = trim(line);
		row = opt_by_name(line, cmd);
		if (!row || !(row->flags & OPTF_CONF)) {
			p_err("%s:%d: %s: no such setting", path, nr, line);
			return 2;
		}
		if (opt_set(o, row, trim(val), why, sizeof(why))) {
			p_err("%s:%d: %s: %s", path, nr, line, why);
			return 2;
		}
	}
	return 0;
}

/* What base and the file at path (if any) give, under what the command line gave: into o. */
static int layer(struct opts *o, struct opts *base, const char *path, unsigned int cmd)
{
	if (path && read_config(base, path, cmd)) {
		opts_free(base);
		return 2;
	}
	opts_merge(base, o);
	*o = *base;
	return 0;
}

/* install and run: the defaults, then --config or /etc/oomkiller.conf if it exists, then o. */
int load_config(struct opts *o, unsigned int cmd)
{
	const char *path = o->config ?: !access(OOMK_CONFIG, F_OK) ? OOMK_CONFIG : NULL;
	struct opts base;

	opts_defaults(&base);
	return layer(o, &base, path, cmd);
}

static void print_settings(const struct opts *o)
{
	json_writer_t *w = json_output ? jsonw_new(stdout) : NULL;

	if (w) {
		settings_json(w, &o->set);
		jsonw_destroy(&w);
		return;
	}
	printf("# oomkiller at %s\n", o->pin_dir);
	settings_print(stdout, &o->set);
}

/* 'oomkiller config': the installed settings, then --config's, then the command line's. */
int config(struct opts *o)
{
	struct opts base;
	int lock, err, ret = 1;

	opts_defaults(&base);
	lock = pin_dir_lock(o->pin_dir, false);
	err = lock < 0 ? lock : pinned_settings(o->pin_dir, &base.set);
	if (err) {
		if (lock >= 0 || err == -ENOENT)
			pin_err(o->pin_dir, err);
		goto cleanup;
	}
	ret = layer(o, &base, o->config, CMD_CONFIG);
	if (ret)
		goto cleanup;
	if (opts_changes(o) && resolve_cgroups(&o->set)) {
		ret = 1;
		goto cleanup;
	}
	err = opts_changes(o) ? write_pinned_settings(o->pin_dir, &o->set) : 0;
	if (err) {
		p_err("changing the settings: %s", strerror(-err));
		ret = 1;
		goto cleanup;
	}
	print_settings(o);
cleanup:
	if (lock >= 0)
		close(lock);
	return ret;
}
