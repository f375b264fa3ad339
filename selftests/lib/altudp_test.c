// SPDX-License-Identifier: GPL-2.0
/*
 * The C test programs' common ground: fatal errors, one-number files,
 * clocks and command line options.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "altudp_test.h"

static int tap_mode;

void test_set_tap(int tap)
{
	tap_mode = tap;
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (tap_mode) {
		printf("Bail out! ");
		vprintf(fmt, ap);
		printf("\n");
	} else {
		vfprintf(stderr, fmt, ap);
		fprintf(stderr, "\n");
	}
	va_end(ap);
	exit(tap_mode ? 1 : 2);
}

void die_errno(const char *what)
{
	die("%s: %s", what, strerror(errno));
}

/* The number a procfs or sysfs file holds, or dflt. */
long read_long_file(const char *path, long dflt)
{
	FILE *f = fopen(path, "r");
	long v = dflt;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

/* altudp's protocol number, -1 when the module is not loaded. */
int altudp_protocol(void)
{
	return read_long_file("/sys/module/altudp/parameters/protocol", -1);
}

/*
 * CLOCK_MONOTONIC: under QEMU's -icount it follows the guest's
 * instruction count, which is what the benchmark wants.
 */
double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

unsigned long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static const struct test_opt *find_opt(const struct test_opt *opts,
				       const char *arg)
{
	if (strncmp(arg, "--", 2))
		return NULL;
	for (; opts->name; opts++)
		if (!strcmp(arg + 2, opts->name))
			return opts;
	return NULL;
}

/* Stores v as o says; -1 if it is not an address where one is due. */
static int set_opt(const struct test_opt *o, const char *v)
{
	switch (o->kind) {
	case ARG_INT:
		*(int *)o->val = atoi(v);
		break;
	case ARG_U64:
		*(uint64_t *)o->val = strtoull(v, NULL, 0);
		break;
	case ARG_DOUBLE:
		*(double *)o->val = atof(v);
		break;
	case ARG_STR:
		*(const char **)o->val = v;
		break;
	case ARG_ADDR:
		return inet_pton(AF_INET, v, o->val) == 1 ? 0 : -1;
	case ARG_SET:
	case ARG_CLEAR:
		break;
	}
	return 0;
}

int test_parse_opts(int argc, char **argv, const struct test_opt *opts)
{
	int i;

	for (i = 1; i < argc; i++) {
		const struct test_opt *o = find_opt(opts, argv[i]);

		if (!o)
			return -1;
		if (o->kind == ARG_SET || o->kind == ARG_CLEAR) {
			*(int *)o->val = o->kind == ARG_SET;
			continue;
		}
		if (i + 1 == argc || set_opt(o, argv[++i]))
			return -1;
	}
	return 0;
}
