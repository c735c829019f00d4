"""One build's state: every content file collected once, shared by the build and `make check`.
"""
