/* SPDX-License-Identifier: GPL-2.0 */
/* --version of both programs. */
#ifndef __OOMK_VERSION_H
#define __OOMK_VERSION_H

extern const char oomk_version[];
void print_version(void);

#endif /* __OOMK_VERSION_H */
