// SPDX-License-Identifier: GPL-2.0
/* --json: one document, stable keys, numbers as numbers, valid whatever a name holds. */
#include "inspect.h"

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
	json_num(f, "untracked_total", s->st.untracked_total, ", ");
	json_num(f, "kills", s->st.kills, ", ");
	json_num(f, "kills_overwritten", s->st.kills - s->nr_kills, "");
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
			json_num(f, limits[l].field, p->count[l], ", ");
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
		json_num(f, "signal", k->signal, ", ");
		json_bool(f, "dry_run", !k->signal, ", ");
		json_str(f, "by",
			 k->how == OOMK_BY_SWEEP ? "sweep" :
			 k->how == OOMK_BY_GRACE ? "grace" :
						   "event",
			 8, "}");
	}
	fprintf(f, "]\n");
}

void print_json(FILE *f, const struct snapshot *s)
{
	fprintf(f, "{\n");
	json_state(f, s);
	fprintf(f, "\"config\": ");
	json_settings(f, &s->set);
	fprintf(f, ",\n");
	json_procs(f, s);
	json_kills(f, s);
	fprintf(f, "}\n");
}
