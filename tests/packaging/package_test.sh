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
# Man pages (help2man) and shell completion, both generated from the programs' --help.
for f in ./usr/share/man/man1/fuselab-cli.1 ./usr/share/man/man1/fuselab.1 ./usr/share/bash-completion/completions/fuselab-cli \
         ./usr/share/zsh/vendor-completions/_fuselab-cli; do
  grep -q " $f\(.gz\)\?\$" <<<"$contents" || { echo "FAIL: package lacks $f"; exit 1; }
done
grep -q "libraw" <<<"$depends" || { echo "FAIL: computed Depends lack libraw"; exit 1; }
desktop=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/applications/org.fuselab.FuseLab.desktop)
grep -q "image/x-adobe-dng" <<<"$desktop" || { echo "FAIL: the desktop file does not offer camera RAW"; exit 1; }
grep -q "application/x-hdf;" <<<"$desktop" || { echo "FAIL: the desktop file lacks application/x-hdf"; exit 1; }
if grep -q "image/x-panasonic-rw;" <<<"$desktop"; then echo "FAIL: *.raw claimed as a Panasonic RAW"; exit 1; fi

echo "== installing into a fresh dpkg root"
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status"
# Dependencies are the host's (the package's libraries resolve from the host system).
dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" >"$work/dpkg.log" 2>&1 || {
  cat "$work/dpkg.log"; echo "FAIL: dpkg -i"; exit 1; }
cli="$root/usr/bin/fuselab-cli"
"$cli" --version
bash -n "$root/usr/share/bash-completion/completions/fuselab-cli" || { echo "FAIL: the bash completion does not parse"; exit 1; }
( source "$root/usr/share/bash-completion/completions/fuselab-cli"
  COMP_WORDS=(fuselab-cli me); COMP_CWORD=1; _fuselab_cli
  [[ " ${COMPREPLY[*]} " == *" merge "* && " ${COMPREPLY[*]} " == *" metrics "* ]] || { echo "FAIL: completion of 'me': ${COMPREPLY[*]}"; exit 1; }
  COMP_WORDS=(fuselab-cli fuse --deg); COMP_CWORD=2; _fuselab_cli
  [[ " ${COMPREPLY[*]} " == *" --deghost-mask "* ]] || { echo "FAIL: completion of 'fuse --deg': ${COMPREPLY[*]}"; exit 1; } )
man_page=$root/usr/share/man/man1/fuselab-cli.1
[ -f "$man_page" ] || man_page=$man_page.gz
zcat -f "$man_page" | grep -q "bench" || { echo "FAIL: the man page does not list the subcommands"; exit 1; }
echo "   man pages and completion: ok"
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
