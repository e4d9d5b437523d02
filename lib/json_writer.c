// SPDX-License-Identifier: GPL-2.0
/* JSON output, one writer for both programs (bpftool's json_writer.c is the model). */
#include <stdlib.h>
#include "json_writer.h"

struct json_writer {
	FILE *out;
	unsigned int depth;
	bool pretty;
	bool named; /* a name was written: its value comes */
	char sep; /* what goes before the next member or element: ',' or nothing */
	__u64 lines; /* bit per depth: its members or elements are on lines of their own */
};

json_writer_t *jsonw_new(FILE *f)
{
	json_writer_t *self = calloc(1, sizeof(*self));

	if (self)
		self->out = f;
	return self;
}

void jsonw_destroy(json_writer_t **self_p)
{
	json_writer_t *self = *self_p;

	fputc('\n', self->out);
	fflush(self->out);
	free(self);
	*self_p = NULL;
}

void jsonw_pretty(json_writer_t *self, bool on)
{
	self->pretty = on;
}

/* before a member or an element: a comma after the one before */
static void jsonw_eor(json_writer_t *self)
{
	if (self->sep)
		fputc(self->sep, self->out);
	self->sep = ',';
	self->named = false;
}

/* a line of its own, at this depth */
static void jsonw_eol(json_writer_t *self)
{
	if (!self->pretty)
		return;
	self->lines |= 1ULL << self->depth;
	fputc('\n', self->out);
	for (unsigned int i = 0; i < self->depth; i++)
		fputs("  ", self->out);
}

/* an object or an array: on a line of its own when it is an element of an array */
static void jsonw_begin(json_writer_t *self, int c)
{
	bool element = self->depth && !self->named;

	jsonw_eor(self);
	if (element)
		jsonw_eol(self);
	fputc(c, self->out);
	self->depth++;
	self->lines &= ~(1ULL << self->depth);
	self->sep = '\0';
}

static void jsonw_end(json_writer_t *self, int c)
{
	bool lines = self->lines & (1ULL << self->depth);

	self->depth--;
	if (lines)
		jsonw_eol(self);
	fputc(c, self->out);
	self->sep = ',';
}

void jsonw_start_object(json_writer_t *self)
{
	jsonw_begin(self, '{');
}

void jsonw_end_object(json_writer_t *self)
{
	jsonw_end(self, '}');
}

void jsonw_start_array(json_writer_t *self)
{
	jsonw_begin(self, '[');
}

void jsonw_end_array(json_writer_t *self)
{
	jsonw_end(self, ']');
}

/* Bytes, not UTF-8 (a comm is any 15 bytes): all but printable ASCII escaped, any parser takes it. */
static void jsonw_quote(json_writer_t *self, const char *s, size_t len)
{
	fputc('"', self->out);
	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(self->out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(self->out, "\\u%04x", c);
		else
			fputc(c, self->out);
	}
	fputc('"', self->out);
}

void jsonw_name(json_writer_t *self, const char *name)
{
	jsonw_eor(self);
	jsonw_eol(self);
	self->sep = '\0';
	self->named = true;
	jsonw_quote(self, name, ~(size_t)0);
	fputs(self->pretty ? ": " : ":", self->out);
}

void jsonw_bytes(json_writer_t *self, const char *value, size_t len)
{
	jsonw_eor(self);
	jsonw_quote(self, value, len);
}

void jsonw_string(json_writer_t *self, const char *value)
{
	jsonw_bytes(self, value, ~(size_t)0);
}

void jsonw_uint(json_writer_t *self, __u64 value)
{
	jsonw_eor(self);
	fprintf(self->out, "%llu", (unsigned long long)value);
}

void jsonw_bool(json_writer_t *self, bool value)
{
	jsonw_eor(self);
	fputs(value ? "true" : "false", self->out);
}

void jsonw_null(json_writer_t *self)
{
	jsonw_eor(self);
	fputs("null", self->out);
}

void jsonw_string_field(json_writer_t *self, const char *name, const char *value)
{
	jsonw_name(self, name);
	jsonw_string(self, value);
}

void jsonw_uint_field(json_writer_t *self, const char *name, __u64 value)
{
	jsonw_name(self, name);
	jsonw_uint(self, value);
}

void jsonw_bool_field(json_writer_t *self, const char *name, bool value)
{
	jsonw_name(self, name);
	jsonw_bool(self, value);
}
