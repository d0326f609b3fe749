#!/usr/bin/env bash
# Packaging test (ctest label `packaging`): builds the .deb from this build tree with CPack,
# installs it into a fresh dpkg root (no container needed), runs the installed programs —
# `fuselab-cli --version`, a headless fusion, and the GUI from the desktop file's command on
# the offscreen platform — then removes the package and checks nothing is left behind.
#   package_test.sh BUILD_DIR
# Exit 77 (skipped) where dpkg-deb or cpack is missing.
set -euo pipefail
build=$(cd "$1" && pwd)
for tool in dpkg-deb dpkg cpack; do
  command -v "$tool" >/dev/null 2>&1 || { echo "package test skipped: $tool is not installed"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== building the package"
(cd "$build" && cpack -G DEB -D CPACK_PACKAGING_INSTALL_PREFIX=/usr -B "$work/pkg" >"$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls "$work"/pkg/*.deb | head -1)
echo "   $(basename "$deb") ($(du -h "$deb" | cut -f1))"
depends=$(dpkg-deb -f "$deb" Depends)
echo "   Depends: $depends"
for lib in libqt6widgets6 libopencv libopenexr libexiv2; do
  grep -q "$lib" <<<"$depends" || { echo "FAIL: computed Depends lack $lib"; exit 1; }
done
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/fuselab ./usr/bin/fuselab-cli ./usr/share/applications/org.fuselab.FuseLab.desktop \
         ./usr/share/metainfo/org.fuselab.FuseLab.metainfo.xml ./usr/share/icons/hicolor/scalable/apps/org.fuselab.FuseLab.svg; do
  grep -q " $f\$" <<<"$contents" || { echo "FAIL: package lacks $f"; exit 1; }
done

echo "== installing into a fresh dpkg root"
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status"
# Dependencies are the host's (the package's libraries resolve from the host system).
dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" >"$work/dpkg.log" 2>&1 || {
  cat "$work/dpkg.log"; echo "FAIL: dpkg -i"; exit 1; }
cli="$root/usr/bin/fuselab-cli"
"$cli" --version
if strings "$cli" "$root"/usr/lib/fuselab/*.so 2>/dev/null | grep -q "$build"; then
  echo "FAIL: installed files refer to the build tree ($build)"; exit 1
fi
"$cli" synth --size 128x96 --exposures 3 --quiet -o "$work/stack"
"$cli" fuse --quiet "$work/stack" -o "$work/fused.tif"
[ -s "$work/fused.tif" ] && [ -s "$work/fused.tif.json" ] || { echo "FAIL: installed fuse wrote nothing"; exit 1; }
echo "   headless fusion from the installed files: ok"
exec_line=$(grep '^Exec=' "$root/usr/share/applications/org.fuselab.FuseLab.desktop" | cut -d= -f2 | sed 's/ %F//')
XDG_CONFIG_HOME="$work/config" QT_QPA_PLATFORM=offscreen timeout 120 "$root/usr/bin/$exec_line" --screenshot "$work/gui.png" >/dev/null 2>&1
[ -s "$work/gui.png" ] || { echo "FAIL: the GUI did not start from the desktop file's command"; exit 1; }
echo "   GUI from the desktop file's command: ok"

echo "== removing"
dpkg --root="$root" --force-depends --force-script-chrootless -r fuselab >"$work/dpkg-r.log" 2>&1 || {
  cat "$work/dpkg-r.log"; echo "FAIL: dpkg -r"; exit 1; }
left=$({ find "$root/usr" -type f 2>/dev/null || true; } | wc -l)
[ "$left" -eq 0 ] || { find "$root/usr" -type f | head; echo "FAIL: $left files left after removal"; exit 1; }
echo "PASS: package builds, installs, runs and removes cleanly"
