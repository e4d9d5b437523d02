// SPDX-License-Identifier: GPL-2.0
/* --version: this build and its pin schema, what this kernel offers, the path each part takes. */
#include <stdio.h>
#include <sys/utsname.h>
#include "common.h"
#include "json_writer.h"
#include "options.h"
#include "probe.h"
#include "version.h"

const char oomk_version[] = OOMK_VERSION;

struct feature {
	const char *key, *label; /* in JSON, in text */
	bool on;
};

static void print_json(const char *kernel, const struct feature *feats, int n, bool probed,
		       const struct oomk_settings *set)
{
	const struct opts o = { .set = *set };
	json_writer_t *w = jsonw_new(stdout);

	if (!w)
		return;
	jsonw_start_object(w);
	jsonw_string_field(w, "version", oomk_version);
	jsonw_uint_field(w, "schema", OOMK_SCHEMA);
	jsonw_string_field(w, "kernel", kernel);
	jsonw_bool_field(w, "probed", probed);
	jsonw_name(w, "features");
	jsonw_start_object(w);
	for (int i = 0; probed && i < n; i++)
		jsonw_bool_field(w, feats[i].key, feats[i].on);
	jsonw_end_object(w);
	/* the paths as the settings name them: "backend", "hooks" */
	jsonw_name(w, "paths");
	jsonw_start_object(w);
	if (probed) {
		opt_json(w, &o, opt_by_name("meminfo", CMD_INSTALL));
		opt_json(w, &o, opt_by_name("hooks", CMD_INSTALL));
	}
	jsonw_end_object(w);
	jsonw_end_object(w);
	jsonw_destroy(&w);
}

/* What this kernel offers, and the path each part takes there: set */
static void show(const char *kernel, const struct features *f, const struct oomk_settings *set)
{
	const struct feature feats[] = {
		{ "signal_task", "bpf_send_signal_task", f->feat & OOMK_FEAT_SIGNAL_TASK },
		{ "task_iter", "bpf_iter_task", f->feat & OOMK_FEAT_TASK_ITER },
		{ "rdonly_cast", "bpf_rdonly_cast", f->feat & OOMK_FEAT_RDONLY_CAST },
		{ "fexit_meminfo", "fexit/si_meminfo", f->fexit_meminfo },
		{ "kprobe_meminfo", "kprobe/si_meminfo", f->kprobe_meminfo },
		{ "fexit_hooks", "fexit on the VFS", f->fexit_hooks },
	};
	char paths[256];

	if (json_output) {
		print_json(kernel, feats, ARRAY_SIZE(feats), !f->denied, set);
		return;
	}
	printf("%s %s, pin schema %d\nkernel %s\nfeatures:", progname, oomk_version, OOMK_SCHEMA,
	       kernel);
	if (f->denied)
		printf(" not probed: loading programs needs root (CAP_BPF)");
	for (size_t i = 0; !f->denied && i < ARRAY_SIZE(feats); i++)
		printf("%s %s %s", i ? "," : "", feats[i].label, feats[i].on ? "yes" : "no");
	printf("\n");
	if (!f->denied)
		printf("paths: %s\n", fmt_paths(set, paths, sizeof(paths)));
}

void print_version(void)
{
	struct oomk_settings set = { .backend = CHOICE_AUTO, .hooks = CHOICE_AUTO };
	struct features f;
	struct utsname u;

	uname(&u);
	probe_features(&f);
	if (!f.denied)
		choose_paths(&f, &set);
	show(u.release, &f, &set);
}
