// SPDX-License-Identifier: GPL-2.0
/* oomkiller-inspect: what the BPF side is doing, read from the pinned maps and nothing else. */
#include <unistd.h>
#include "inspect.h"

static const struct command inspect = {
	.bit = CMD_INSPECT,
	.synopsis = "oomkiller-inspect [OPTIONS]",
	.about = "Show the memory gate, the limits, every tracked candidate and the kill log, as "
		 "the maps pinned by 'oomkiller install' hold them. Needs root.",
};

/* One frame; in --watch on a terminal, drawn over the last one, as top does. */
static int show(const struct opts *o, bool redraw)
{
	struct snapshot s;
	int err = snapshot_read(o->pin_dir, &s);

	if (err) {
		pin_err(o->pin_dir, err);
		return 1;
	}
	sort_procs(&s, o->sort);
	if (redraw)
		printf("\033[H\033[2J");
	if (o->json) {
		print_json(stdout, &s);
	} else if (o->format == FORMAT_OPENMETRICS) {
		print_metrics(stdout, &s);
	} else if (o->kills) {
		print_kills(stdout, &s);
	} else {
		print_header(stdout, o->pin_dir, &s);
		print_procs(stdout, &s);
	}
	fflush(stdout);
	snapshot_free(&s);
	return 0;
}

int main(int argc, char **argv)
{
	bool tty = isatty(STDOUT_FILENO);
	struct opts o;
	int err;

	progname = "oomkiller-inspect";
	libbpf_messages();
	err = opts_parse(&o, &inspect, argc, argv);
	if (err)
		return err == OPTS_EXIT ? 0 : err;
	o.json |= o.format == FORMAT_JSON;
	json_output = o.json;
	err = show(&o, o.watch && tty);
	while (!err && o.watch) {
		usleep(o.watch * 1e6);
		if (!tty)
			printf("\n");
		err = show(&o, tty);
	}
	return err;
}
