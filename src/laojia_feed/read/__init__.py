r"""Reading posts: find the files, decode them, split the front matter, parse its fields into
validated ``Article``\ s (``load`` runs the whole stage and collects diagnostics)."""
