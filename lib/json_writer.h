/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A JSON writer in the shape of bpftool's json_writer: objects, arrays, names and values,
 * each call one of them; the writer puts the commas, the escapes and, when pretty, the
 * newlines and indents.
 */
#ifndef __OOMK_JSON_WRITER_H
#define __OOMK_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

typedef struct json_writer json_writer_t;

json_writer_t *jsonw_new(FILE *f);
void jsonw_destroy(json_writer_t **self_p); /* ends the document with a newline */
void jsonw_pretty(json_writer_t *self, bool on);

void jsonw_start_object(json_writer_t *self);
void jsonw_end_object(json_writer_t *self);
void jsonw_start_array(json_writer_t *self);
void jsonw_end_array(json_writer_t *self);
void jsonw_name(json_writer_t *self, const char *name);

void jsonw_string(json_writer_t *self, const char *value);
void jsonw_bytes(json_writer_t *self, const char *value, size_t len); /* at most len, a comm */
void jsonw_uint(json_writer_t *self, __u64 value);
void jsonw_bool(json_writer_t *self, bool value);
void jsonw_null(json_writer_t *self);

/* a name and its value */
void jsonw_string_field(json_writer_t *self, const char *name, const char *value);
void jsonw_uint_field(json_writer_t *self, const char *name, __u64 value);
void jsonw_bool_field(json_writer_t *self, const char *name, bool value);

#endif /* __OOMK_JSON_WRITER_H */
