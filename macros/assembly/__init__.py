"""The assembly of one build: every content file collected once (shared by the build and
`make check`), the portal's state, and what its publication mode adds to each page.

Named for what it does: a folder named `build/` is skipped by most tools as build output.
"""
