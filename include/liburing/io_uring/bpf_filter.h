/* SPDX-License-Identifier: MIT */
/* liburing ships this as a separate header; io_urine keeps its definitions in liburing/io_uring.h. */
#include "../io_uring.h"
