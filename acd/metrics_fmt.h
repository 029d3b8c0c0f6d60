/*
 * metrics_fmt.h - the Prometheus text exposition format (version 0.0.4),
 * written into a growing buffer: families (HELP and TYPE), samples with
 * labels, histograms.  Pure: no I/O, no acd state, so the unit test pins
 * every byte (tests/unit/test_metrics_fmt.c).
 *
 * Label values and help texts are escaped as the format says (\\, \" and
 * \n in label values; \\ and \n in help), so a user name or an interface
 * name that came from outside cannot break a line or forge a series.
 * Bytes that are not valid UTF-8 are written as U+FFFD.
 *
 * A family's samples must be written together, right after its
 * mx_family(): the format forbids a family split in two.
 */
#ifndef ACD_METRICS_FMT_H
#define ACD_METRICS_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mx {
	char *buf;
	size_t len, cap;
	size_t max;                     /* the buffer never grows past it */
	bool full;                      /* a write did not fit (or no memory): truncated */
};

enum mx_type { MX_COUNTER, MX_GAUGE, MX_HISTOGRAM };

/* An empty buffer that holds at most max bytes. */
void mx_init(struct mx *m, size_t max);
void mx_free(struct mx *m);
/* "# HELP name help" and "# TYPE name type" */
void mx_family(struct mx *m, const char *name, enum mx_type type, const char *help);
/*
 * One sample: name{k1="v1",...} value.  labels is NULL or an array of
 * key, value pointers ended by a NULL key; keys are ours (not escaped),
 * values are escaped.
 */
void mx_u64(struct mx *m, const char *name, const char *const *labels, uint64_t v);
void mx_f64(struct mx *m, const char *name, const char *const *labels, double v);
/*
 * A histogram's samples: name_bucket{...,le="B"} for each of nb bounds
 * (in the unit of the metric, e.g. seconds) and le="+Inf", cumulative,
 * then name_sum and name_count.  counts has nb + 1 entries, each the
 * number of observations in that bucket alone (counts[nb]: above the
 * last bound).
 */
void mx_histogram(struct mx *m, const char *name, const char *const *labels,
		  const double *bounds, size_t nb, const uint64_t *counts, double sum);
/* Append a label value escaped as the format says (exposed for the test). */
void mx_escape(struct mx *m, const char *v, bool help);

#endif
