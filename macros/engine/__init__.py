"""Wiring to the engines: the preview during `make serve`, MkDocs' messages in French, errors
raised while a page renders.
"""
