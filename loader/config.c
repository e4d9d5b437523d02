// SPDX-License-Identifier: GPL-2.0
/* 'oomkiller config': the installed settings, shown, or changed live with every counter kept. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "loader.h"

static void print_settings(const char *pin_dir, const struct oomk_settings *set)
{
	char buf[160];

	printf("oomkiller at %s\n", pin_dir);
	printf("  names: %s\n", fmt_names(set, buf, sizeof(buf)));
	printf("  mem-threshold: %s\n", fmt_size(set->mem_threshold, buf, sizeof(buf)));
	printf("  limits: %s\n", fmt_limits(set, buf, sizeof(buf)));
	printf("  action: %s, grace %llu ms%s\n", set->action == OOMK_ACTION_TERM ? "term" : "kill",
	       (unsigned long long)set->grace_ms, set->dry_run ? "; DRY RUN" : "");
	printf("  tick: %u ms\n", set->tick_ms);
}

int config(int argc, char **argv, void (*help)(FILE *))
{
	struct install_opts o = { .pin_dir = OOMK_PIN_DIR };
	int lock = -1, err, ret = 1;

	/* a first pass finds --pin-dir and checks every option */
	err = parse_config_opts(argc, argv, &o, help);
	if (err)
		return err < 0 ? 0 : err;
	lock = pin_dir_lock(o.pin_dir, false);
	err = lock < 0 ? lock : pinned_settings(o.pin_dir, &o.set);
	if (err) {
		if (lock >= 0 || err == -ENOENT)
			pin_err(o.pin_dir, err);
		goto cleanup;
	}
	o.changed = false;
	o.name_from = o.exclude_from = 0;
	parse_config_opts(argc, argv, &o, help);
	if (o.changed) {
		err = write_pinned_settings(o.pin_dir, &o.set);
		if (err) {
			p_err("changing the settings: %s", strerror(-err));
			goto cleanup;
		}
	}
	if (o.json) {
		json_settings(stdout, &o.set);
		printf("\n");
	} else {
		print_settings(o.pin_dir, &o.set);
	}
	ret = 0;
cleanup:
	if (lock >= 0)
		close(lock);
	return ret;
}
