/* SPDX-License-Identifier: ISC */
/*
 * Net-SNMP's side of GWAGENT-MIB: one handler for the whole gwObjects
 * subtree translating requests to agent/mib/mib.c, and the notification
 * sender.  With one handler every varbind of a SET arrives together in
 * each phase, which makes the transaction atomic across the request.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agent/core/gwagent.h"
#include "agent/core/log.h"
#include "agent/mib/mib.h"
#include "agent/snmp/snmp_int.h"

extern struct gwagent *gwagent_ctx;

/* The SET in progress: Net-SNMP runs one at a time through its phases. */
static struct agent_mib_txn *agent_snmp_txn;

/* A request's OID in the model's form.  @return 0, or -ERANGE when it is
 * too long or holds a sub-identifier beyond 32 bits (o then holds what
 * came before it, for agent_mib_oid_clamp()). */
static int
agent_snmp_oid_in(const oid *name, size_t len, struct mib_oid *o)
{
	size_t i;

	o->len = 0;
	for (i = 0; i < len; i++) {
		if (i == MIB_MAX_OID ||
		    agent_mib_subid((uint64_t)name[i], &o->v[i]) < 0)
			return -ERANGE;
		o->len = i + 1;
	}
	return 0;
}

/* The GETNEXT start for a request: the same answer, whatever its form. */
static void
agent_snmp_next_in(const oid *name, size_t len, struct mib_oid *o)
{
	if (agent_snmp_oid_in(name, len, o) < 0)
		agent_mib_oid_clamp(o, o->len < MIB_MAX_OID);
}

static void
agent_snmp_oid_out(const struct mib_oid *o, oid *name, size_t *len)
{
	size_t i;

	for (i = 0; i < o->len; i++)
		name[i] = o->v[i];
	*len = o->len;
}

static void
agent_snmp_value_out(netsnmp_variable_list *vb, const struct mib_value *v)
{
	long l;
	u_long u;

	switch (v->type) {
	case MIB_ASN_INTEGER:
		l = (long)v->num;
		snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof(l));
		break;
	case MIB_ASN_UNSIGNED:
	case MIB_ASN_COUNTER:
	case MIB_ASN_TIMETICKS:
		u = (u_long)v->num;
		snmp_set_var_typed_value(vb, (u_char)v->type, &u, sizeof(u));
		break;
	default:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, v->str, v->len);
		break;
	}
}

/* @return 0, or an SNMP error for a value we cannot even represent. */
static int
agent_snmp_value_in(const netsnmp_variable_list *vb, struct mib_value *v)
{
	memset(v, 0, sizeof(*v) - sizeof(v->str));
	v->type = vb->type;
	switch (vb->type) {
	case ASN_INTEGER:
	case ASN_UNSIGNED:
	case ASN_COUNTER:
		if (vb->val.integer == NULL)
			return SNMP_ERR_WRONGLENGTH;
		v->num = vb->type == ASN_INTEGER
				 ? (long long)*vb->val.integer
				 : (long long)(u_long)*vb->val.integer;
		return 0;
	case ASN_OCTET_STR:
		if (vb->val_len > MIB_MAX_STR)
			return SNMP_ERR_WRONGLENGTH;
		v->len = vb->val_len;
		if (vb->val_len > 0)
			memcpy(v->str, vb->val.string, vb->val_len);
		return 0;
	default:
		return SNMP_ERR_WRONGTYPE;
	}
}

static void
agent_snmp_get(netsnmp_request_info *r)
{
	struct mib_oid name;
	struct mib_value v;

	if (agent_snmp_oid_in(r->requestvb->name, r->requestvb->name_length,
			      &name) < 0 ||
	    agent_mib_get(gwagent_ctx, &name, &v) < 0) {
		netsnmp_set_request_error(NULL, r, SNMP_NOSUCHINSTANCE);
		return;
	}
	agent_snmp_value_out(r->requestvb, &v);
}

static void
agent_snmp_getnext(netsnmp_request_info *r)
{
	struct mib_oid name, next;
	struct mib_value v;
	oid out[MIB_MAX_OID];
	size_t outlen;

	agent_snmp_next_in(r->requestvb->name, r->requestvb->name_length,
			   &name);
	if (agent_mib_getnext(gwagent_ctx, &name, &next, &v) < 0) {
		/* Past our subtree: leave the varbind unanswered so that
		 * the agent moves on to the next registration. */
		return;
	}
	agent_snmp_oid_out(&next, out, &outlen);
	snmp_set_var_objid(r->requestvb, out, outlen);
	agent_snmp_value_out(r->requestvb, &v);
}

static void
agent_snmp_reserve1(netsnmp_agent_request_info *reqinfo,
		    netsnmp_request_info *requests)
{
	netsnmp_request_info *r;
	struct mib_oid name;
	struct mib_value v;
	int err;

	agent_mib_txn_free(agent_snmp_txn); /* an abandoned earlier SET */
	agent_snmp_txn = agent_mib_txn_begin(gwagent_ctx);
	for (r = requests; r != NULL; r = r->next) {
		if (agent_snmp_txn == NULL)
			err = SNMP_ERR_RESOURCEUNAVAILABLE;
		else if (agent_snmp_oid_in(r->requestvb->name,
					   r->requestvb->name_length,
					   &name) < 0)
			err = SNMP_ERR_NOCREATION;
		else if ((err = agent_snmp_value_in(r->requestvb, &v)) == 0)
			err = (int)agent_mib_txn_add(agent_snmp_txn, &name, &v);
		if (err != 0) {
			netsnmp_set_request_error(reqinfo, r, err);
			return;
		}
	}
}

static void
agent_snmp_reserve2(netsnmp_agent_request_info *reqinfo,
		    netsnmp_request_info *requests)
{
	netsnmp_request_info *r = requests;
	size_t bad = 0, i;
	int err;

	if (agent_snmp_txn == NULL) {
		netsnmp_set_request_error(reqinfo, requests,
					  SNMP_ERR_RESOURCEUNAVAILABLE);
		return;
	}
	err = (int)agent_mib_txn_prepare(agent_snmp_txn, &bad);
	if (err == 0)
		return;
	for (i = 0; i < bad && r->next != NULL; i++)
		r = r->next;
	netsnmp_set_request_error(reqinfo, r, err);
}

static int
agent_snmp_handler(netsnmp_mib_handler *handler,
		   netsnmp_handler_registration *reginfo,
		   netsnmp_agent_request_info *reqinfo,
		   netsnmp_request_info *requests)
{
	netsnmp_request_info *r;

	(void)handler;
	(void)reginfo;
	switch (reqinfo->mode) {
	case MODE_GET:
		for (r = requests; r != NULL; r = r->next)
			agent_snmp_get(r);
		break;
	case MODE_GETNEXT:
		for (r = requests; r != NULL; r = r->next)
			agent_snmp_getnext(r);
		break;
	case MODE_SET_RESERVE1:
		agent_snmp_reserve1(reqinfo, requests);
		break;
	case MODE_SET_RESERVE2:
		agent_snmp_reserve2(reqinfo, requests);
		break;
	case MODE_SET_ACTION:
		if (agent_snmp_txn != NULL) {
			int err = (int)agent_mib_txn_action(agent_snmp_txn);

			if (err != 0)
				netsnmp_set_request_error(reqinfo, requests,
							  err);
		}
		break;
	case MODE_SET_COMMIT:
		if (agent_snmp_txn != NULL)
			agent_mib_txn_commit(agent_snmp_txn);
		agent_mib_txn_free(agent_snmp_txn);
		agent_snmp_txn = NULL;
		break;
	case MODE_SET_UNDO:
		if (agent_snmp_txn != NULL)
			agent_mib_txn_undo(agent_snmp_txn);
		/* FALLTHROUGH */
	case MODE_SET_FREE:
		agent_mib_txn_free(agent_snmp_txn);
		agent_snmp_txn = NULL;
		break;
	default:
		break;
	}
	return SNMP_ERR_NOERROR;
}

int
agent_snmp_mib_register(void)
{
	static oid root[] = { GWAGENT_OID, 1 }; /* gwObjects */
	netsnmp_handler_registration *reg;
	int rc;

	reg = netsnmp_create_handler_registration("gwagent", agent_snmp_handler,
						  root, OID_LENGTH(root),
						  HANDLER_CAN_RWRITE);
	if (reg == NULL)
		return -ENOMEM;
	rc = netsnmp_register_handler(reg);
	if (rc != MIB_REGISTERED_OK) {
		log_warnx("snmp", "cannot register GWAGENT-MIB (%d)", rc);
		return -EIO;
	}
	return 0;
}

void
agent_snmp_mib_unregister(void)
{
	static oid root[] = { GWAGENT_OID, 1 };

	unregister_mib(root, OID_LENGTH(root));
	agent_mib_txn_free(agent_snmp_txn);
	agent_snmp_txn = NULL;
}

int
agent_snmp_notify(uint32_t n, const struct agent_varbind *vb, size_t nvb,
		  void *arg)
{
	static const oid trapoid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
	oid notif[] = { GWAGENT_OID, 0, n };
	netsnmp_variable_list *vars = NULL;
	oid name[MIB_MAX_OID];
	size_t i, len;
	long l;
	u_long u;

	(void)arg;
	if (!agent_snmp_session_up()) {
		log_debug("snmp", "notification %u held: no AgentX master", n);
		return -ENOTCONN;
	}
	snmp_varlist_add_variable(&vars, trapoid, OID_LENGTH(trapoid),
				  ASN_OBJECT_ID, (u_char *)notif,
				  sizeof(notif));
	for (i = 0; i < nvb; i++) {
		agent_snmp_oid_out(&vb[i].oid, name, &len);
		if (vb[i].val.type == MIB_ASN_INTEGER) {
			l = (long)vb[i].val.num;
			snmp_varlist_add_variable(&vars, name, len, ASN_INTEGER,
						  (u_char *)&l, sizeof(l));
		} else if (vb[i].val.type == MIB_ASN_OCTET_STR) {
			snmp_varlist_add_variable(&vars, name, len,
						  ASN_OCTET_STR, vb[i].val.str,
						  vb[i].val.len);
		} else {
			u = (u_long)vb[i].val.num;
			snmp_varlist_add_variable(&vars, name, len,
						  (u_char)vb[i].val.type,
						  (u_char *)&u, sizeof(u));
		}
	}
	log_debug("snmp", "notification %u with %zu varbinds", n, nvb);
	send_v2trap(vars);
	snmp_free_varbind(vars);
	return 0;
}
