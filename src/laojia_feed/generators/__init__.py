"""What each site generator (Hexo, Hugo, Jekyll) means by a site's files, one concern a module."""
