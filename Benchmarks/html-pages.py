#!/usr/bin/env python3
"""Wraps each Reuters article of a folder in a realistic saved web page (navigation, cookie box,
share bar, related links, footer, JSON-LD and OpenGraph metadata), for Benchmarks/html-ingest.

    html-pages.py SOURCE_FOLDER TARGET_FOLDER
"""
import html, json, os, sys

source, target = sys.argv[1], sys.argv[2]
os.makedirs(target, exist_ok=True)
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | Wire Archive</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Reuters">
<meta property="og:url" content="https://archive.example.org/{slug}">
<link rel="canonical" href="https://archive.example.org/{slug}">
<link rel="stylesheet" href="/static/site.css">
<script type="application/ld+json">{jsonld}</script>
<script>window.analytics = window.analytics || []; analytics.push(["page", "{slug}"]);</script>
<style>.share-bar {{ display: flex; gap: 8px }} .related li {{ list-style: none }}</style>
</head>
<body>
<header class="site-header"><a class="logo" href="/">Wire Archive</a>
<nav class="main-nav"><ul><li><a href="/world">World</a></li><li><a href="/business">Business</a></li><li><a href="/markets">Markets</a></li><li><a href="/politics">Politics</a></li></ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"><button>Go</button></form></header>
<div class="cookie-banner" role="dialog">We use cookies to improve your experience. <button>Accept all</button> <button>Settings</button></div>
<main>
<article>
<h1>{title}</h1>
<div class="share-bar"><a>Share on Facebook</a> <a>Share on Twitter</a> <a>Email</a> <a>Copy link</a></div>
<div class="article-body">
{paragraphs}
</div>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/a">Markets wrap</a></li><li><a href="/b">Currencies</a></li><li><a href="/c">Commodities</a></li></ul></aside>
</article>
</main>
<footer class="site-footer"><p>All quotes delayed a minimum of 15 minutes.</p><p>&copy; 1987 Reuters. All rights reserved.</p>
<ul><li><a href="/about">About</a></li><li><a href="/terms">Terms</a></li><li><a href="/privacy">Privacy</a></li></ul></footer>
</body>
</html>
"""
for name in sorted(os.listdir(source)):
    if not name.endswith(".txt"):
        continue
    text = open(os.path.join(source, name), encoding="utf-8", errors="replace").read()
    blocks = [b.strip().replace("\n", " ") for b in text.split("\n\n") if b.strip()]
    if not blocks:
        continue
    title, body = blocks[0], blocks[1:] or [blocks[0]]
    slug = name[:-4]
    jsonld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                         "publisher": {"@type": "Organization", "name": "Reuters"},
                         "url": "https://archive.example.org/" + slug}).replace("</", "<\\/")
    page = PAGE.format(title=html.escape(title), slug=slug, jsonld=jsonld,
                       paragraphs="\n".join("<p>%s</p>" % html.escape(p) for p in body))
    with open(os.path.join(target, slug + ".html"), "w", encoding="utf-8") as f:
        f.write(page)
