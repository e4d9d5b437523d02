// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics in the text format that promtool and node_exporter's textfile collector read
 * (Prometheus 0.0.4): base units, _total on counters, TYPE and HELP naming the samples, and
 * OpenMetrics' "# EOF" at the end, a comment to the 0.0.4 parsers.
 */
#include "format.h"
#include "metrics.h"
#include "options.h"
#include "version.h"

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void gauge(FILE *f, const char *name, const char *help, unsigned long long v)
{
	family(f, name, "gauge", help);
	fprintf(f, "%s %llu\n", name, v);
}

static void counter(FILE *f, const char *name, const char *help, unsigned long long v)
{
	family(f, name, "counter", help);
	fprintf(f, "%s %llu\n", name, v);
}

void print_metrics(FILE *f, const struct snapshot *s)
{
	const struct opts o = { .set = s->set };
	char buf[NUM_LEN];

	gauge(f, "oomkiller_up", "1 when the ticker runs and its readings are fresh.",
	      s->ticker_running && !s->stale);
	family(f, "oomkiller_info", "gauge", "The build, its pin schema, who reads si_meminfo.");
	fprintf(f, "oomkiller_info{version=\"%s\",schema=\"%d\",backend=\"%s\"} 1\n", oomk_version,
		OOMK_SCHEMA,
		opt_text(&o, opt_by_name("meminfo", CMD_INSTALL), 0, buf, sizeof(buf)));
	gauge(f, "oomkiller_gate_open",
	      "1 when the RAM and PSI gates asked for are open (the cgroup gate is per candidate).",
	      global_gates_open(s));
	gauge(f, "oomkiller_ram_used_bytes", "RAM used, totalram - freeram, at the last reading.",
	      s->st.used);
	gauge(f, "oomkiller_ram_total_bytes", "RAM, at the last reading.", s->st.total);
	gauge(f, "oomkiller_mem_threshold_bytes", "RAM used at which killing starts.",
	      s->set.mem_threshold);
	family(f, "oomkiller_reading_age_seconds", "gauge",
	       "Since the last reading of si_meminfo.");
	fprintf(f, "oomkiller_reading_age_seconds %.3f\n", s->age_ms / 1000.0);
	counter(f, "oomkiller_readings_total", "Readings of si_meminfo since install.",
		s->st.readings);
	gauge(f, "oomkiller_candidates", "Candidates tracked now.", s->nr_procs);
	gauge(f, "oomkiller_untracked", "Candidates alive now that procs had no room for.",
	      s->st.untracked);
	counter(f, "oomkiller_untracked_total", "Candidates left untracked since install.",
		s->st.untracked_total);
	family(f, "oomkiller_kills_total", "counter",
	       "Kills since install (would-be kills in a dry run), by limit and by what acted.");
	for (int l = 0; l < OOMK_NR_LIMITS; l++)
		for (int how = 0; how < OOMK_NR_BY; how++)
			fprintf(f, "oomkiller_kills_total{limit=\"%s\",how=\"%s\"} %llu\n",
				limit_opt(l)->column, how_name(how),
				(unsigned long long)s->st.kills_by[l][how]);
	family(f, "oomkiller_limit", "gauge", "Each limit in force, bytes for read; 0: off.");
	for (int l = 0; l < OOMK_NR_LIMITS; l++)
		fprintf(f, "oomkiller_limit{limit=\"%s\"} %llu\n", limit_opt(l)->column,
			(unsigned long long)s->set.max[l]);
	gauge(f, "oomkiller_dry_run", "1 in a dry run: kills are logged, nothing is signalled.",
	      s->set.dry_run);
	fprintf(f, "# EOF\n");
}
