// SPDX-License-Identifier: GPL-2.0
/* --json: one document, stable keys, numbers as numbers, valid whatever a name holds. */
#include "inspect.h"

/* A comm is bytes, not UTF-8: escape all but printable ASCII so any parser takes it. */
static void json_str(FILE *f, const char *key, const char *s, size_t len, const char *sep)
{
	fprintf(f, "\"%s\": \"", key);
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

static void json_num(FILE *f, const char *key, __u64 v, const char *sep)
{
	fprintf(f, "\"%s\": %llu%s", key, (unsigned long long)v, sep);
}

static void json_bool(FILE *f, const char *key, bool v, const char *sep)
{
	fprintf(f, "\"%s\": %s%s", key, v ? "true" : "false", sep);
}

static void json_state(FILE *f, const struct snapshot *s)
{
	fprintf(f, "\"state\": {");
	json_bool(f, "gate", s->st.gate, ", ");
	json_num(f, "total", s->st.total, ", ");
	json_num(f, "used", s->st.used, ", ");
	json_num(f, "readings", s->st.readings, ", ");
	json_num(f, "reading_age_ms", s->age_ms, ", ");
	json_bool(f, "stale", s->stale, ", ");
	json_num(f, "ticker_pid", s->set.ticker_pid, ", ");
	json_bool(f, "ticker_running", s->ticker_running, ", ");
	json_num(f, "tracked", s->nr_procs, ", ");
	json_num(f, "untracked", s->st.untracked, ", ");
	json_num(f, "kills", s->st.kills, ", ");
	json_num(f, "kills_overwritten", s->st.kills - s->nr_kills, "");
	fprintf(f, "},\n");
}

static void json_config(FILE *f, const struct snapshot *s)
{
	fprintf(f, "\"config\": {");
	json_str(f, "name", s->set.name, sizeof(s->set.name), ", ");
	json_num(f, "mem_threshold", s->set.mem_threshold, ", ");
	for (int i = 0; i < OOMK_NR_LIMITS; i++) {
		char key[32];

		snprintf(key, sizeof(key), "max_%s", limits[i].name);
		json_num(f, key, *limit_max((struct oomk_settings *)&s->set, i), ", ");
	}
	fprintf(f, "\"unavailable\": [");
	for (int i = 0, n = 0; i < OOMK_NR_LIMITS; i++)
		if (!(s->set.active & (1 << i)))
			fprintf(f, "%s\"%s\"", n++ ? ", " : "", limits[i].name);
	fprintf(f, "], ");
	json_str(f, "backend", s->set.backend == OOMK_MEM_FEXIT ? "fexit" : "sysinfo", 16, ", ");
	json_num(f, "tick_ms", s->set.tick_ms, "");
	fprintf(f, "},\n");
}

static void json_procs(FILE *f, const struct snapshot *s)
{
	fprintf(f, "\"processes\": [");
	for (int i = 0; i < s->nr_procs; i++) {
		const struct oomk_proc *p = &s->procs[i].p;

		fprintf(f, "%s\n  {", i ? "," : "");
		json_num(f, "pid", s->procs[i].pid, ", ");
		json_str(f, "name", p->comm, sizeof(p->comm), ", ");
		for (int l = 0; l < OOMK_NR_LIMITS; l++)
			json_num(f, limits[l].field, limit_count(p, l), ", ");
		json_str(f, "state", state_word(p), 8, ", ");
		if (p->state == OOMK_OK) {
			fprintf(f, "\"limit\": null}");
			continue;
		}
		json_str(f, "limit", limits[limit_index(p->limit)].name, 16, ", ");
		json_num(f, "value", p->value, ", ");
		json_num(f, "max", p->max, "}");
	}
	fprintf(f, "],\n");
}

static void json_kills(FILE *f, const struct snapshot *s)
{
	fprintf(f, "\"kills\": [");
	for (int i = 0; i < s->nr_kills; i++) {
		const struct oomk_kill *k = &s->kills[i];

		fprintf(f, "%s\n  {", i ? "," : "");
		json_num(f, "seq", k->seq, ", ");
		json_num(f, "time", wall_time(s, k->time_ns), ", ");
		json_num(f, "pid", k->pid, ", ");
		json_str(f, "name", k->comm, sizeof(k->comm), ", ");
		json_str(f, "limit", limits[limit_index(k->limit)].name, 16, ", ");
		json_num(f, "value", k->value, ", ");
		json_num(f, "max", k->max, ", ");
		json_num(f, "used", k->used, ", ");
		json_num(f, "mem_threshold", k->mem_threshold, ", ");
		json_str(f, "by", k->how == OOMK_BY_SWEEP ? "sweep" : "event", 8, "}");
	}
	fprintf(f, "]\n");
}

void print_json(FILE *f, const struct snapshot *s)
{
	fprintf(f, "{\n");
	json_state(f, s);
	json_config(f, s);
	json_procs(f, s);
	json_kills(f, s);
	fprintf(f, "}\n");
}
