/* SPDX-License-Identifier: ISC */
/*
 * The varbinds of GWAGENT-MIB notifications (mibs/GWAGENT-MIB.txt,
 * gwNotifications): what the core says about an alarm or an event
 * (struct agent_notice, agent/core/gwagent.h) in the MIB's objects.  Every
 * alarm notification starts with the seven X.733 objects of gwAlarmVars
 * (ITU-T X.733 section 8.1), then the objects its NOTIFICATION-TYPE lists.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "agent/core/gwagent.h"
#include "agent/mib/mib.h"

static void
vb_oid(struct agent_varbind *vb, const uint32_t *sub, size_t n,
       const uint32_t *idx, size_t nidx)
{
	agent_mib_root(&vb->oid);
	memcpy(vb->oid.v + vb->oid.len, sub, n * sizeof(*sub));
	vb->oid.len += n;
	if (nidx > 0)
		memcpy(vb->oid.v + vb->oid.len, idx, nidx * sizeof(*idx));
	vb->oid.len += nidx;
}

/* gwAlarmVars.obj.0 */
static void
vb_scalar_int(struct agent_varbind *vb, uint32_t obj, int type, long long n)
{
	const uint32_t sub[] = { 1, 4, 2, obj, 0 };

	vb_oid(vb, sub, 5, NULL, 0);
	mib_set_int(&vb->val, type, n);
}

static void
vb_scalar_str(struct agent_varbind *vb, uint32_t obj, const char *s, size_t len)
{
	const uint32_t sub[] = { 1, 4, 2, obj, 0 };

	vb_oid(vb, sub, 5, NULL, 0);
	mib_set_str(&vb->val, "");
	if (len > MIB_MAX_STR)
		len = MIB_MAX_STR;
	memcpy(vb->val.str, s, len);
	vb->val.len = len;
}

/* The seven X.733 varbinds every alarm notification starts with. */
static size_t
vb_x733(struct agent_varbind *vb, const struct agent_alarm *al, int severity)
{
	unsigned char dt[11];
	size_t dtlen = agent_mib_dateandtime(al->when, dt);

	vb_scalar_int(&vb[0], 1, MIB_ASN_UNSIGNED, al->seq);
	vb_scalar_int(&vb[1], 2, MIB_ASN_INTEGER, severity);
	vb_scalar_int(&vb[2], 3, MIB_ASN_INTEGER, al->event_type);
	vb_scalar_int(&vb[3], 4, MIB_ASN_INTEGER, al->cause);
	vb_scalar_str(&vb[4], 5, al->source, strlen(al->source));
	agent_mib_set_utf8(&vb[4].val, al->source); /* SnmpAdminString */
	vb_scalar_str(&vb[5], 6, al->text, strlen(al->text));
	agent_mib_set_utf8(&vb[5].val, al->text);
	vb_scalar_str(&vb[6], 7, (const char *)dt, dtlen);
	return 7;
}

/* gwRegRegistrationFailed/Restored: the binding's gwRegStatusState, and
 * for a failure its gwRegStatusLastCode and gwRegStatusLastError. */
static size_t
vb_reg(struct agent_varbind *vb, const struct agent_notice *n)
{
	const uint32_t col_state[] = { 1, 2, 1, 1, 4 };
	const uint32_t col_code[] = { 1, 2, 1, 1, 8 };
	const uint32_t col_err[] = { 1, 2, 1, 1, 10 };
	uint32_t idx[2] = { (uint32_t)n->al->type, (uint32_t)n->al->id };
	size_t k = 0;

	vb_oid(&vb[k], col_state, 5, idx, 2);
	mib_set_int(&vb[k++].val, MIB_ASN_INTEGER, (long long)n->reg_state + 1);
	if (n->kind == AGENT_N_REG_FAILED) {
		vb_oid(&vb[k], col_code, 5, idx, 2);
		mib_set_int(&vb[k++].val, MIB_ASN_UNSIGNED,
			    n->reg_code < 0 ? 0 : n->reg_code);
		vb_oid(&vb[k], col_err, 5, idx, 2);
		agent_mib_set_utf8(&vb[k++].val,
				   n->reg_error ? n->reg_error : "");
	}
	return k;
}

/* gwTrunkGroupRegistrationFailed/Restored: the trunk group's
 * gwTrunkGroupStatusBindings, then its ...Failed or ...Registered. */
static size_t
vb_tg(struct agent_varbind *vb, const struct agent_notice *n)
{
	const uint32_t col_bind[] = { 1, 2, 6, 1, 4 };
	uint32_t col_n[] = { 1, 2, 6, 1, 6 };
	uint32_t idx[1] = { (uint32_t)n->al->id };

	vb_oid(&vb[0], col_bind, 5, idx, 1);
	mib_set_int(&vb[0].val, MIB_ASN_UNSIGNED, n->tg_bindings);
	if (n->kind == AGENT_N_TG_RESTORED)
		col_n[4] = 5; /* gwTrunkGroupStatusRegistered */
	vb_oid(&vb[1], col_n, 5, idx, 1);
	mib_set_int(&vb[1].val, MIB_ASN_UNSIGNED,
		    n->kind == AGENT_N_TG_RESTORED ? n->tg_registered
						   : n->tg_failed);
	return 2;
}

size_t
agent_mib_notice_varbinds(const struct agent_notice *n,
			  struct agent_varbind *vb, size_t max)
{
	const uint32_t st[] = { 1, 3, 5, 0 }, dg[] = { 1, 3, 6, 0 };
	unsigned char dt[11];
	size_t k;

	if (max < AGENT_MIB_NOTICE_VBS)
		return 0;
	if (n->kind == AGENT_N_SUPPRESSED) {
		k = agent_mib_dateandtime(n->when, dt);
		vb_scalar_int(&vb[0], 8, MIB_ASN_UNSIGNED, n->suppressed);
		vb_scalar_str(&vb[1], 7, (const char *)dt, k);
		return 2;
	}
	if (n->al == NULL)
		return 0;
	k = vb_x733(vb, n->al, n->severity);
	switch (n->kind) {
	case AGENT_N_REG_FAILED:
	case AGENT_N_REG_RESTORED:
		k += vb_reg(&vb[k], n);
		break;
	case AGENT_N_TG_FAILED:
	case AGENT_N_TG_RESTORED:
		k += vb_tg(&vb[k], n);
		break;
	case AGENT_N_INI_RESULT: /* gwIniActionStatus, gwIniActionDiags */
		vb_oid(&vb[k], st, 4, NULL, 0);
		mib_set_int(&vb[k++].val, MIB_ASN_INTEGER, n->ini_status);
		vb_oid(&vb[k], dg, 4, NULL, 0);
		mib_set_str(&vb[k++].val, n->ini_diags ? n->ini_diags : "");
		break;
	default:
		break;
	}
	return k;
}

int
agent_mib_notice(const struct agent_notice *n, void *arg)
{
	const struct agent_mib_notifier *nf = arg;
	struct agent_varbind vb[AGENT_MIB_NOTICE_VBS];
	size_t nvb;

	if (nf == NULL || nf->send == NULL)
		return 0;
	nvb = agent_mib_notice_varbinds(n, vb, AGENT_MIB_NOTICE_VBS);
	if (nvb == 0)
		return -EINVAL;
	return nf->send((uint32_t)n->kind, vb, nvb, nf->arg);
}
