"""Usage history: the member's statement (extrato), authorizations (guias) and the tooth chart.

``teeth`` (FDI tooth names and faces, which procedures take a tooth) and ``odontogram`` (the SVG
chart) are pure; ``importer`` reads the operator's files; ``services`` answers the pages.
"""
