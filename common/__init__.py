"""What the site (macros/) and the action service (service/) both use, imported by both:
mkdocs.yml read as MkDocs reads it, with every value the portal takes from it
(`common.config`), the markup of the petition and testimony forms with their limits
(`common.form_markup`), and the words of each language (`common.words`).

Standard library, PyYAML and Babel only, and no import of macros/ or service/: the service never
loads the site's code (MkDocs, Altair), and its image copies this folder alone
(service/deploy/Containerfile). tests/test_architecture.py keeps it so.
"""
