/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroup hierarchy the policy means: cgroup v2 where the memory controller is there, else
 * the v1 hierarchy that holds it. A cgroup is named by its path under that mount, and known to
 * BPF by its id, the inode number of its directory.
 */
#ifndef __OOMK_CGROUPS_H
#define __OOMK_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Where the policy's hierarchy is mounted, into root; whether it is v1. -ENOENT: nowhere. */
int cgroup_mount(char *root, size_t len, bool *v1);
/* The path under root of the cgroup of id, into buf ("/" for the root); NULL if not found. */
const char *cgroup_path(const char *root, __u64 id, char *buf, size_t len);

#endif /* __OOMK_CGROUPS_H */
