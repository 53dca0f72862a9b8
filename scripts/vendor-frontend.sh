#!/bin/sh
# Vendor the front-end files we serve (Bootstrap) and the accessibility checker the browser tests
# inject (axe-core) from their npm packages, so that `make run` and the tests never need npm or a
# CDN.  Re-run after changing a version below; commit the result (files, LICENSE, VERSIONS).
set -eu
BOOTSTRAP_VERSION=5.3.9
AXE_VERSION=4.14.1

here=$(cd "$(dirname "$0")/.." && pwd)
static="$here/src/ticcoop/web/static/vendor"
axe_dir="$here/tests/browser/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "bootstrap@$BOOTSTRAP_VERSION" "axe-core@$AXE_VERSION" >/dev/null
mkdir bootstrap axe
tar -xzf "bootstrap-$BOOTSTRAP_VERSION.tgz" -C bootstrap --strip-components=1
tar -xzf "axe-core-$AXE_VERSION.tgz" -C axe --strip-components=1

rm -rf "$static/bootstrap"
mkdir -p "$static/bootstrap" "$axe_dir"
cp bootstrap/dist/css/bootstrap.min.css bootstrap/dist/css/bootstrap.min.css.map \
   bootstrap/dist/js/bootstrap.bundle.min.js bootstrap/dist/js/bootstrap.bundle.min.js.map \
   bootstrap/LICENSE "$static/bootstrap/"
cp axe/axe.min.js "$axe_dir/axe.min.js"
cp axe/LICENSE "$axe_dir/LICENSE"

{
  echo "# Written by scripts/vendor-frontend.sh from the npm registry; do not edit by hand."
  echo "bootstrap $BOOTSTRAP_VERSION $(sha256sum "bootstrap-$BOOTSTRAP_VERSION.tgz" | cut -d' ' -f1)"
} > "$static/VERSIONS"
{
  echo "# Written by scripts/vendor-frontend.sh from the npm registry; do not edit by hand."
  echo "axe-core $AXE_VERSION $(sha256sum "axe-core-$AXE_VERSION.tgz" | cut -d' ' -f1)"
} > "$axe_dir/VERSIONS"
echo "vendored bootstrap $BOOTSTRAP_VERSION into $static, axe-core $AXE_VERSION into $axe_dir"
