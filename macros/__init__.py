"""mkdocs-macros entry point (MkDocs and Zensical alike): wiring only.

The hooks are `engine/hooks.py`, imported when mkdocs-macros first calls one: a process that
needs one room (the drawing processes of the charts and of the share images import
`macros.charts` or `macros.sitewide`) does not load the whole build with this package
(0.3 s of CPU each, measured).
"""

from __future__ import annotations


def define_env(env):
    from .engine import hooks

    hooks.define_env(env)


def on_pre_page_macros(env):
    from .engine import hooks

    hooks.on_pre_page_macros(env)


def on_post_page_macros(env):
    from .engine import hooks

    hooks.on_post_page_macros(env)


def on_post_build(env):
    from .engine import hooks

    hooks.on_post_build(env)
