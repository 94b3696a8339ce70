"""The entry pages: generic list, detail, create, edit and delete views and forms for every record kind.

Each app's urls.py wires these plain base classes explicitly for its kinds; the forms of each
kind live in the app's forms.py and extend `records.pages.forms.RecordForm`.
"""
