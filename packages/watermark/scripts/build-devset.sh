#!/usr/bin/env bash
# Builds the watermark development set (real photos, wallpapers, screenshots, line art, textures)
# from Debian packages into a folder outside git. Needs apt-get (run `apt-get update` once first).
# Deliberately NOT used: python3-skimage's data and mate-backgrounds (kept apart for independent checks).
#
#   packages/watermark/scripts/build-devset.sh [OUT_DIR]     (default ~/.cache/atelier-watermark/devset)
set -euo pipefail
OUT="${1:-$HOME/.cache/atelier-watermark/devset}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PACKAGES=(
  plasma-workspace-wallpapers   # photos: landscapes, night sky, water, snow, studio shots
  lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 lomiri-wallpapers
  ukui-wallpapers               # photos and flat digital art
  gnome-backgrounds             # line art, flat patterns, pixel art
  sway-backgrounds              # flat vector art
  mypaint-data-extras           # paper / canvas textures (high frequency)
  opencv-doc                    # classic sample images: portraits, text, fruit, baboon, chessboard
  gimp-help-en                  # screenshots with text, filter examples
)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
apt-get download "${PACKAGES[@]}"
for deb in *.deb; do
  name="${deb%%_*}"
  mkdir -p "x/$name"
  dpkg-deb -x "$deb" "x/$name"
done
cd "$HERE/.."
npx tsx scripts/select-devset.ts "$WORK/x" "$OUT"
