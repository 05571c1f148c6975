"""The one inline style sheet of the feed pages, as data.

No external resource (fonts, images, imports): the page is one file. Light and dark
colours follow ``prefers-color-scheme``; nothing is wider than a 375 px phone
(long URLs wrap anywhere, covers shrink, the layout is one column).
"""

from __future__ import annotations

#: The CSS of every page, minified by hand only as far as readability allows.
CSS = """
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;
--box:#f6f8fa;--link:#0b5cad;--accent:#d9480f}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;
--line:#3d444d;--box:#161b22;--link:#6cb6ff;--accent:#f0883e}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:46rem;padding:1.5rem 1rem 3rem;background:var(--bg);
color:var(--fg);overflow-wrap:anywhere;
font:16px/1.7 system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",
"Noto Sans CJK SC","Source Han Sans SC",sans-serif}
a{color:var(--link)}
h1{font-size:1.75rem;line-height:1.3;margin:0 0 .4rem}
h2{font-size:1.2rem;line-height:1.4;margin:2rem 0 .6rem}
h3{font-size:1.05rem;line-height:1.45;margin:0 0 .2rem}
.lead{color:var(--muted);margin:0}
.about{background:var(--box);border-left:4px solid var(--accent);border-radius:4px;
padding:.7rem 1rem;margin-top:1.2rem}
.about h2{margin:0 0 .3rem;font-size:1.05rem}
.about p{margin:.3rem 0}
.en{color:var(--muted);font-size:.95rem}
.urls,.posts,.feeds{list-style:none;margin:0;padding:0}
.urls li{margin:.6rem 0}
.urls .label{display:block;font-weight:600}
.url{display:block;padding:.45rem .6rem;border:1px solid var(--line);border-radius:4px;
background:var(--box);font:.9rem/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
user-select:all;-webkit-user-select:all;overflow-wrap:anywhere;word-break:break-all}
.post{display:flex;gap:.9rem;padding:.9rem 0;border-top:1px solid var(--line)}
.post>div{flex:1;min-width:0}
.cover{flex:none}
.cover img{display:block;width:5.5rem;height:5.5rem;object-fit:cover;border-radius:4px;
background:var(--box)}
.meta,.credit{color:var(--muted);font-size:.9rem;margin:.1rem 0}
.summary{margin:.3rem 0}
.feeds>li{padding:.7rem 0;border-top:1px solid var(--line)}
.feeds h3 a{text-decoration:none}
.feeds .url{margin-top:.35rem;font-size:.85rem}
footer{margin-top:2.5rem;padding-top:.8rem;border-top:1px solid var(--line);
color:var(--muted);font-size:.9rem}
img{max-width:100%}
"""
