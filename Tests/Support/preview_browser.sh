#!/usr/bin/env bash
# The web preview in headless Chromium with no network: run under `unshare -n` (a new network
# namespace whose only interface is loopback, brought up here), so the page can load nothing from
# outside. Starts `mailroom preview --serve` in the namespace, then writes into OUT:
#   index.html, email.html     the DOM after scripts ran (--dump-dom)
#   desktop.png, phone.png     screenshots of the email page at 1280 and 375 px
#   overflow.html              the email's HTML at 375 px, measured by a script the test adds
#   edited.html                the email page again after TEMPLATES' subject was edited
#   version-before, version-after   GET /version around the edit
# Usage: preview_browser.sh MAILROOM CONFIG TEMPLATES OUT
set -euo pipefail
mailroom=$1 config=$2 templates=$3 out=$4
ip link set lo up
export HOME=$out/home
mkdir -p "$HOME"
"$mailroom" preview --serve --listen 127.0.0.1:0 --config "$config" --templates "$templates" >"$out/serve.out" 2>"$out/serve.err" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
url=
for _ in $(seq 1 300); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$out/serve.out" || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the preview server did not start" >&2; cat "$out/serve.err" >&2; exit 1; }
email="$url/email?template=closure-confirmation&locale=de&sample=sample.de.json"
browse() {
  timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$out/profile" --virtual-time-budget=3000 "$@" 2>>"$out/chromium.err"
}
browse --dump-dom "$url/" >"$out/index.html"
browse --dump-dom "$email" >"$out/email.html"
browse --window-size=1280,2400 --screenshot="$out/desktop.png" "$email" >/dev/null
browse --window-size=375,2400 --screenshot="$out/phone.png" "$email" >/dev/null
curl -s "$url/email/html?template=closure-confirmation&locale=de&sample=sample.de.json" >"$out/email-part.html"
# The test's own measure of horizontal overflow at phone width: the email's HTML from a file
# with a script appended (the served copy allows no script).
{ cat "$out/email-part.html"; echo '<script>document.body.setAttribute("data-overflow", String(document.documentElement.scrollWidth > window.innerWidth)); document.body.setAttribute("data-width", String(document.documentElement.scrollWidth));</script>'; } >"$out/email-part-measured.html"
browse --window-size=375,2400 --dump-dom "file://$out/email-part-measured.html" >"$out/overflow.html"
curl -s "$url/version" >"$out/version-before"
printf 'Edited in the browser test: {{reference}}\n' >"$templates/closure-confirmation/subject.de.mustache"
curl -s "$url/version" >"$out/version-after"
browse --dump-dom "$email" >"$out/edited.html"
