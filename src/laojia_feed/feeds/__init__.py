"""What goes into the files a build publishes besides the posts: feeds and the pages about them."""
