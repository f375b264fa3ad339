// SPDX-License-Identifier: GPL-2.0
/* /proc/net/altudp: "Name value" lines, the layout of /proc/net/snmp6. */

#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "stats.h"

unsigned int altudp_net_id __read_mostly;

static const char *const altudp_mib_names[ALTUDP_MIB_MAX] = {
	[ALTUDP_MIB_OUTDATAGRAMS] = "AltUdpOutDatagrams",
	[ALTUDP_MIB_OUTBYTES] = "AltUdpOutBytes",
	[ALTUDP_MIB_CORKEDSENDS] = "AltUdpCorkedSends",
	[ALTUDP_MIB_FRAGMENTS] = "AltUdpFragments",
	[ALTUDP_MIB_FRAGGAPS] = "AltUdpFraggapCopies",
	[ALTUDP_MIB_SGFRAGS] = "AltUdpSgPageFrags",
	[ALTUDP_MIB_LINEARCOPIES] = "AltUdpLinearCopies",
	[ALTUDP_MIB_GSOSENDS] = "AltUdpGsoSends",
	[ALTUDP_MIB_GSOSEGS] = "AltUdpGsoSegments",
	[ALTUDP_MIB_CSUMHW] = "AltUdpCsumHw",
	[ALTUDP_MIB_CSUMSW] = "AltUdpCsumSw",
	[ALTUDP_MIB_CSUMNONE] = "AltUdpCsumNone",
	[ALTUDP_MIB_ZEROCOPYSENDS] = "AltUdpZerocopySends",
	[ALTUDP_MIB_ZEROCOPYCOPIED] = "AltUdpZerocopyCopied",
	[ALTUDP_MIB_ZEROCOPYKEPT] = "AltUdpZerocopyKept",
	[ALTUDP_MIB_NFDROPS] = "AltUdpNfDrops",
	[ALTUDP_MIB_RCACHE_HITS] = "AltUdpRouteCacheHits",
	[ALTUDP_MIB_RCACHE_MISSES] = "AltUdpRouteCacheMisses",
	[ALTUDP_MIB_ERR_EMSGSIZE] = "AltUdpErrEMSGSIZE",
	[ALTUDP_MIB_ERR_EINVAL] = "AltUdpErrEINVAL",
	[ALTUDP_MIB_ERR_ENOBUFS] = "AltUdpErrENOBUFS",
	[ALTUDP_MIB_ERR_EAGAIN] = "AltUdpErrEAGAIN",
	[ALTUDP_MIB_ERR_EFAULT] = "AltUdpErrEFAULT",
	[ALTUDP_MIB_ERR_EACCES] = "AltUdpErrEACCES",
	[ALTUDP_MIB_ERR_EPERM] = "AltUdpErrEPERM",
	[ALTUDP_MIB_ERR_ENETUNREACH] = "AltUdpErrENETUNREACH",
	[ALTUDP_MIB_ERR_EHOSTUNREACH] = "AltUdpErrEHOSTUNREACH",
	[ALTUDP_MIB_ERR_EDESTADDRREQ] = "AltUdpErrEDESTADDRREQ",
	[ALTUDP_MIB_ERR_EAFNOSUPPORT] = "AltUdpErrEAFNOSUPPORT",
	[ALTUDP_MIB_ERR_EOPNOTSUPP] = "AltUdpErrEOPNOTSUPP",
	[ALTUDP_MIB_ERR_EIO] = "AltUdpErrEIO",
	[ALTUDP_MIB_ERR_ENOMEM] = "AltUdpErrENOMEM",
	[ALTUDP_MIB_ERR_OTHER] = "AltUdpErrOther",
};

static const struct {
	int err;
	int field;
} altudp_errno_mibs[] = {
	{ EMSGSIZE, ALTUDP_MIB_ERR_EMSGSIZE },
	{ EINVAL, ALTUDP_MIB_ERR_EINVAL },
	{ ENOBUFS, ALTUDP_MIB_ERR_ENOBUFS },
	{ EAGAIN, ALTUDP_MIB_ERR_EAGAIN },
	{ EFAULT, ALTUDP_MIB_ERR_EFAULT },
	{ EACCES, ALTUDP_MIB_ERR_EACCES },
	{ EPERM, ALTUDP_MIB_ERR_EPERM },
	{ ENETUNREACH, ALTUDP_MIB_ERR_ENETUNREACH },
	{ EHOSTUNREACH, ALTUDP_MIB_ERR_EHOSTUNREACH },
	{ EDESTADDRREQ, ALTUDP_MIB_ERR_EDESTADDRREQ },
	{ EAFNOSUPPORT, ALTUDP_MIB_ERR_EAFNOSUPPORT },
	{ EOPNOTSUPP, ALTUDP_MIB_ERR_EOPNOTSUPP },
	{ EIO, ALTUDP_MIB_ERR_EIO },
	{ ENOMEM, ALTUDP_MIB_ERR_ENOMEM },
};

/* Count a sendmsg() error; not on the fast path. */
void altudp_count_error(struct net *net, int err)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(altudp_errno_mibs); i++) {
		if (-err == altudp_errno_mibs[i].err) {
			ALTUDP_INC_STATS(net, altudp_errno_mibs[i].field);
			return;
		}
	}
	ALTUDP_INC_STATS(net, ALTUDP_MIB_ERR_OTHER);
}

static int altudp_stats_show(struct seq_file *seq, void *v)
{
	struct net *net = seq->private;
	struct altudp_mib __percpu *mib = altudp_mib(net);
	int i, cpu;

	for (i = 0; i < ALTUDP_MIB_MAX; i++) {
		unsigned long sum = 0;

		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(mib, cpu)->mibs[i];
		seq_printf(seq, "%-32s%lu\n", altudp_mib_names[i], sum);
	}
	return 0;
}

static int __net_init altudp_net_init(struct net *net)
{
	struct altudp_net *an = net_generic(net, altudp_net_id);

	an->mib = alloc_percpu(struct altudp_mib);
	if (!an->mib)
		return -ENOMEM;
	if (!proc_create_net_single("altudp", 0444, net->proc_net,
				    altudp_stats_show, NULL)) {
		free_percpu(an->mib);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit altudp_net_exit(struct net *net)
{
	struct altudp_net *an = net_generic(net, altudp_net_id);

	remove_proc_entry("altudp", net->proc_net);
	free_percpu(an->mib);
}

static struct pernet_operations altudp_net_ops = {
	.init = altudp_net_init,
	.exit = altudp_net_exit,
	.id   = &altudp_net_id,
	.size = sizeof(struct altudp_net),
};

int altudp_stats_init(void)
{
	return register_pernet_subsys(&altudp_net_ops);
}

void altudp_stats_exit(void)
{
	unregister_pernet_subsys(&altudp_net_ops);
}
