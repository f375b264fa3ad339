// SPDX-License-Identifier: GPL-2.0
/*
 * A run's record: text, a line per event, appended as the run goes;
 * and the first difference between two records, readably.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

void logp(struct log *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && l->len + n < l->cap)
			break;
		l->cap = l->cap ? 2 * l->cap + n : 65536 + n;
		l->buf = realloc(l->buf, l->cap);
		if (!l->buf)
			die("out of memory");
	}
	l->len += n;
}

void loghex(struct log *l, const unsigned char *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	if (l->len + 2 * n + 2 >= l->cap) {
		l->cap = 2 * (l->len + 2 * n + 2);
		l->buf = realloc(l->buf, l->cap);
		if (!l->buf)
			die("out of memory");
	}
	for (i = 0; i < n; i++) {
		l->buf[l->len++] = hx[p[i] >> 4];
		l->buf[l->len++] = hx[p[i] & 15];
	}
	l->buf[l->len] = 0;
}

static int unhex(const char *h, unsigned char *out, int max)
{
	int n = 0;

	while (n < max && h[0] && h[1] && h[0] != ' ' && h[0] != '\n') {
		unsigned int b;

		if (sscanf(h, "%2x", &b) != 1)
			break;
		out[n++] = b;
		h += 2;
	}
	return n;
}

static void show_bytes(const char *who, const unsigned char *p, int n,
		       int from, int to)
{
	int i, j;

	for (i = from; i < to && i < n; i += 16) {
		printf("#   %-6s %04x:", who, i);
		for (j = i; j < i + 16 && j < n; j++)
			printf(" %02x", p[j]);
		printf("\n");
	}
}

static const char *hexstart(const char *line)
{
	const char *h = strstr(line, " hex=");

	if (h)
		return h + 5;
	h = strstr(line, " data=");
	return h ? h + 6 : NULL;
}

static void show_line(const char *who, const char *line, int len)
{
	printf("#   %s: %.*s%s\n", who, len > 300 ? 300 : len, line,
	       len > 300 ? "..." : "");
}

/* The first difference between two records, readably; 0 if none. */
int compare(const struct seq *s, const char *a, const char *b,
		   int report)
{
	static unsigned char fa[FRAME_MAX], fb[FRAME_MAX];
	const char *ea, *eb, *ha, *hb;
	int line = 1, la = 0, lb = 0, na, nb, off, i;
	char d[1024];

	while (*a || *b) {
		ea = strchr(a, '\n');
		eb = strchr(b, '\n');
		la = ea ? ea - a : (int)strlen(a);
		lb = eb ? eb - b : (int)strlen(b);
		if (la != lb || memcmp(a, b, la))
			break;
		a += la + !!ea;
		b += lb + !!eb;
		line++;
	}
	if (!*a && !*b)
		return 0;
	if (!report)
		return 1;
	printf("# %s: first difference at record line %d:\n", s->name, line);
	show_line("native", a, la);
	show_line("altudp", b, lb);
	ha = hexstart(a);
	hb = hexstart(b);
	if (ha && hb && ha < a + la && hb < b + lb) {
		na = unhex(ha, fa, sizeof(fa));
		nb = unhex(hb, fb, sizeof(fb));
		for (off = 0; off < na && off < nb && fa[off] == fb[off]; off++)
			;
		printf("#   frames: %d and %d bytes, first differing byte at offset %d (%#x)\n",
		       na, nb, off, off);
		show_bytes("native", fa, na, 0, 64);
		show_bytes("altudp", fb, nb, 0, 64);
		if (off >= 64) {
			printf("#   ...around offset %#x:\n", off);
			show_bytes("native", fa, na, (off & ~15) - 16,
				   (off & ~15) + 32);
			show_bytes("altudp", fb, nb, (off & ~15) - 16,
				   (off & ~15) + 32);
		}
	}
	printf("#   the sequence:\n");
	for (i = 0; i < s->nops; i++) {
		describe(&s->ops[i], d, sizeof(d));
		printf("#     c%d %s\n", i, d);
	}
	return 1;
}
