// SPDX-License-Identifier: GPL-2.0
/*
 * ctxcount: a QEMU TCG plugin that counts the executions of each
 * translation block of guest kernel code, split by context: the entry
 * point (a function's first address) that the vCPU executed last.
 *
 * Arguments (-plugin ctxcount.so,ARG,ARG...):
 *
 *   e=HEX     an entry point; the i-th e= opens context i (1..8)
 *   z=HEX     an address that closes the context (context 0), up to 8
 *   out=FILE  where to write the counts at exit (default ctxcount.txt)
 *
 * Output, one line per block that ran in a context other than 0:
 *
 *   VADDR NINSNS COUNT0 COUNT1 .. COUNTn INSN_VADDR...
 *
 * in hex (addresses) and decimal (counts), n the number of e= given.
 * The context is one global: run the guest with one vCPU (-icount).
 *
 * Debian 12's QEMU (7.2) ships no <qemu-plugin.h>: qemu-plugin.h here
 * declares what this plugin uses of its API.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_ENTRIES	8
#define MAX_CLOSERS	8
#define HASH_BITS	21
#define HASH_SIZE	BIT(HASH_BITS)
/* x86-64 kernel half of the address space */
#define KERNEL_START	0xffff800000000000ull

/* One translation block: a block is known by its address and length. */
struct block {
	u64 vaddr;
	size_t n;
	int sets;		/* the context it opens or closes, or -1 */
	u64 count[MAX_ENTRIES + 1];
	u64 insn[];
};

static struct block **table;
static u64 entry[MAX_ENTRIES];
static int nentry;
static u64 closer[MAX_CLOSERS];
static int ncloser;
static int ctx;
static const char *out = "ctxcount.txt";

static void exec_cb(unsigned int vcpu, void *udata)
{
	struct block *b = udata;

	if (b->sets >= 0)
		ctx = b->sets;
	b->count[ctx]++;
}

static struct block *block_new(struct qemu_plugin_tb *tb, u64 v,
			       size_t n)
{
	struct block *b = calloc(1, sizeof(*b) + n * sizeof(b->insn[0]));
	size_t i;
	int k;

	if (!b)
		return NULL;
	b->vaddr = v;
	b->n = n;
	b->sets = -1;
	for (k = 0; k < nentry; k++)
		if (v == entry[k])
			b->sets = k + 1;
	for (k = 0; k < ncloser; k++)
		if (v == closer[k])
			b->sets = 0;
	for (i = 0; i < n; i++)
		b->insn[i] = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, i));
	return b;
}

static void trans_cb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	u64 v = qemu_plugin_tb_vaddr(tb);
	size_t n = qemu_plugin_tb_n_insns(tb);
	u32 h;

	if (v < KERNEL_START)
		return;
	/* open addressing; a retranslated block finds its counts again */
	h = ((v + n) * 0x9e3779b97f4a7c15ull) >> (64 - HASH_BITS);
	for (;; h = (h + 1) & (HASH_SIZE - 1)) {
		struct block *b = table[h];

		if (!b) {
			b = block_new(tb, v, n);
			if (!b)
				return;
			table[h] = b;
		}
		if (b->vaddr == v && b->n == n) {
			qemu_plugin_register_vcpu_tb_exec_cb(tb, exec_cb,
							     QEMU_PLUGIN_CB_NO_REGS,
							     b);
			return;
		}
	}
}

static bool in_context(const struct block *b)
{
	int i;

	for (i = 1; i <= nentry; i++)
		if (b->count[i])
			return true;
	return false;
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	FILE *f = fopen(out, "w");
	size_t h, i;
	int c;

	if (!f) {
		perror(out);
		return;
	}
	for (h = 0; h < HASH_SIZE; h++) {
		struct block *b = table[h];

		if (!b || !in_context(b))
			continue;
		fprintf(f, "%llx %zu", (unsigned long long)b->vaddr, b->n);
		for (c = 0; c <= nentry; c++)
			fprintf(f, " %llu", (unsigned long long)b->count[c]);
		for (i = 0; i < b->n; i++)
			fprintf(f, " %llx", (unsigned long long)b->insn[i]);
		fputc('\n', f);
	}
	if (fclose(f))
		perror(out);
}

static int parse_addr(const char *s, u64 *addr)
{
	char *end;

	*addr = strtoull(s, &end, 16);
	return *s && !*end && *addr ? 0 : -1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const void *info, int argc,
					   char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "e=", 2) && nentry < MAX_ENTRIES &&
		    !parse_addr(a + 2, &entry[nentry])) {
			nentry++;
		} else if (!strncmp(a, "z=", 2) && ncloser < MAX_CLOSERS &&
			   !parse_addr(a + 2, &closer[ncloser])) {
			ncloser++;
		} else if (!strncmp(a, "out=", 4) && a[4]) {
			out = strdup(a + 4);	/* argv is not kept */
		} else {
			fprintf(stderr, "ctxcount: bad argument %s\n", a);
			return -1;
		}
	}
	if (!nentry) {
		fprintf(stderr, "ctxcount: no entry point (e=HEX)\n");
		return -1;
	}
	table = calloc(HASH_SIZE, sizeof(*table));
	if (!table)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, trans_cb);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
