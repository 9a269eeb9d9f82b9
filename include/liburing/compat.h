/* SPDX-License-Identifier: MIT */
/* Types some libcs lack; everything here comes from the system headers on Linux. */
#ifndef LIBURING_COMPAT_H
#define LIBURING_COMPAT_H

#include <linux/time_types.h>
#include <linux/openat2.h>
#include <linux/futex.h>
#include <inttypes.h>

#endif
