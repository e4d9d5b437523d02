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
		snprintf(err, len, "%s is 1 to %zu bytes",
			 size == OOMK_COMM_LEN ? "a process name" : row->metavar, size - 1);
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

/* A SIZE into the __u64 at p, its percent after it 0; or N% into the percent, the SIZE 0. */
static int set_threshold(void *p, const char *val, char *err, size_t len)
{
	size_t n = strlen(val);
	__u64 v = 0;
	char num[32];

	if (n && n < sizeof(num) && val[n - 1] == '%') {
		snprintf(num, sizeof(num), "%.*s", (int)n - 1, val);
		if (parse_u64(num, false, &v) || !v || v > 100) {
			snprintf(err, len, "expected %s, or 1%% to 100%%", size_units);
			return -EINVAL;
		}
		*(__u64 *)p = 0;
		*(__u32 *)((__u64 *)p + 1) = v;
		return 0;
	}
	if (parse_u64(val, true, &v)) {
		snprintf(err, len, "expected %s, or 1%% to 100%%", size_units);
		return -EINVAL;
	}
	*(__u64 *)p = v;
	*(__u32 *)((__u64 *)p + 1) = 0;
	return 0;
}

/* "ram,psi": the values of those choices, OR'ed */
static int set_flags(void *p, const struct opt *row, const char *val, char *err, size_t len)
{
	__u32 bits = 0;

	while (*val) {
		size_t n = strcspn(val, ",");
		int i = 0;

		while (row->choices[i].name &&
		       (strlen(row->choices[i].name) != n || strncmp(row->choices[i].name, val, n)))
			i++;
		if (!row->choices[i].name)
			return bad_choice(row, err, len);
		bits |= row->choices[i].value;
		val += n + (val[n] == ',');
	}
	if (!bits)
		return bad_choice(row, err, len);
	*(__u32 *)p = bits;
	return 0;
}

/* "some:avg10>=10", "full:avg10>=2.5": the line (full 1), then the percent in hundredths */
static int set_psi(__u32 *p, const char *val, char *err, size_t len)
{
	unsigned int whole, frac = 0;
	char line[8], dot[2], digits[4] = "", end;
	int n = sscanf(val, "%7[a-z]:avg10>=%u%1[.]%3[0-9]%c", line, &whole, dot, digits, &end);

	if ((n != 2 && n != 4) || (strcmp(line, "some") && strcmp(line, "full")) ||
	    strlen(digits) > 2 || whole > 100 || (whole == 100 && atoi(digits))) {
		snprintf(err, len, "expected some:avg10>=PCT or full:avg10>=PCT, PCT 0 to 100");
		return -EINVAL;
	}
	frac = atoi(digits) * (strlen(digits) == 1 ? 10 : 1);
	p[0] = !strcmp(line, "full");
	p[1] = whole * 100 + frac;
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
	case OPT_THRESHOLD:
		return set_threshold(p, val, err, len);
	case OPT_FLAGS:
		return set_flags(p, row, val, err, len);
	case OPT_PSI:
		return set_psi(p, val, err, len);
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

const char *flags_text(const struct opt *row, __u32 bits, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int c = 0; row->choices[c].name && n < len; c++)
		if (bits & row->choices[c].value)
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", row->choices[c].name);
	return buf;
}

const char *choice_text(const struct opt *row, int value)
{
	for (int c = 0; row->choices[c].name; c++)
		if (row->choices[c].value == value)
			return row->choices[c].name;
	return "?";
}

/*
 * Row's value as the option takes it ("10MB", "term"); of a list, name i. NULL for a name
 * past the last, and for what has no text (a flag).
 */
const char *opt_text(const struct opts *o, const struct opt *row, int i, char *buf, size_t len)
{
	const void *p = field(o, row);
	const __u32 *u32 = p;
	size_t size, n;

	if (i && row->type != OPT_NAMES)
		return NULL;
	switch (row->type) {
	case OPT_THRESHOLD:
		if (!u32[2])
			return fmt_size(*(const __u64 *)p, buf, len);
		snprintf(buf, len, "%u%%", u32[2]);
		return buf;
	case OPT_FLAGS:
		return flags_text(row, *u32, buf, len);
	case OPT_PSI:
		n = snprintf(buf, len, "%s:avg10>=%u", u32[0] ? "full" : "some", u32[1] / 100);
		if (u32[1] % 100 && n < len)
			snprintf(buf + n, len - n, ".%02u", u32[1] % 100);
		return buf;
	case OPT_YESNO:
		return get_uint(p, row->size) ? "yes" : "no";
	case OPT_COUNT:
	case OPT_MS:
		snprintf(buf, len, "%llu", (unsigned long long)get_uint(p, row->size));
		return buf;
	case OPT_SIZE:
		return fmt_size(get_uint(p, row->size), buf, len);
	case OPT_CHOICE:
		return choice_text(row, *(const int *)p);
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
	char buf[VALUE_LEN];
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
	case OPT_THRESHOLD:
		/* bytes as a number, a percent as "80%" */
		if (((const __u32 *)field(o, row))[2])
			jsonw_string(w, opt_text(o, row, 0, buf, sizeof(buf)));
		else
			jsonw_uint(w, *(const __u64 *)field(o, row));
		break;
	case OPT_FLAGS:
		jsonw_start_array(w);
		for (int c = 0; row->choices[c].name; c++)
			if (*(const __u32 *)field(o, row) & row->choices[c].value)
				jsonw_string(w, row->choices[c].name);
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
