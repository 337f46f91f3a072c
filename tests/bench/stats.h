/*
 * stats.h: what the benchmark programs share: the monotonic clock in
 * nanoseconds, and the median and percentiles of sorted samples.
 */
#ifndef TLSLADDER_BENCH_STATS_H
#define TLSLADDER_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Nanoseconds on the monotonic clock. */
static inline int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* qsort comparator for doubles. */
static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of n sorted values. */
static inline double median(const double *v, size_t n)
{
	if (n == 0)
		return 0.0;
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Nearest-rank percentile p (0..100) of n sorted values. */
static inline double percentile(const double *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0.0;
	rank = (size_t)((p / 100.0) * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

#endif
