// SPDX-License-Identifier: GPL-2.0
/* Messages and paths, the same in both programs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "json_writer.h"

const char *progname = "oomkiller";
bool verbose;
bool json_output;

void p_err(const char *fmt, ...)
{
	json_writer_t *w;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w = json_output ? jsonw_new(stdout) : NULL;
	if (!w) {
		fprintf(stderr, "%s: %s\n", progname, msg);
		return;
	}
	jsonw_start_object(w);
	jsonw_string_field(w, "error", msg);
	jsonw_end_object(w);
	jsonw_destroy(&w);
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void libbpf_messages(void)
{
	libbpf_set_print(print_libbpf);
}

int try_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 ? -EINVAL : (size_t)n >= len ? -ENAMETOOLONG : 0;
}
