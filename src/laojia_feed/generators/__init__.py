"""Hexo, Hugo and Jekyll sites: detecting one, and reading its config, permalinks and defaults."""
