#!/bin/sh
# Render churn-eval's HTML report in headless Chromium and check that it rendered: $1 is the
# directory of the built tools. The report of two models on a synthetic log must hold its
# charts as inline SVG and nothing to fetch, and its screenshot must be a page, not a blank:
# many colours, a good share of non-white pixels, and the colours of both models' series
# (#2563eb, #ea580c) and of the class histograms (#dc2626 over white) on screen.
#
# CK_KEEP_RENDER=DIR keeps report.html and report.png there, to look at.
#
# Chromium comes from Debian's `chromium` package. When it is missing the test installs it
# (as root, or through passwordless sudo) and skips, exit 77, with a clear message only
# when that fails. The pixel checks use Python's PIL (python3-pil); without it the PNG's
# size stands in for them.
set -u
bindir=$1
work=$(mktemp -d)
trap '[ -n "${CK_KEEP_RENDER:-}" ] && cp "$work"/report.* "$CK_KEEP_RENDER"/; rm -rf "$work"' EXIT
cd "$work" || exit 1

find_chromium() {
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null 2>&1; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

browser=$(find_chromium)
if [ -z "$browser" ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo -n"
    echo "render: chromium is not installed; trying apt-get install chromium" >&2
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        chromium; } >"$work/apt.log" 2>&1
    browser=$(find_chromium)
    if [ -z "$browser" ]; then
        echo "SKIPPED: chromium is not installed and could not be installed (apt-get said:" \
            "$(tail -n 1 "$work/apt.log")); the report was not rendered"
        exit 77
    fi
fi

set -e
PATH="$bindir:$PATH"
churn-synth --customers 2000 --days 600 --seed 9 --out events.csv -q
churn-train --events events.csv --cutoff 2024-09-01 --cutoff 2024-12-01 --model gbm --rounds 30 \
    --out a.json -q
churn-train --events events.csv --cutoff 2024-06-01 --cutoff 2024-09-01 --cutoff 2024-12-01 \
    --model gbm --rounds 80 --out b.json -q
churn-eval --model a.json --model b.json --events events.csv --cutoff 2025-03-01 \
    --bootstrap 50 --report report.html -q >/dev/null

# the charts are in the file, and nothing outside it is needed
svgs=$(grep -o '<svg' report.html | wc -l)
[ "$svgs" -ge 10 ] || { echo "only $svgs inline SVG charts"; exit 1; }
for chart in 'ROC curve' 'Precision' 'Cumulative gains' 'Lift by decile' 'Calibration' \
    'Feature importance' 'Shape functions'; do
    grep -q "$chart" report.html || { echo "no \"$chart\" in the report"; exit 1; }
done
if grep -qi '<script\|src=\|href=\|@import\|url(' report.html; then
    echo "the report refers to something outside itself"
    exit 1
fi

set +e
"$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" \
    --screenshot="$work/report.png" --window-size=1200,3000 "file://$work/report.html" \
    >chromium.log 2>&1
set -e
[ -s report.png ] || { echo "chromium wrote no screenshot:"; tail -n 5 chromium.log; exit 1; }

python=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import PIL' >/dev/null 2>&1; then
        python=$p
        break
    fi
done
if [ -z "$python" ]; then
    size=$(wc -c <report.png)
    echo "no python3-pil: checking the PNG's size only ($size bytes)"
    [ "$size" -gt 100000 ] || { echo "the screenshot is too small to hold the charts"; exit 1; }
    echo "rendered"
    exit 0
fi
"$python" - report.png <<'EOF'
import sys
from PIL import Image

im = Image.open(sys.argv[1]).convert("RGB")
w, h = im.size
small = im.resize((w // 2, h // 2), Image.NEAREST)  # every other pixel: fast, still exact
pixels = list(small.getdata())
colours = set(pixels)
# ink: anything but white and the page's background (#f3f4f6)
non_white = sum(1 for p in pixels if p != (255, 255, 255) and p != (243, 244, 246)) / len(pixels)


def near(target, tol=24):
    return sum(1 for p in pixels if all(abs(a - b) <= tol for a, b in zip(p, target)))


series = {"model A #2563eb": (0x25, 0x63, 0xEB), "model B #ea580c": (0xEA, 0x58, 0x0C),
          "churned #dc2626": (0xEE, 0x93, 0x93)}  # the churned bars are #dc2626 at 50%
problems = []
if (w, h) != (1200, 3000):
    problems.append(f"screenshot {w}x{h}, expected 1200x3000")
if len(colours) < 200:
    problems.append(f"only {len(colours)} distinct colours")
if non_white < 0.10:
    problems.append(f"only {100 * non_white:.1f}% of the page is drawn on")
for name, rgb in series.items():
    if near(rgb) < 50:
        problems.append(f"no {name} on screen")
if problems:
    print("the report did not render:", "; ".join(problems))
    sys.exit(1)
print(f"rendered: {len(colours)} colours, {100 * non_white:.0f}% drawn on, series on screen")
EOF
