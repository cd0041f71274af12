#!/usr/bin/env bash
# Offline checks of the monitoring configuration with the tools Prometheus and Alertmanager
# ship (Debian: prometheus, prometheus-alertmanager). deploy/validate.sh runs this when present.
set -euo pipefail
cd "$(dirname "$0")"

for tool in promtool amtool; do
  command -v "$tool" >/dev/null || { echo "validate-monitoring: $tool not found (apt-get install prometheus prometheus-alertmanager)" >&2; exit 1; }
done

promtool check config prometheus/prometheus.yml   # also checks the rule files it names
promtool check rules prometheus/rules/*.yml
promtool test rules prometheus/tests/*.yml
amtool check-config alertmanager/alertmanager.yml

# Each severity reaches the receivers it should.
route() {
  amtool config routes test --config.file=alertmanager/alertmanager.yml --verify.receivers="$1" \
    "severity=$2" service=crm alertname=Check 2>/dev/null
}
route critical critical
route warning warning
route integrations info
route integrations none
echo "validate-monitoring: ok"
