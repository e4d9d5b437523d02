// SPDX-License-Identifier: GPL-2.0
/* JSON output, shared by 'oomkiller config --json' and oomkiller-inspect --json. */
#include "format.h"
#include "json.h"

/* A comm is bytes, not UTF-8: escape all but printable ASCII so any parser takes it. */
void json_str(FILE *f, const char *key, const char *s, size_t len, const char *sep)
{
	if (key)
		fprintf(f, "\"%s\": ", key);
	fputc('"', f);
	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fprintf(f, "\"%s", sep);
}

void json_num(FILE *f, const char *key, __u64 v, const char *sep)
{
	fprintf(f, "\"%s\": %llu%s", key, (unsigned long long)v, sep);
}

void json_bool(FILE *f, const char *key, bool v, const char *sep)
{
	fprintf(f, "\"%s\": %s%s", key, v ? "true" : "false", sep);
}

static void json_list(FILE *f, const char *key, const char list[][OOMK_COMM_LEN], const char *sep)
{
	fprintf(f, "\"%s\": [", key);
	for (int i = 0; i < OOMK_PATTERNS && list[i][0]; i++) {
		fprintf(f, "%s", i ? ", " : "");
		json_str(f, NULL, list[i], OOMK_COMM_LEN, "");
	}
	fprintf(f, "]%s", sep);
}

/* The settings as an object; keys are the names of struct oomk_settings' fields. */
void json_settings(FILE *f, const struct oomk_settings *set)
{
	fprintf(f, "{");
	json_list(f, "name", set->name, ", ");
	json_list(f, "exclude", set->exclude, ", ");
	json_num(f, "mem_threshold", set->mem_threshold, ", ");
	for (int i = 0; i < OOMK_NR_LIMITS; i++) {
		char key[32];

		snprintf(key, sizeof(key), "max_%s", limits[i].name);
		json_num(f, key, set->max[i], ", ");
	}
	fprintf(f, "\"unavailable\": [");
	for (int i = 0, n = 0; i < OOMK_NR_LIMITS; i++)
		if (!(set->active & (1 << i)))
			fprintf(f, "%s\"%s\"", n++ ? ", " : "", limits[i].name);
	fprintf(f, "], ");
	json_str(f, "action", set->action == OOMK_ACTION_TERM ? "term" : "kill", 8, ", ");
	json_num(f, "grace_ms", set->grace_ms, ", ");
	json_bool(f, "dry_run", set->dry_run, ", ");
	json_str(f, "backend",
		 set->backend == OOMK_MEM_FEXIT	 ? "fexit" :
		 set->backend == OOMK_MEM_KPROBE ? "kprobe" :
						   "sysinfo",
		 16, ", ");
	json_str(f, "hooks", set->hooks == OOMK_HOOKS_FEXIT ? "fexit" : "sys_exit", 16, ", ");
	json_bool(f, "signal_task", set->features & OOMK_FEAT_SIGNAL_TASK, ", ");
	json_num(f, "ticker_pid", set->ticker_pid, ", ");
	json_num(f, "tick_ms", set->tick_ms, "");
	fprintf(f, "}");
}
