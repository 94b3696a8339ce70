"""What a multipart request may carry besides its files: the form's other fields and the
boundaries around the files. Pages that take uploads add it to their files' limit, and the
body-limit middleware (config/body_limits.py) refuses by that sum."""

FORM_ALLOWANCE = 1024 * 1024
