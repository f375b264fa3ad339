// SPDX-License-Identifier: GPL-2.0
/* /proc/net/altudp: "Name value" lines, the layout of /proc/net/snmp6. */

#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "stats.h"

unsigned int altudp_net_id __read_mostly;

#define ALTUDP_MIB_NAME(name, str) [ALTUDP_MIB_##name] = "AltUdp" str,
static const char *const altudp_mib_names[ALTUDP_MIB_MAX] = {
	ALTUDP_MIB_LIST(ALTUDP_MIB_NAME)
};
#undef ALTUDP_MIB_NAME

void altudp_count_error(struct net *net, int err)
{
	int field;

	switch (err) {
	case -EMSGSIZE:
		field = ALTUDP_MIB_ERR_EMSGSIZE;
		break;
	case -EINVAL:
		field = ALTUDP_MIB_ERR_EINVAL;
		break;
	case -ENOBUFS:
		field = ALTUDP_MIB_ERR_ENOBUFS;
		break;
	case -EAGAIN:
		field = ALTUDP_MIB_ERR_EAGAIN;
		break;
	case -EFAULT:
		field = ALTUDP_MIB_ERR_EFAULT;
		break;
	case -EACCES:
		field = ALTUDP_MIB_ERR_EACCES;
		break;
	case -EPERM:
		field = ALTUDP_MIB_ERR_EPERM;
		break;
	case -ENETUNREACH:
		field = ALTUDP_MIB_ERR_ENETUNREACH;
		break;
	case -EHOSTUNREACH:
		field = ALTUDP_MIB_ERR_EHOSTUNREACH;
		break;
	case -EDESTADDRREQ:
		field = ALTUDP_MIB_ERR_EDESTADDRREQ;
		break;
	case -EAFNOSUPPORT:
		field = ALTUDP_MIB_ERR_EAFNOSUPPORT;
		break;
	case -EOPNOTSUPP:
		field = ALTUDP_MIB_ERR_EOPNOTSUPP;
		break;
	case -EIO:
		field = ALTUDP_MIB_ERR_EIO;
		break;
	case -ENOMEM:
		field = ALTUDP_MIB_ERR_ENOMEM;
		break;
	default:
		field = ALTUDP_MIB_ERR_OTHER;
		break;
	}
	ALTUDP_INC_STATS(net, field);
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
