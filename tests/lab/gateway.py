# SPDX-License-Identifier: ISC
"""Gateway INI files for the tests, benchmarks and soak runs: one place that
knows how a lab gateway registers (proxy set 0 for the gateway binding, IP
group 1 on proxy set 1 for the accounts, trunk group 1 per account)."""

HEADER = """;** gwagent lab gateway **
[SIP Params]
IsRegisterNeeded = %(gw_needed)d
IsProxyUsed = 1
GWRegistrationName = 'gw'
UserName = 'gw'
Password = '%(gwpw)s'
SIPGatewayName = 'gw.test'
RegistrationTime = %(reg)d
RegistrationRetryTime = %(retry)d
IsProxyHotSwap = 1
HotSwapRtx = 1
"""

TABLES = """
[ ProxySet ]
FORMAT ProxySet_Index = ProxySet_EnableProxyKeepAlive, ProxySet_IsProxyHotSwap%(pset_fmt)s;
ProxySet 0 = 0, 1%(pset0)s;
ProxySet 1 = %(ka)d, 1%(pset1)s;
[ \\ProxySet ]

[ ProxyIp ]
FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_TransportType, ProxyIp_ProxySetId;
ProxyIp 0 = "127.0.0.1:%(port)d", 0, 0;
%(set1_rows)s
[ \\ProxyIp ]

[ IPGroup ]
FORMAT IPGroup_Index = IPGroup_ProxySetId, IPGroup_SIPGroupName, IPGroup_ContactUser;
IPGroup 1 = 1, "gw.test", "";
[ \\IPGroup ]

[ TrunkGroupSettings ]
FORMAT TrunkGroupSettings_Index = TrunkGroupSettings_TrunkGroupId, TrunkGroupSettings_RegistrationMode;
TrunkGroupSettings 0 = 1, 5;
[ \\TrunkGroupSettings ]

[ Account ]
FORMAT Account_Index = Account_ServedTrunkGroup, Account_ServedIPGroup, Account_ServingIPGroup, Account_Username, Account_Password, Account_HostName, Account_Register, Account_ContactUser, Account_ApplicationType;
%(rows)s
[ \\Account ]
"""


def account_row(index, user, password):
    return 'Account %d = 1, -1, 1, "%s", "%s", "", 1, "%s", 0;' % (index, user, password, user)


def gateway_ini(port, accounts, users, reg_time=60, retry_time=10, gateway=True,
                backups=(), keepalive_s=0, homing=False):
    """accounts: user names, registered as Account 0.. with users[name] as
    password; the gateway binding uses users["gw"] unless gateway=False.
    Proxy set 1 (the accounts') holds port, then the ports of backups; with
    keepalive_s it probes them by OPTIONS every keepalive_s seconds, with
    homing it returns to the first address once that answers again."""
    rows = "\n".join(account_row(i, u, users[u]) for i, u in enumerate(accounts))
    set1 = "\n".join('ProxyIp %d = "127.0.0.1:%d", 0, 1;' % (i + 1, p)
                     for i, p in enumerate((port,) + tuple(backups)))
    tuned = bool(keepalive_s or homing)
    return (HEADER + TABLES) % {
        "gw_needed": 1 if gateway else 0, "gwpw": users.get("gw", ""), "reg": reg_time,
        "retry": retry_time, "port": port, "rows": rows, "set1_rows": set1,
        "ka": 1 if keepalive_s else 0,
        "pset_fmt": ", ProxySet_ProxyKeepAliveTime, ProxySet_ProxyRedundancyMode"
        if tuned else "",
        "pset0": ", 60, -1" if tuned else "",
        "pset1": ", %d, %d" % (keepalive_s or 60, 1 if homing else 0) if tuned else ""}


def bulk_accounts(n, prefix="pw-"):
    """n accounts u000000.. whose password is prefix + name, for a
    Kamailio(password_prefix=prefix)."""
    names = ["u%06d" % i for i in range(n)]
    return names, {u: prefix + u for u in names}


E1_TG_FORMAT = ("FORMAT TrunkGroup_Index = TrunkGroup_TrunkGroupNum, TrunkGroup_FirstTrunkId, "
                "TrunkGroup_FirstBChannel, TrunkGroup_LastBChannel, "
                "TrunkGroup_FirstPhoneNumber, TrunkGroup_ProfileId, TrunkGroup_LastTrunkId, "
                "TrunkGroup_Module;")

E1_HEAD = """;** gwagent lab gateway: E1 trunk groups per endpoint **
[SIP Params]
IsRegisterNeeded = 1
IsProxyUsed = 1
AuthenticationMode = 0
GWRegistrationName = 'gw'
UserName = 'gw'
Password = '%(password)s'
SIPGatewayName = 'gw.test'
RegistrationTime = %(reg)d
RegistrationRetryTime = 10

[ ProxyIp ]
FORMAT ProxyIp_Index = ProxyIp_IpAddress, ProxyIp_TransportType, ProxyIp_ProxySetId;
ProxyIp 0 = "127.0.0.1:%(port)d", 0, 0;
[ \\ProxyIp ]

[ TrunkGroup ]
%(format)s
%(rows)s
[ \\TrunkGroup ]
"""


def e1_numbers(groups=8, spans_per_group=2, channels=30):
    """{(trunk group, trunk, channel): phone number} of e1_trunk_groups_ini():
    trunk group g (1..groups) holds spans (g-1)*spans_per_group.., numbered
    from "<2g>0000" trunk by trunk, channel by channel (B-channels 1 to
    channels: an E1's 30 B-channels, the D-channel timeslot is not one)."""
    out = {}
    for g in range(1, groups + 1):
        k = 0
        for trunk in range((g - 1) * spans_per_group, g * spans_per_group):
            for ch in range(1, channels + 1):
                out[(g, trunk, ch)] = "%d%04d" % (2 * g, k)
                k += 1
    return out


def e1_trunk_groups_ini(port, password, groups=8, spans_per_group=2, channels=30,
                        reg_time=3600):
    """A Mediant-2000-like gateway registering per endpoint (AuthenticationMode
    0) to proxy set 0 = 127.0.0.1:port: groups trunk groups of
    spans_per_group E1 spans each (module 1), every endpoint with the global
    Password; its numbers are e1_numbers()'s."""
    rows = ['TrunkGroup %d = %d, %d, 1, %d, "%d0000", 0, %d, 1;'
            % (g - 1, g, (g - 1) * spans_per_group, channels, 2 * g,
               g * spans_per_group - 1) for g in range(1, groups + 1)]
    return E1_HEAD % {"password": password, "reg": reg_time, "port": port,
                      "format": E1_TG_FORMAT, "rows": "\n".join(rows)}
