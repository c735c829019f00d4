"""The portal's action service: petition signatures (double opt-in) and sealed testimonies.

A small ASGI program beside the static site (see service/README.md). The site never imports
it, except `service.markup`, the stdlib-only form markup both sides must share to show the
same form. Data flows one way: forms → service → database → outbox/exports/published count.
"""
