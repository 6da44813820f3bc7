"""Output formats: one module per format, beside its siblings.

- ``matrix_tables``: the tables every matrix writer shares (matrix as text, tidy rows, evidence);
- ``matrix_csv``, ``matrix_xlsx``, ``matrix_json``: position matrix writers;
- ``briefing*``: the PDF briefing paper.

Nothing is imported here, so using one format never loads another's library (openpyxl, reportlab).
"""
