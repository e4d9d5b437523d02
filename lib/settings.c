// SPDX-License-Identifier: GPL-2.0
/* The settings of an install, as a config file gives them and as JSON: from the table. */
#include "format.h"
#include "json_writer.h"
#include "options.h"
#include "settings.h"

/* the rows whose value is in struct oomk_settings */
static bool in_settings(const struct opt *row)
{
	return row->off + row->size <= sizeof(struct oomk_settings);
}

/* "key = value" lines of what 'config' changes: a config file that gives these settings */
void settings_print(FILE *f, const struct oomk_settings *set)
{
	const struct opts o = { .set = *set };
	char buf[VALUE_LEN];
	const char *v;

	for (int i = 0; i < nr_options; i++) {
		const struct opt *row = &options[i];

		if (!(row->cmds & CMD_CONFIG) || !(row->flags & OPTF_CONF) || !in_settings(row))
			continue;
		for (int n = 0; (v = opt_text(&o, row, n, buf, sizeof(buf))); n++)
			fprintf(f, "%s = %s\n", row->name, v);
	}
}

/* The settings as an object: the options' values, what install found, the ticker. */
void settings_json(json_writer_t *w, const struct oomk_settings *set)
{
	const struct opts o = { .set = *set };

	jsonw_start_object(w);
	for (int i = 0; i < nr_options; i++)
		if (options[i].json && in_settings(&options[i]))
			opt_json(w, &o, &options[i]);
	jsonw_name(w, "unavailable");
	jsonw_start_array(w);
	for (int i = 0; i < OOMK_NR_LIMITS; i++)
		if (!(set->active & (1 << i)))
			jsonw_string(w, limit_opt(i)->column);
	jsonw_end_array(w);
	jsonw_bool_field(w, "signal_task", set->features & OOMK_FEAT_SIGNAL_TASK);
	jsonw_uint_field(w, "ticker_pid", set->ticker_pid);
	jsonw_end_object(w);
}
