/* SPDX-License-Identifier: ISC */
/*
 * GWAGENT-MIB without Net-SNMP: the object tree, GET/GETNEXT over the
 * daemon's model and SET transactions, on plain OIDs and values.
 * agent/snmp/snmp_mib.c adapts it to Net-SNMP's handler API; unit tests call
 * it directly on a fixture (lldpd's check_snmp.c idea).
 */
#ifndef GWAGENT_MIB_H
#define GWAGENT_MIB_H

#include <stddef.h>
#include <stdint.h>

struct gwagent;

/* GWAGENT-MIB's root, gwagentMIB ::= { netSnmpPlaypen 7 }, until an IANA
 * enterprise number is assigned: the one place the code names it. */
#define GWAGENT_OID	1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 7
#define GWAGENT_OID_LEN 10

/* ASN.1 tags of the values (RFC 2578 / RFC 3416 encodings). */
#define MIB_ASN_INTEGER	  0x02
#define MIB_ASN_OCTET_STR 0x04
#define MIB_ASN_COUNTER	  0x41
#define MIB_ASN_UNSIGNED  0x42 /* Gauge32 and Unsigned32 */
#define MIB_ASN_TIMETICKS 0x43

/* SNMP error-status values (RFC 3416). */
enum mib_err {
	MIB_OK = 0,
	MIB_ERR_GENERR = 5,
	MIB_ERR_WRONGTYPE = 7,
	MIB_ERR_WRONGLENGTH = 8,
	MIB_ERR_WRONGVALUE = 10,
	MIB_ERR_NOCREATION = 11,
	MIB_ERR_INCONSISTENTVALUE = 12,
	MIB_ERR_RESOURCEUNAVAILABLE = 13,
	MIB_ERR_COMMITFAILED = 14,
	MIB_ERR_NOTWRITABLE = 17,
	MIB_ERR_INCONSISTENTNAME = 18,
};

#define MIB_MAX_OID 40
#define MIB_MAX_STR 256

struct mib_oid {
	uint32_t v[MIB_MAX_OID];
	size_t len;
};

struct mib_value {
	int type;      /* MIB_ASN_* */
	long long num; /* INTEGER, Counter32, Unsigned32 */
	size_t len;    /* OCTET STRING length */
	unsigned char str[MIB_MAX_STR];
};

/** Fill a value. */
void mib_set_int(struct mib_value *v, int type, long long n);
void mib_set_str(struct mib_value *v, const char *s);

/** The root as an OID. */
void agent_mib_root(struct mib_oid *o);

/**
 * One sub-identifier as a wider OID type carries it, back to 32 bits.
 * Net-SNMP's AgentX decoding sign-extends sub-identifiers from 2^31 to
 * 2^32-1 into its 64-bit `oid` (2^31 arrives as 0xffffffff80000000); those
 * fold back to their value, and so do plain values up to 2^32-1.
 * @return 0 with *sub set, or -ERANGE (no 32-bit sub-identifier).
 */
int agent_mib_subid(uint64_t raw, uint32_t *sub);

/**
 * Make @p o, holding a request's first o->len sub-identifiers, a GETNEXT
 * start equivalent to the request when the request could not be held.
 * @p beyond32 0: the request has more than MIB_MAX_OID sub-identifiers
 * (o holds the first MIB_MAX_OID); 1: its sub-identifier number o->len is
 * beyond 32 bits (it becomes 2^32-1, and so does every position up to
 * MIB_MAX_OID).  No object lies between the result and the request, as
 * every object of the MIB is shorter than MIB_MAX_OID, so GETNEXT answers
 * the same.
 */
void agent_mib_oid_clamp(struct mib_oid *o, int beyond32);

/**
 * Value of the exact instance @p name.  @return 0, or -ENOENT (no such
 * object or instance).
 */
int agent_mib_get(struct gwagent *g, const struct mib_oid *name,
		  struct mib_value *v);
/**
 * The first instance after @p name in the MIB, with its value.
 * @return 0, or -ENOENT past the last object of the MIB.
 */
int agent_mib_getnext(struct gwagent *g, const struct mib_oid *name,
		      struct mib_oid *next, struct mib_value *v);

struct agent_mib_txn;

/** Start a SET transaction.  @return NULL when out of memory. */
struct agent_mib_txn *agent_mib_txn_begin(struct gwagent *g);
/**
 * RESERVE1: check one varbind alone (access, type, length, value).
 * @return MIB_OK or the SNMP error for this varbind.
 */
enum mib_err agent_mib_txn_add(struct agent_mib_txn *t,
			       const struct mib_oid *name,
			       const struct mib_value *v);
/**
 * RESERVE2: stage every varbind on a copy of the configuration and check
 * the whole of it.  On error *bad gets the 0-based varbind to blame.
 */
enum mib_err agent_mib_txn_prepare(struct agent_mib_txn *t, size_t *bad);
/**
 * ACTION: make the staged configuration current and save it, and run the
 * objects' ACTION work (gwIniAction save); undoable.  A save that fails
 * puts the configuration back and returns MIB_ERR_COMMITFAILED: the SET
 * is refused, nothing is applied (the file still holds what runs).
 */
enum mib_err agent_mib_txn_action(struct agent_mib_txn *t);
/** UNDO: put the configuration back as it was before ACTION. */
void agent_mib_txn_undo(struct agent_mib_txn *t);
/** COMMIT: ACTION if not done yet, then the side effects (bindings,
 * actions).  Cannot fail. */
void agent_mib_txn_commit(struct agent_mib_txn *t);
/** FREE/UNDO: forget the transaction.  NULL ok. */
void agent_mib_txn_free(struct agent_mib_txn *t);

/** DateAndTime (RFC 2579) of @p t in UTC, 11 octets.  @return length. */
size_t agent_mib_dateandtime(int64_t t, unsigned char *buf);
/** SnmpAdminString of @p s in @p v: at most 255 octets of UTF-8, every
 * octet that starts no valid UTF-8 sequence replaced by '?' (peers'
 * reason phrases are any octets), never a sequence cut short. */
void agent_mib_set_utf8(struct mib_value *v, const char *s);

/* mib_notify.c */
/** One varbind of a notification. */
struct agent_varbind {
	struct mib_oid oid;
	struct mib_value val;
};
/** The most varbinds a GWAGENT-MIB notification has. */
#define AGENT_MIB_NOTICE_VBS 10
struct agent_notice;
/**
 * The varbinds of @p n (@p max at least AGENT_MIB_NOTICE_VBS).
 * @return how many, 0 when @p n is not a notification of the MIB.
 */
size_t agent_mib_notice_varbinds(const struct agent_notice *n,
				 struct agent_varbind *vb, size_t max);
/** Sends notification @p n (below gwNotifications) with its varbinds:
 * 0, or -ENOTCONN when nothing can take it now. */
typedef int(agent_mib_notify_h)(uint32_t n, const struct agent_varbind *vb,
				size_t nvb, void *arg);
/** What agent_mib_notice() sends through. */
struct agent_mib_notifier {
	agent_mib_notify_h *send;
	void *arg;
};
/** An agent_notice_h (agent/core/gwagent.h): builds the varbinds and
 * sends them through @p arg, a struct agent_mib_notifier. */
int agent_mib_notice(const struct agent_notice *n, void *arg);

#endif
