// SPDX-License-Identifier: GPL-2.0
/* An option's value, by its type: read from text, and written as text and as JSON. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "format.h"
#include "json_writer.h"
#include "options.h"

const char size_units[] = "bytes, or a number with KB, MB, GB, TB (powers of 1000) or K, M, G, "
			  "T, KiB, MiB, GiB, TiB (powers of 1024)";

static void *field(const struct opts *o, const struct opt *row)
{
	return (char *)o + row->off;
}

static __u64 get_uint(const void *p, size_t size)
{
	return size == sizeof(__u64) ? *(const __u64 *)p :
	       size == sizeof(__u32) ? *(const __u32 *)p :
				       *(const bool *)p;
}

static void put_uint(void *p, size_t size, __u64 v)
{
	if (size == sizeof(__u64))
		*(__u64 *)p = v;
	else if (size == sizeof(__u32))
		*(__u32 *)p = v;
	else
		*(bool *)p = v;
}

/*
 * A count, or where size says so bytes with a unit as coreutils takes them: K, M, G, T and KiB,
 * MiB, GiB, TiB are powers of 1024; KB, MB, GB, TB powers of 1000.
 */
static int parse_u64(const char *s, bool size, __u64 *out)
{
	static const char units[] = "KMGT";
	unsigned long long v, scale = 1;
	const char *u;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	if (size && *end && (u = strchr(units, toupper((unsigned char)*end)))) {
		int base = !strcasecmp(end + 1, "B") ? 1000 : 1024;

		if (end[1] && strcasecmp(end + 1, "B") && strcasecmp(end + 1, "iB"))
			return -EINVAL;
		for (int i = 0; i <= u - units; i++)
			scale *= base;
		end += strlen(end);
	}
	if (*end)
		return -EINVAL;
	if (v > ~0ULL / scale)
		return -ERANGE;
	*out = v * scale;
	return 0;
}

static int set_number(void *p, const struct opt *row, const char *val, char *err, size_t len)
{
	__u64 max = row->max ?: row->size == sizeof(__u32) ? ~0U : ~0ULL, v = 0;
	int ret = parse_u64(val, row->type == OPT_SIZE, &v);
	const char *what = row->type == OPT_SIZE ? size_units :
			   row->type == OPT_MS	 ? "milliseconds" :
						   "a whole number";

	if (!ret && (v < row->min || v > max))
		ret = -ERANGE;
	if (ret == -ERANGE && !row->max)
		snprintf(err, len, "out of range");
	else if (ret && row->max)
		snprintf(err, len, "expected %s, %llu to %llu", what, (unsigned long long)row->min,
			 (unsigned long long)max);
	else if (ret)
		snprintf(err, len, "expected %s", what);
	else
		put_uint(p, row->size, v);
	return ret ? -EINVAL : 0;
}

/* "expected kill or term", "expected nearest, pid, name, state, or a limit: fds, ..." */
static int bad_choice(const struct opt *row, char *err, size_t len)
{
	size_t n = snprintf(err, len, "expected");

	for (int i = 0; row->choices[i].name && n < len; i++)
		n += snprintf(err + n, len - n, "%s %s",
			      !i		       ? "" :
			      row->choices[i + 1].name ? "," :
							 " or",
			      row->choices[i].name);
	for (int l = 0; row->flags & OPTF_LIMIT && l < OOMK_NR_LIMITS && n < len; l++)
		n += snprintf(err + n, len - n, "%s %s",
			      l ? "," : ", or a limit:", limit_opt(l)->column);
	return -EINVAL;
}

static int set_choice(void *p, const struct opt *row, const char *val, char *err, size_t len)
{
	for (int i = 0; row->choices[i].name; i++) {
		if (!strcmp(val, row->choices[i].name)) {
			*(int *)p = row->choices[i].value;
			return 0;
		}
	}
	for (int l = 0; row->flags & OPTF_LIMIT && l < OOMK_NR_LIMITS; l++) {
		if (!strcmp(val, limit_opt(l)->column)) {
			*(int *)p = SORT_LIMIT + l;
			return 0;
		}
	}
	return bad_choice(row, err, len);
}

/* A name for a list of them; the first one a source gives replaces what an earlier one gave. */
static int add_name(struct opts *o, const struct opt *row, const char *val, char *err, size_t len)
{
	size_t size = row->size / row->count;
	char *list = field(o, row);
	int i = 0;

	/* a comm holds size - 1 bytes: a longer name could never match */
	if (!*val || strlen(val) >= size) {
		snprintf(err, len, "a process name is 1 to %zu bytes", size - 1);
		return -EINVAL;
	}
	if (!(o->given & (1ULL << (row - options))))
		memset(list, 0, row->size);
	while (i < row->count && list[i * size])
		i++;
	if (i == row->count) {
		snprintf(err, len, "at most %d of them", row->count);
		return -EINVAL;
	}
	strcpy(list + i * size, val);
	return 0;
}

static int set_value(struct opts *o, const struct opt *row, const char *val, char *err, size_t len)
{
	void *p = field(o, row);
	char *end;

	switch (row->type) {
	case OPT_FLAG:
	case OPT_HELP:
	case OPT_VERSION:
		*(bool *)p = true;
		return 0;
	case OPT_YESNO:
		if (strcmp(val, "yes") && strcmp(val, "no")) {
			snprintf(err, len, "expected yes or no");
			return -EINVAL;
		}
		put_uint(p, row->size, !strcmp(val, "yes"));
		return 0;
	case OPT_COUNT:
	case OPT_SIZE:
	case OPT_MS:
		return set_number(p, row, val, err, len);
	case OPT_SECONDS:
		*(double *)p = strtod(val, &end);
		if (*end || !(*(double *)p > 0 && *(double *)p <= row->max)) {
			snprintf(err, len, "expected seconds, up to %llu",
				 (unsigned long long)row->max);
			return -EINVAL;
		}
		return 0;
	case OPT_CHOICE:
		return set_choice(p, row, val, err, len);
	case OPT_NAMES:
		return add_name(o, row, val, err, len);
	case OPT_FILE:
		if (access(val, R_OK)) {
			snprintf(err, len, "%s", strerror(errno));
			return -EINVAL;
		}
		*(const char **)p = val;
		return 0;
	case OPT_STRING:
		if (!*val) {
			snprintf(err, len, "empty");
			return -EINVAL;
		}
		*(const char **)p = val;
		return 0;
	case OPT_TEXT:
		if (strlen(val) >= row->size) {
			snprintf(err, len, "longer than %zu bytes", row->size - 1);
			return -EINVAL;
		}
		strncpy(p, val, row->size);
		return 0;
	}
	return -EINVAL;
}

/* Sets row's value from val (NULL for a flag); 0, or -EINVAL and what is wrong in err. */
int opt_set(struct opts *o, const struct opt *row, const char *val, char *err, size_t len)
{
	int ret = set_value(o, row, val, err, len);

	if (!ret)
		o->given |= 1ULL << (row - options);
	return ret;
}

/*
 * Row's value as the option takes it ("10MB", "term"); of a list, name i. NULL for a name
 * past the last, and for what has no text (a flag).
 */
const char *opt_text(const struct opts *o, const struct opt *row, int i, char *buf, size_t len)
{
	const void *p = field(o, row);
	size_t size;

	if (i && row->type != OPT_NAMES)
		return NULL;
	switch (row->type) {
	case OPT_YESNO:
		return get_uint(p, row->size) ? "yes" : "no";
	case OPT_COUNT:
	case OPT_MS:
		snprintf(buf, len, "%llu", (unsigned long long)get_uint(p, row->size));
		return buf;
	case OPT_SIZE:
		return fmt_size(get_uint(p, row->size), buf, len);
	case OPT_CHOICE:
		for (int c = 0; row->choices[c].name; c++)
			if (row->choices[c].value == *(const int *)p)
				return row->choices[c].name;
		return "?";
	case OPT_NAMES:
		size = row->size / row->count;
		if (i >= row->count || !((const char *)p)[i * size])
			return NULL;
		snprintf(buf, len, "%.*s", (int)size, (const char *)p + i * size);
		return buf;
	case OPT_STRING:
	case OPT_FILE:
		return *(const char *const *)p;
	case OPT_TEXT:
		/* from a map: terminated, or it is none of ours */
		return memchr(p, '\0', row->size) ? p : NULL;
	default:
		return NULL;
	}
}

/* Row's value as JSON: numbers as numbers, yes or no as a boolean, a list as an array. */
void opt_json(json_writer_t *w, const struct opts *o, const struct opt *row)
{
	char buf[NUM_LEN];
	const char *s;

	jsonw_name(w, row->json);
	switch (row->type) {
	case OPT_YESNO:
		jsonw_bool(w, get_uint(field(o, row), row->size));
		break;
	case OPT_COUNT:
	case OPT_MS:
	case OPT_SIZE:
		jsonw_uint(w, get_uint(field(o, row), row->size));
		break;
	case OPT_NAMES:
		jsonw_start_array(w);
		for (int i = 0; (s = opt_text(o, row, i, buf, sizeof(buf))); i++)
			jsonw_string(w, s);
		jsonw_end_array(w);
		break;
	default:
		s = opt_text(o, row, 0, buf, sizeof(buf));
		if (s)
			jsonw_string(w, s);
		else
			jsonw_null(w);
	}
}
