// Print what @rowanmanning/feed-parser reads from a feed file, as JSON (used by
// tests/test_readers.py): node feed_parser_dump.js MODULE_DIR FEED_FILE
"use strict";
const fs = require("fs");
const path = require("path");
const { parseFeed } = require(path.join(process.argv[2], "@rowanmanning", "feed-parser"));
const feed = parseFeed(fs.readFileSync(process.argv[3], "utf8"));
const out = {
  title: feed.title,
  language: feed.language,
  image: feed.image,
  items: feed.items.map((item) => ({
    id: item.id,
    url: item.url,
    image: item.image,
    media: item.media.map((m) => ({ url: m.url, type: m.mimeType, length: m.length })),
  })),
};
process.stdout.write(JSON.stringify(out));
