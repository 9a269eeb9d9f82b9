/* SPDX-License-Identifier: MIT */
/* Types some libcs lack; everything here comes from the system headers on Linux. */
#ifndef LIBURING_COMPAT_H
#define LIBURING_COMPAT_H

#include <linux/time_types.h>
/* <linux/time_types.h> is in: the kernel's <linux/io_uring.h> need not include it again */
#define UAPI_LINUX_IO_URING_H_SKIP_LINUX_TIME_TYPES_H 1
#include <linux/openat2.h>
#include <linux/futex.h>
#include <inttypes.h>

#endif
