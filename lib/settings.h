/* SPDX-License-Identifier: GPL-2.0 */
/* The settings of an install, printed from the table of options. */
#ifndef __OOMK_SETTINGS_H
#define __OOMK_SETTINGS_H

#include <stdio.h>
#include <linux/types.h>
#include "json_writer.h"
#include "oomkiller.h"

void settings_print(FILE *f, const struct oomk_settings *set);
void settings_json(json_writer_t *w, const struct oomk_settings *set);

#endif /* __OOMK_SETTINGS_H */
