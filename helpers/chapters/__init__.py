"""One module per chapter: the instruments, figures and tested readings a chapter's prose is computed from.

The core (data, models, methods, metrics) never imports these modules.
"""
