#!/bin/sh
# SPDX-License-Identifier: ISC
# Regenerate every NMS file made from GWAGENT-MIB after a MIB change:
# the snmptt translation, the Zabbix template and the snmp_exporter module
# (tests/integration/test_nms_files.py checks that they are up to date).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mib=$here/../mibs/GWAGENT-MIB.txt
python3 "$here/snmptt/gen-snmptt.py" "$mib" >"$here/snmptt/gwagent.snmptt.conf"
python3 "$here/zabbix/gen-zabbix.py" "$mib" >"$here/zabbix/gwagent_template.yaml"
sh "$here/snmp_exporter/gen-snmp-yml.sh" "$here/snmp_exporter/snmp.yml"
