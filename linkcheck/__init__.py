"""Link integrity of the built portal.

- `internal`: every link, image, stylesheet, script and anchor of `site/`, the feeds and
  the sitemap, checked offline (lychee for the HTML, our own checks where it falls short).
- `external`: every external address of the site and of `bibliography/`, checked over HTTP
  on a schedule, with a cache, an ignore list and a report grouped by source and by page.

Not build logic: nothing here runs during `mkdocs build`.
"""
