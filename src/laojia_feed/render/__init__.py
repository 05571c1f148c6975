"""Rendering bodies: Markdown to HTML, sanitizing with allow-lists, summaries."""
