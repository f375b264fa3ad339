/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace counters of the transmit path, per CPU as the
 * kernel's SNMP MIBs are, shown in /proc/net/altudp.
 */
#ifndef _ALTUDP_STATS_H
#define _ALTUDP_STATS_H

#include <net/net_namespace.h>
#include <net/netns/generic.h>

#define ALTUDP_MIB_LIST(X)						\
	X(OUTDATAGRAMS, "OutDatagrams")					\
	X(OUTBYTES, "OutBytes")						\
	X(CORKEDSENDS, "CorkedSends")					\
	X(FRAGMENTS, "Fragments")					\
	X(FRAGGAPS, "FraggapCopies")					\
	X(SGFRAGS, "SgPageFrags")					\
	X(LINEARCOPIES, "LinearCopies")					\
	X(GSOSENDS, "GsoSends")						\
	X(GSOSEGS, "GsoSegments")					\
	X(CSUMHW, "CsumHw")						\
	X(CSUMSW, "CsumSw")						\
	X(CSUMNONE, "CsumNone")						\
	X(ZEROCOPYSENDS, "ZerocopySends")				\
	X(ZEROCOPYCOPIED, "ZerocopyCopied")				\
	X(NFDROPS, "NfDrops")						\
	X(ERR_EMSGSIZE, "ErrEMSGSIZE")					\
	X(ERR_EINVAL, "ErrEINVAL")					\
	X(ERR_ENOBUFS, "ErrENOBUFS")					\
	X(ERR_EAGAIN, "ErrEAGAIN")					\
	X(ERR_EFAULT, "ErrEFAULT")					\
	X(ERR_EACCES, "ErrEACCES")					\
	X(ERR_EPERM, "ErrEPERM")					\
	X(ERR_ENETUNREACH, "ErrENETUNREACH")				\
	X(ERR_EHOSTUNREACH, "ErrEHOSTUNREACH")				\
	X(ERR_EDESTADDRREQ, "ErrEDESTADDRREQ")				\
	X(ERR_EAFNOSUPPORT, "ErrEAFNOSUPPORT")				\
	X(ERR_EOPNOTSUPP, "ErrEOPNOTSUPP")				\
	X(ERR_EIO, "ErrEIO")						\
	X(ERR_ENOMEM, "ErrENOMEM")					\
	X(ERR_OTHER, "ErrOther")

#define ALTUDP_MIB_ENUM(name, str) ALTUDP_MIB_##name,
enum {
	ALTUDP_MIB_LIST(ALTUDP_MIB_ENUM)
	ALTUDP_MIB_MAX
};
#undef ALTUDP_MIB_ENUM

struct altudp_mib {
	unsigned long mibs[ALTUDP_MIB_MAX];
};

struct altudp_net {
	struct altudp_mib __percpu *mib;
};

extern unsigned int altudp_net_id;

static inline struct altudp_mib __percpu *altudp_mib(const struct net *net)
{
	return ((struct altudp_net *)net_generic(net, altudp_net_id))->mib;
}

#define ALTUDP_INC_STATS(net, field) \
	this_cpu_inc(altudp_mib(net)->mibs[field])
#define ALTUDP_ADD_STATS(net, field, val) \
	this_cpu_add(altudp_mib(net)->mibs[field], val)

void altudp_count_error(struct net *net, int err);
int altudp_stats_init(void);
void altudp_stats_exit(void);

#endif /* _ALTUDP_STATS_H */
