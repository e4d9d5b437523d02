// SPDX-License-Identifier: GPL-2.0
/* --json: one document, stable keys, numbers as numbers, valid whatever a name holds. */
#include <limits.h>
#include <string.h>
#include "inspect.h"

/* "ram,psi" as ["ram", "psi"] */
static void json_words(json_writer_t *w, const char *name, const char *words)
{
	char word[32];

	jsonw_name(w, name);
	jsonw_start_array(w);
	while (*words) {
		size_t n = strcspn(words, ",");

		snprintf(word, sizeof(word), "%.*s", (int)n, words);
		if (strcmp(word, "none"))
			jsonw_string(w, word);
		words += n + (words[n] == ',');
	}
	jsonw_end_array(w);
}

static void json_state(json_writer_t *w, const struct snapshot *s)
{
	jsonw_name(w, "state");
	jsonw_start_object(w);
	char buf[32];

	jsonw_bool_field(w, "gate", global_gates_open(s));
	json_words(w, "gates", fmt_gates(gates_asked(&s->set), buf, sizeof(buf)));
	json_words(w, "gates_open", fmt_gates(s->st.gate & gates_asked(&s->set), buf, sizeof(buf)));
	jsonw_uint_field(w, "psi_avg10", s->st.psi_avg10);
	jsonw_uint_field(w, "total", s->st.total);
	jsonw_uint_field(w, "used", s->st.used);
	jsonw_uint_field(w, "readings", s->st.readings);
	jsonw_uint_field(w, "reading_age_ms", s->age_ms);
	jsonw_bool_field(w, "stale", s->stale);
	jsonw_uint_field(w, "ticker_pid", s->set.ticker_pid);
	jsonw_bool_field(w, "ticker_running", s->ticker_running);
	jsonw_uint_field(w, "tracked", s->nr_procs);
	jsonw_uint_field(w, "untracked", s->st.untracked);
	jsonw_uint_field(w, "untracked_total", s->st.untracked_total);
	jsonw_uint_field(w, "kills", s->st.kills);
	jsonw_uint_field(w, "kills_overwritten", s->st.kills - s->nr_kills);
	jsonw_end_object(w);
}

/* a counter per limit, keyed as the table of options says; what it is over, if anything */
static void json_procs(json_writer_t *w, const struct snapshot *s)
{
	char buf[32], cg[PATH_MAX];

	jsonw_name(w, "processes");
	jsonw_start_array(w);
	for (int i = 0; i < s->nr_procs; i++) {
		const struct oomk_proc *p = &s->procs[i].p;

		jsonw_start_object(w);
		jsonw_uint_field(w, "pid", s->procs[i].pid);
		jsonw_name(w, "name");
		jsonw_bytes(w, p->comm, sizeof(p->comm));
		for (int l = 0; l < OOMK_NR_LIMITS; l++)
			jsonw_uint_field(w, limit_opt(l)->counter, p->count[l]);
		json_words(w, "why", fmt_why(p->why, buf, sizeof(buf)));
		jsonw_string_field(w, "cgroup", cgroup_name(p->cgroup, cg, sizeof(cg)));
		jsonw_uint_field(w, "cgroup_id", p->cgroup);
		jsonw_string_field(w, "state", state_word(p));
		jsonw_name(w, "limit");
		if (p->state == OOMK_OK) {
			jsonw_null(w);
		} else {
			jsonw_string(w, limit_opt(limit_index(p->limit))->column);
			jsonw_uint_field(w, "value", p->value);
			jsonw_uint_field(w, "max", p->max);
		}
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static void json_kills(json_writer_t *w, const struct snapshot *s)
{
	char buf[32];

	jsonw_name(w, "kills");
	jsonw_start_array(w);
	for (int i = 0; i < s->nr_kills; i++) {
		const struct oomk_kill *k = &s->kills[i];

		jsonw_start_object(w);
		jsonw_uint_field(w, "seq", k->seq);
		jsonw_uint_field(w, "time", wall_time(s, k->time_ns));
		jsonw_uint_field(w, "pid", k->pid);
		jsonw_name(w, "name");
		jsonw_bytes(w, k->comm, sizeof(k->comm));
		jsonw_string_field(w, "limit", limit_opt(limit_index(k->limit))->column);
		jsonw_uint_field(w, "value", k->value);
		jsonw_uint_field(w, "max", k->max);
		jsonw_uint_field(w, "used", k->used);
		jsonw_uint_field(w, "mem_threshold", k->mem_threshold);
		jsonw_uint_field(w, "signal", k->signal);
		jsonw_bool_field(w, "dry_run", !k->signal);
		jsonw_string_field(w, "by", how_name(k->how));
		jsonw_string_field(w, "unit", unit_name(k->unit));
		jsonw_uint_field(w, "signalled", k->signalled);
		json_words(w, "gates", fmt_gates(k->gates, buf, sizeof(buf)));
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

void print_json(FILE *f, const struct snapshot *s)
{
	json_writer_t *w = jsonw_new(f);

	if (!w)
		return;
	jsonw_pretty(w, true);
	jsonw_start_object(w);
	json_state(w, s);
	jsonw_name(w, "config");
	settings_json(w, &s->set);
	json_procs(w, s);
	json_kills(w, s);
	jsonw_end_object(w);
	jsonw_destroy(&w);
}
