/* SPDX-License-Identifier: GPL-2.0 */
/* The state as metrics, for Prometheus: oomkiller-inspect --format=openmetrics, --metrics-file. */
#ifndef __OOMK_METRICS_H
#define __OOMK_METRICS_H

#include <stdio.h>
#include "snapshot.h"

void print_metrics(FILE *f, const struct snapshot *s);

#endif /* __OOMK_METRICS_H */
