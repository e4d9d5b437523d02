// SPDX-License-Identifier: GPL-2.0
/* Messages and paths, the same in both programs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include "common.h"

const char *progname = "oomkiller";
bool verbose;

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
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
