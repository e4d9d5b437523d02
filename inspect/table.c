// SPDX-License-Identifier: GPL-2.0
/* The text views: a header, the process table, the kill log; columns aligned like ps. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "cgroups.h"
#include "inspect.h"

static int sort_key;
static const struct oomk_settings *sort_set;

/* How close p is to the limit it is nearest to: 1.0 at the limit. */
static double nearest(const struct oomk_proc *p)
{
	double f = 0;

	for (int i = 0; i < OOMK_NR_LIMITS; i++) {
		__u64 max = sort_set->max[i];

		if (max && (double)p->count[i] / max > f)
			f = (double)p->count[i] / max;
	}
	return f;
}

static int cmp_desc(double a, double b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_rows(const void *x, const void *y)
{
	const struct proc_row *a = x, *b = y;
	int c;

	switch (sort_key) {
	case SORT_NEAREST:
		c = cmp_desc(nearest(&a->p), nearest(&b->p));
		break;
	case SORT_PID:
		c = 0;
		break;
	case SORT_NAME:
		c = strcmp(a->p.comm, b->p.comm);
		break;
	case SORT_STATE:
		c = cmp_desc(a->p.state, b->p.state);
		break;
	default:
		c = cmp_desc(a->p.count[sort_key - SORT_LIMIT], b->p.count[sort_key - SORT_LIMIT]);
	}
	return c ?: (a->pid > b->pid) - (a->pid < b->pid);
}

void sort_procs(struct snapshot *s, int sort)
{
	sort_key = sort;
	sort_set = &s->set;
	qsort(s->procs, s->nr_procs, sizeof(*s->procs), cmp_rows);
}

const char *state_word(const struct oomk_proc *p)
{
	static const char *const words[] = { [OOMK_OK] = "ok",
					     [OOMK_OVER] = "over",
					     [OOMK_KILLED] = "killed",
					     [OOMK_TERMED] = "termed",
					     [OOMK_SPARED] = "spared" };

	return p->state < sizeof(words) / sizeof(words[0]) ? words[p->state] : "?";
}

/* "over:writes" names the limit crossed while the gate was closed */
const char *state_name(const struct oomk_proc *p, char *buf, size_t len)
{
	if (p->state != OOMK_OVER)
		return state_word(p);
	snprintf(buf, len, "over:%s", limit_opt(limit_index(p->limit))->column);
	return buf;
}

/* A comm is any 15 bytes: show what a terminal cannot as '?', as ps does. */
static const char *printable(const char *comm, char *buf)
{
	int i;

	for (i = 0; i < OOMK_COMM_LEN - 1 && comm[i]; i++)
		buf[i] = isprint((unsigned char)comm[i]) ? comm[i] : '?';
	buf[i] = '\0';
	return buf;
}

/*
 * The path of the cgroup of id in the policy's hierarchy ("/oomk-test/unit"), or its id where
 * it is gone; each id looked up once, a walk of the hierarchy.
 */
const char *cgroup_name(__u64 id, char *buf, size_t len)
{
	static struct {
		__u64 id;
		char path[128];
	} seen[64];
	static char root[PATH_MAX];
	static int nr, looked;
	bool v1;

	for (int i = 0; i < nr && i < (int)ARRAY_SIZE(seen); i++)
		if (seen[i].id == id)
			return snprintf(buf, len, "%s", seen[i].path), buf;
	if (!looked++ && cgroup_mount(root, sizeof(root), &v1))
		root[0] = '\0';
	if (!root[0] || !cgroup_path(root, id, buf, len))
		snprintf(buf, len, "#%llu", (unsigned long long)id);
	seen[nr % ARRAY_SIZE(seen)].id = id;
	snprintf(seen[nr % ARRAY_SIZE(seen)].path, sizeof(seen[0].path), "%s", buf);
	nr++;
	return buf;
}

void print_header(FILE *f, const char *pin_dir, const struct snapshot *s)
{
	char a[NUM_LEN], b[NUM_LEN], c[VALUE_LEN], lim[256], names[160], libcs[OOMK_LIBCS * 64];
	const struct opts o = { .set = s->set };

	fprintf(f, "oomkiller at %s: gate %s, %s of %s RAM used, threshold %s\n", pin_dir,
		global_gates_open(s) ? "OPEN" : "closed", fmt_size(s->st.used, a, sizeof(a)),
		fmt_size(s->st.total, b, sizeof(b)),
		opt_text(&o, opt_by_name("mem-threshold", CMD_POLICY), 0, c, sizeof(c)));
	fprintf(f, "gates: %s\n", fmt_gate_readings(&s->set, &s->st, lim, sizeof(lim)));
	fprintf(f, "ticker %u%s, last reading %.1fs ago%s\n", s->set.ticker_pid,
		s->ticker_running ? "" : " (NOT RUNNING)", s->age_ms / 1000.0,
		s->stale ? " STALE" : "");
	fprintf(f, "paths: %s\n", fmt_paths(&s->set, lim, sizeof(lim)));
	fprintf(f, "limits: %s; names containing %s; killed: the %s\n",
		fmt_limits(&s->set, lim, sizeof(lim)), fmt_names(&s->set, names, sizeof(names)),
		unit_name(s->set.unit));
	if (s->set.dry_run || s->set.action == OOMK_ACTION_TERM)
		fprintf(f, "%s%s\n", s->set.dry_run ? "DRY RUN: nothing is signalled; " : "",
			s->set.action == OOMK_ACTION_TERM ?
				"SIGTERM first, SIGKILL after the grace" :
				"SIGKILL");
	fprintf(f, "tracked %d", s->nr_procs);
	if (s->st.untracked)
		fprintf(f, ", UNTRACKED %llu (procs is full: --max-procs)",
			(unsigned long long)s->st.untracked);
	fprintf(f, ", kills %llu\n", (unsigned long long)s->st.kills);
	fprintf(f, "rand() probed in: %s\n\n", fmt_libcs(s, libcs, sizeof(libcs)));
}

/* A column per limit, headed by its name in capitals, its values as its option takes them. */
void print_procs(FILE *f, const struct snapshot *s)
{
	char name[OOMK_COMM_LEN], head[NUM_LEN], v[NUM_LEN], state[32], why[32], cg[PATH_MAX];

	fprintf(f, "%7s %-15s %-11s", "PID", "NAME", "WHY");
	for (int l = 0; l < OOMK_NR_LIMITS; l++) {
		int i = 0;

		for (; limit_opt(l)->column[i] && i < NUM_LEN - 1; i++)
			head[i] = toupper((unsigned char)limit_opt(l)->column[i]);
		head[i] = '\0';
		fprintf(f, " %7s", head);
	}
	fprintf(f, " %-11s %s\n", "STATE", "CGROUP");
	for (int i = 0; i < s->nr_procs; i++) {
		const struct oomk_proc *p = &s->procs[i].p;

		fprintf(f, "%7u %-15s %-11s", s->procs[i].pid, printable(p->comm, name),
			fmt_why(p->why, why, sizeof(why)));
		for (int l = 0; l < OOMK_NR_LIMITS; l++)
			fprintf(f, " %7s", fmt_limit(l, p->count[l], v, sizeof(v)));
		fprintf(f, " %-11s %s\n", state_name(p, state, sizeof(state)),
			cgroup_name(p->cgroup, cg, sizeof(cg)));
	}
}

void print_kills(FILE *f, const struct snapshot *s)
{
	char when[32], name[OOMK_COMM_LEN], v[NUM_LEN], max[NUM_LEN], used[NUM_LEN], th[NUM_LEN];
	char gates[32];

	fprintf(f, "%-19s %7s %-15s %-7s %8s %8s %7s %9s %-7s %-7s %9s %s\n", "TIME", "PID", "NAME",
		"LIMIT", "VALUE", "MAX", "USED", "THRESHOLD", "BY", "UNIT", "SIGNALLED", "GATES");
	for (int i = 0; i < s->nr_kills; i++) {
		const struct oomk_kill *k = &s->kills[i];
		int limit = limit_index(k->limit);
		time_t t = wall_time(s, k->time_ns);

		strftime(when, sizeof(when), "%F %T", localtime(&t));
		fprintf(f, "%-19s %7u %-15s %-7s %8s %8s %7s %9s %-7s %-7s %9u %s\n", when, k->pid,
			printable(k->comm, name), limit_opt(limit)->column,
			fmt_limit(limit, k->value, v, sizeof(v)),
			fmt_limit(limit, k->max, max, sizeof(max)),
			fmt_size(k->used, used, sizeof(used)),
			fmt_size(k->mem_threshold, th, sizeof(th)),
			!k->signal		? "dry-run" :
			k->signal == SIGTERM_NR ? "term" :
						  how_name(k->how),
			unit_name(k->unit), k->signalled,
			fmt_gates(k->gates, gates, sizeof(gates)));
	}
	if (s->st.kills > OOMK_KILL_LOG)
		fprintf(f, "(%llu older kills overwritten: the log keeps the last %d)\n",
			(unsigned long long)(s->st.kills - OOMK_KILL_LOG), OOMK_KILL_LOG);
}
