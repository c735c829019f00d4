"""Pages and dossier: the pages read once, their front matter, decorations, listings, news, links
between pages and their typography.
"""
