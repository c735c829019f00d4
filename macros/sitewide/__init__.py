"""Site-wide steps: what is done once per build over the whole site (feeds, exports, search index,
compaction, redirects, share images, publication).
"""
