#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Generate contrib/zabbix/gwagent_template.yaml (Zabbix 6.0 YAML export)
from mibs/GWAGENT-MIB.txt.

usage: gen-zabbix.py [MIB] > gwagent_template.yaml

OIDs and value maps come from the MIB (value maps are the enumerations of
gwRegState, gwProxyStatusOnline and gwProxyStatusInUse): a change of the MIB
shows as a diff of the template (tests/integration/test_nms_files.py).
UUIDs are derived from the names, so a regeneration keeps them."""
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import gwmib  # noqa: E402

TEMPLATE = "gwagent SNMP"
GROUP = "Templates/Telephony"


def uuid4(*names):
    """A stable UUIDv4-shaped id (Zabbix 6.0 wants version 4) per name."""
    h = list(hashlib.md5("/".join(("gwagent",) + names).encode()).hexdigest())
    h[12] = "4"
    h[16] = "89ab"[int(h[16], 16) & 3]
    return "".join(h)


def enum_value(mib, obj, label):
    for k, v in mib.objects[obj]["enum"].items():
        if v == label:
            return k
    raise gwmib.MibError("%s has no value %s" % (obj, label))


def valuemap_name(mib, obj):
    syn = mib.objects[obj]["syntax"]
    return syn if syn in mib.tcs else obj


def trap_regex(mib, name):
    """The notification by name (an snmptrapd with the MIB, or snmptt) or
    by numeric OID (snmptrapd -On)."""
    oid = mib.oid(name).replace(".", r"\.")
    return r"(\b%s\b|\.%s([^0-9.]|$))" % (name, oid)


def build(mib):
    m = mib.oid
    items = [
        {"uuid": uuid4("item", "gwRegBindingCount"),
         "name": "Registration bindings", "type": "SNMP_AGENT",
         "snmp_oid": m("gwRegBindingCount") + ".0", "key": "gwagent.reg.count",
         "delay": "5m", "history": "7d",
         "description": mib.objects["gwRegBindingCount"]["description"]},
        {"uuid": uuid4("item", "gwRegRegisteredCount"),
         "name": "Registered bindings", "type": "SNMP_AGENT",
         "snmp_oid": m("gwRegRegisteredCount") + ".0", "key": "gwagent.reg.registered",
         "delay": "1m", "history": "7d",
         "description": mib.objects["gwRegRegisteredCount"]["description"]},
    ]
    for name, n in mib.notifications():
        key = 'snmptrap["%s"]' % trap_regex(mib, name)
        item = {"uuid": uuid4("trap", name), "name": "Notification %s" % name,
                "type": "SNMP_TRAP", "key": key, "history": "30d",
                "trends": "0", "value_type": "LOG",
                "description": n["description"]}
        if name == "gwAlarmsSuppressed":
            item["triggers"] = [{
                "uuid": uuid4("trigger", name),
                "expression": "nodata(/%s/%s,1h)=0" % (TEMPLATE, key),
                "name": "gwagent held notifications back (gwAlarmsSuppressed): "
                        "see gwActiveAlarmTable",
                "priority": "WARNING",
                "description": "A gwAlarmsSuppressed notification arrived in the last "
                               "hour; clears an hour after the last one.",
                "manual_close": "YES"}]
        items.append(item)

    def proto(col, label, key, **kw):
        it = {"uuid": uuid4("proto", col), "name": label, "type": "SNMP_AGENT",
              "snmp_oid": m(col) + ".{#SNMPINDEX}", "key": key + "[{#SNMPINDEX}]",
              "delay": "1m", "history": "7d",
              "description": mib.objects[col]["description"]}
        it.update(kw)
        if mib.objects[col]["enum"]:
            it["valuemap"] = {"name": valuemap_name(mib, col)}
        return it

    counters = [("gwRegRegistersSent", "REGISTERs sent", "gwagent.reg.sent"),
                ("gwRegSuccesses", "2xx responses", "gwagent.reg.ok"),
                ("gwRegChallenges", "challenges", "gwagent.reg.challenges"),
                ("gwRegFailures", "failure responses", "gwagent.reg.failures"),
                ("gwRegTimeouts", "timeouts", "gwagent.reg.timeouts"),
                ("gwRegTransportErrors", "transport errors", "gwagent.reg.transport_errors")]
    state_key = "gwagent.reg.state[{#SNMPINDEX}]"
    failing = [enum_value(mib, "gwRegState", s) for s in ("backoff", "failed")]
    reg_protos = [
        proto("gwRegState", "{#AOR}: registration state", "gwagent.reg.state",
              trigger_prototypes=[{
                  "uuid": uuid4("trigger", "gwRegState"),
                  "expression": " or ".join("last(/%s/%s)=%d" % (TEMPLATE, state_key, v)
                                            for v in failing),
                  "name": "gwagent: registration of {#AOR} failed",
                  "priority": "HIGH",
                  "description": "The binding is in backoff or failed "
                                 "(gwRegistrationFailed); see its last code and error."}]),
        proto("gwRegLastCode", "{#AOR}: last response code", "gwagent.reg.code"),
        proto("gwRegLastError", "{#AOR}: last error", "gwagent.reg.error",
              value_type="CHAR", trends="0"),
    ]
    for col, label, key in counters:
        reg_protos.append(proto(col, "{#AOR}: %s per second" % label, key,
                                value_type="FLOAT", units="/s",
                                preprocessing=[{"type": "CHANGE_PER_SECOND",
                                                "parameters": [""]}]))
    online_key = "gwagent.proxy.online[{#SNMPINDEX}]"
    px_protos = [
        proto("gwProxyStatusOnline", "Proxy {#PROXYADDR} (set {#PROXYSET}): online",
              "gwagent.proxy.online",
              trigger_prototypes=[{
                  "uuid": uuid4("trigger", "gwProxyStatusOnline"),
                  "expression": "last(/%s/%s)=%d" % (TEMPLATE, online_key,
                                                      enum_value(mib, "gwProxyStatusOnline",
                                                                 "offline")),
                  "name": "gwagent: proxy {#PROXYADDR} of proxy set {#PROXYSET} offline",
                  "priority": "AVERAGE",
                  "description": "The address does not answer keep-alives "
                                 "(every address of a set offline: gwProxySetLost)."}]),
        proto("gwProxyStatusInUse", "Proxy {#PROXYADDR} (set {#PROXYSET}): in use",
              "gwagent.proxy.inuse"),
        proto("gwProxyStatusLastKeepAliveResult",
              "Proxy {#PROXYADDR} (set {#PROXYSET}): last keep-alive code",
              "gwagent.proxy.keepalive"),
    ]
    rules = [
        {"uuid": uuid4("rule", "reg"), "name": "Registration bindings discovery",
         "type": "SNMP_AGENT",
         "snmp_oid": "discovery[{#AOR},%s]" % m("gwRegAor"),
         "key": "gwagent.reg.discovery", "delay": "1h",
         "description": "One entry per gwRegStatusTable row (gateway.0, account.N); "
                        "{#SNMPINDEX} is the row index, {#AOR} its gwRegAor.",
         "item_prototypes": reg_protos},
        {"uuid": uuid4("rule", "proxy"), "name": "Proxy addresses discovery",
         "type": "SNMP_AGENT",
         "snmp_oid": "discovery[{#PROXYADDR},%s,{#PROXYSET},%s]" % (
             m("gwProxyStatusResolvedAddress"), m("gwProxyStatusProxySetId")),
         "key": "gwagent.proxy.discovery", "delay": "1h",
         "description": "One entry per gwProxyStatusTable row (a ProxyIp row).",
         "item_prototypes": px_protos},
    ]
    valuemaps = []
    for obj in ("gwRegState", "gwProxyStatusOnline", "gwProxyStatusInUse"):
        vm = valuemap_name(mib, obj)
        valuemaps.append({"uuid": uuid4("valuemap", vm), "name": vm,
                          "mappings": [{"value": str(k), "newvalue": v}
                                       for k, v in sorted(mib.objects[obj]["enum"].items())]})
    return {"zabbix_export": {
        "version": "6.0",
        "groups": [{"uuid": uuid4("group", GROUP), "name": GROUP}],
        "templates": [{
            "uuid": uuid4("template", TEMPLATE), "template": TEMPLATE,
            "name": TEMPLATE,
            "description": "gwagent (GWAGENT-MIB): SIP registration bindings and proxy "
                           "addresses by SNMP walk discovery, and the notifications as "
                           "SNMP trap items (snmptrapd with zabbix_trap_receiver or "
                           "snmptt feeding the Zabbix SNMP trapper). GENERATED by "
                           "contrib/zabbix/gen-zabbix.py from GWAGENT-MIB.",
            "groups": [{"name": GROUP}],
            "items": items,
            "discovery_rules": rules,
            "valuemaps": valuemaps}]}}


def scalar(v):
    return "'%s'" % str(v).replace("'", "''")


def emit(obj, indent=0):
    pad = "  " * indent
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)):
                out.append("%s%s:" % (pad, k))
                out += emit(v, indent + 1)
            else:
                out.append("%s%s: %s" % (pad, k, scalar(v)))
    else:
        for v in obj:
            if isinstance(v, dict):
                sub = emit(v, indent + 1)
                sub[0] = pad + "- " + sub[0][len(pad) + 2:]
                out += sub
            else:
                out.append("%s- %s" % (pad, scalar(v)))
    return out


def main(argv):
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    path = argv[1] if len(argv) > 1 else os.path.join(top, "mibs", "GWAGENT-MIB.txt")
    try:
        mib = gwmib.Mib(path)
        text = "\n".join(emit(build(mib))) + "\n"
    except (OSError, KeyError, gwmib.MibError) as e:
        sys.stderr.write("gen-zabbix.py: %s\n" % e)
        return 1
    assert not re.search(r"[^\x20-\x7e\n]", text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
