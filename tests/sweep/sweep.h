/* SPDX-License-Identifier: MIT */
/* The bad-input sweep: the generated call table (tools/gen-sweep) and its runner. */
#ifndef IO_URINE_SWEEP_H
#define IO_URINE_SWEEP_H

/* One argument: pointer kinds use p, integer kinds i (cast to the parameter's type). */
struct sweep_arg {
	void *p;
	long long i;
};

enum { K_RING = 1, K_PTR, K_INT };
enum { RET_VOID, RET_INT, RET_UINT, RET_PTR, RET_STRUCT };

#define SWEEP_MAX_PARAMS 10

struct sweep_fn {
	const char *name;
	/* Calls the function at fp with a[0..nparams), returning its result widened. */
	long long (*call)(void *fp, const struct sweep_arg *a);
	int nparams;
	int kinds[SWEEP_MAX_PARAMS];
	int ret;
};

extern const struct sweep_fn sweep_fns[];
extern const int sweep_nfns;

#endif
