#!/usr/bin/env bash
# issue 11 item 30: the man pages render whole, and install where man finds them.
# 1. A roff line that starts with '.' or "'" is a request: one that is not a
#    known man(7) macro (such as "... | sx-window", which needs "\&...") makes
#    groff drop the whole line. Every page is checked, and every line of its
#    .nf/.fi blocks (the examples) must be in the rendered page.
# 2. cmake --install puts the tools in P/bin and the pages in P/share/man/man1
#    and man7, and man -M P/share/man finds them.
source "$(dirname "$0")/common.sh" "$1"

known='TH SH SS TP TQ PP P LP IP HP RS RE B I BI BR IB IR RB RI SM SB nf fi br sp in ti ft ad na EX EE UR UE MT ME'
pages=0
for page in "$ROOT"/man/*.[17]; do
  name=$(basename "$page")
  # 1a. Lines that roff reads as requests.
  while IFS= read -r line; do
    req=${line#[.\']}
    req=${req%%[ 	]*}
    case "$req" in '\"'*) continue ;; esac  # a comment
    grep -qwF -- "$req" <<< "$known" && [ -n "$req" ] \
      || fail "$name: a line starts with '${line:0:1}' but '$req' is no man macro (write \\& before it): $line"
  done < <(grep -E "^[.']" "$page")
  # 1b. groff itself has no complaint (undefined macros, bad escapes).
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1 | grep -v 'cannot adjust line' || true)
  [ -z "$warnings" ] || fail "$name: groff warns: $warnings"
  # 1c. Every line of a no-fill block (examples) is in the rendered page.
  rendered=$(groff -man -Tutf8 -P-c -P-b -P-u "$page" 2> /dev/null | sed 's/  */ /g')
  awk '/^\.nf/{f=1; next} /^\.fi/{f=0} f' "$page" \
    | sed -e 's/\\&//g' -e 's/\\-/-/g' -e 's/\\\\/\\/g' -e 's/\\f[BIRP]//g' -e "s/\\\\(aq/'/g" -e 's/\\e/\\/g' \
          -e 's/^[ 	]*//' -e 's/  */ /g' -e 's/[ 	]*$//' \
    | while IFS= read -r want; do
        [ -z "$want" ] && continue
        grep -qF -- "$want" <<< "$rendered" || fail "$name: the rendered page lacks the line: $want"
      done
  pages=$((pages + 1))
done
[ "$pages" -ge 7 ] || fail "found only $pages man pages"
# The example that was lost (its lines began with '...').
groff -man -Tutf8 -P-c "$ROOT/man/sx-window.1" 2> /dev/null | grep -q -- '\.\.\. | sx-window --session 30m' \
  || fail "sx-window(1) EXAMPLES lost its '... | sx-window --session' line"

# 2. Install into a temporary prefix.
cmake --install "$BIN/.." --prefix "$WORK/p" > install.log
for tool in "$BIN"/sx-*; do
  [ -x "$WORK/p/bin/$(basename "$tool")" ] || fail "cmake --install did not install $(basename "$tool")"
done
for page in "$ROOT"/man/*.1; do
  cmp -s "$page" "$WORK/p/share/man/man1/$(basename "$page")" || fail "$(basename "$page") not in share/man/man1"
done
cmp -s "$ROOT/man/sx.7" "$WORK/p/share/man/man7/sx.7" || fail "sx.7 not in share/man/man7"
"$WORK/p/bin/sx-window" --version > /dev/null || fail "the installed sx-window does not run"
if command -v man > /dev/null && man -M "$WORK/p/share/man" -w sx > where 2> /dev/null; then
  grep -q "man7/sx.7" where || fail "man -M P/share/man sx found $(cat where)"
  MANPAGER=cat MANWIDTH=100 man -M "$WORK/p/share/man" sx 2> /dev/null | grep -q "KEEPING CONTROL RECORDS" \
    || fail "man -M P/share/man sx does not show sx(7)"
  MANPAGER=cat MANWIDTH=120 man -M "$WORK/p/share/man" sx-window 2> /dev/null \
    | grep -q -- '\.\.\. | sx-window --session 30m' || fail "man sx-window lacks its examples"
else
  fail "man -M P/share/man -w sx finds nothing (is man-db installed? scripts/setup.sh lists it)"
fi
echo "man pages: $pages render whole and install"
