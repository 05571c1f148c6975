"""Writing the output folder: locked, atomic, never outside the folder."""
