"""The shared floor: what several rooms use (errors, logs, files, YAML, dates, URLs, French
formatting, Markdown spans, the HTML stash, the configuration).
"""
